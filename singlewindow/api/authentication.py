from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication, TokenAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission

from ..tokens import token_user
from .throttling import FailedTokenThrottle


class OrganisationTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>` with the portal's API tokens (singlewindow/tokens.py): unknown, expired
    and revoked keys are refused (401). The user's organisation comes in the same query: every API request
    needs it for scoping.

    Failed attempts are counted per client address (FailedTokenThrottle): past the rate, any token from
    that address is refused with 429 before it is looked up."""

    def authenticate(self, request: Any) -> tuple[Any, None] | None:
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None  # no token: another authentication (the session) may apply
        throttle = FailedTokenThrottle()
        if throttle.refuses(request):
            raise exceptions.Throttled(
                throttle.wait(), _("Too many requests with an unknown, expired or revoked token from this address.")
            )
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed:
            throttle.records(request)
            raise

    def authenticate_credentials(self, key: str) -> tuple[Any, None]:
        user = token_user(key=key)
        if user is None:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        return user, None


class SignedIn(BasePermission):
    """Only a person signed in to the portal (a browser session), not an API token: a token must not make
    another, or a leaked key would renew itself for ever."""

    message = gettext_lazy(
        "A token cannot make another: sign in to the portal and make one on the API tokens page "
        "(/accounts/api-tokens/)."
    )
    code = "session_required"

    def has_permission(self, request: Any, view: Any) -> bool:
        return isinstance(request.successful_authenticator, SessionAuthentication)
