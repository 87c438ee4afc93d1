"""API tokens: made and revoked by their owner; they expire API_TOKEN_DAYS after they were made.

Only a key's SHA-256 digest is stored, so a copy of the database holds no working key.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit_actions import PortalAction
from .models import ApiToken, User
from .prepared import prepared
from .services import audit_record


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def tokens_of(*, user: User) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first (revoked and expired ones too)."""
    return ApiToken.objects.filter(user=user)


@transaction.atomic
def token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new token for the user, and its key: the only time the key is known."""
    key = secrets.token_hex(20)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        digest=key_digest(key),
        prefix=key[:8],
        expires_at=now + timedelta(days=settings.API_TOKEN_DAYS),
    )
    audit_record(
        actor=user, action=PortalAction.API_TOKEN_CREATED, obj=token, after={"name": name, "prefix": token.prefix}
    )
    return token, key


@transaction.atomic
def token_revoke(*, user: User, pk: int) -> ApiToken:
    """Revoke one of the user's own tokens at once; anybody else's is a 404."""
    token = tokens_of(user=user).select_for_update().filter(pk=pk).first()
    if token is None:
        raise Http404
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=user, action=PortalAction.API_TOKEN_REVOKED, obj=token, after={"prefix": token.prefix})
    return token


@transaction.atomic
def token_revoke_as_operator(*, user: User, token: ApiToken) -> ApiToken:
    """The platform's operator revokes a user's token (a leaked key), recorded as the operator's: staff only."""
    if not user.is_staff:
        raise PermissionDenied
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=user, action=PortalAction.API_TOKEN_REVOKED_IN_ADMIN, obj=token, after={"prefix": token.prefix}
        )
    return token


def token_state(token: ApiToken) -> str:
    """What a token's owner is told of it: in use, expired or revoked (translated)."""
    if token.revoked_at is not None:
        return str(_("Revoked"))
    if token.expires_at <= timezone.now():
        return str(_("Expired"))
    return str(_("In use"))


@prepared  # every API request asks it
def _token_in_force(*, digest: str, now: datetime) -> QuerySet[ApiToken]:
    return (
        ApiToken.objects.select_related("user__organisation")
        .filter(digest=digest, revoked_at__isnull=True, expires_at__gt=now)
        .order_by()[:1]
    )


def token_user(*, key: str) -> User | None:
    """The active user a key authenticates, or None: unknown, revoked or expired keys authenticate nobody."""
    token = _token_in_force.first(digest=key_digest(key), now=timezone.now())
    if token is None or not token.user.is_active:
        return None
    return token.user
