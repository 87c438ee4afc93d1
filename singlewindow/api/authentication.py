from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from ..tokens import token_user


class OrganisationTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>` with the portal's API tokens (singlewindow/tokens.py): unknown, expired
    and revoked keys are refused. The user's organisation comes in the same query: every API request
    needs it for scoping."""

    def authenticate_credentials(self, key: str) -> tuple[Any, None]:
        user = token_user(key=key)
        if user is None:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        return user, None
