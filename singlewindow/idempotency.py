"""Idempotent API requests (IETF draft "The Idempotency-Key HTTP Header Field"): an ERP whose connection
dropped after it submitted sends the same request again with the same key, and gets the first answer
again instead of a second declaration or a 409.

- The same organisation, key and request (method, path and body) → the first answer again (its status
  and body), with `Idempotent-Replayed: true`; nothing is done twice.
- The same key with another request → 422; while the first request with that key is still being
  answered → 409. Both in the API's error shape, with the header as the field.
- Only a successful (2xx) answer is kept: a refused request changed nothing (its transaction was rolled
  back), so a retry simply runs it again.
- Keys are the organisation's own (another organisation using the same key is a different request) and
  kept IDEMPOTENCY_KEY_HOURS.

Put `@idempotent` on an API handler (innermost, under `@action`) and `IDEMPOTENCY_KEY` in its
`@extend_schema(parameters=…)`, which documents the header.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import connection
from django.http.request import RawPostDataException
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request
from rest_framework.response import Response

from .errors import DomainError
from .models import IdempotentRequest
from .prepared import insert_later, writes_together
from .transactions import atomic_whole

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
# A claim without an answer (kept by the previous release, which claimed keys in a transaction of their own)
# older than this was abandoned (its worker died): its key may be used again.
ABANDONED_AFTER = timedelta(minutes=5)

IDEMPOTENCY_KEY = OpenApiParameter(
    HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=gettext_lazy(
        "A unique value the client makes for this request (e.g. a UUID), at most 255 characters. Sent again "
        "with the same request, it gets the first answer again (header Idempotent-Replayed: true) instead of "
        "doing it twice; with a different request, 422; while the first is still being answered, 409. Only "
        "successful answers are kept, for 24 hours, per organisation."
    ),
)


class IdempotencyError(DomainError):
    field = HEADER


class KeyInvalid(IdempotencyError):
    status_code = 400
    code = "invalid"


class KeyReused(IdempotencyError):
    status_code = 422
    code = "idempotency_key_reused"


class KeyInProgress(IdempotencyError):
    status_code = 409
    code = "idempotency_key_in_progress"

    def __init__(self) -> None:
        super().__init__(_("A request with this Idempotency-Key is still being answered. Try again in a moment."))


Handler = TypeVar("Handler", bound=Callable[..., Any])


def idempotent(handler: Handler) -> Handler:
    """An API handler `(self, request, …)` answering a request with an Idempotency-Key once per key."""

    @functools.wraps(handler)
    def answer(view: Any, request: Request, *args: Any, **kwargs: Any) -> Any:
        raw = request.headers.get(HEADER)
        organisation_id = getattr(request.user, "organisation_id", None)
        if raw is None or organisation_id is None:
            return handler(view, request, *args, **kwargs)
        key, digest, now = _key(raw), _digest(request), timezone.now()
        # The key's claim, the work and its kept answer are one transaction: a request that fails or dies
        # leaves nothing behind, and one answer is kept for a key or none. Nothing in it carries on after a
        # failure, so the services inside need no savepoints of their own (singlewindow/transactions.py).
        # The answer kept is written with the rows the work left to the end (singlewindow/prepared.py:
        # writes_together; a submission's branches, event and audit entries), in one statement.
        with atomic_whole(), writes_together():
            earlier = request_claim(organisation_id=organisation_id, key=key, digest=digest, now=now)
            if earlier is not None:
                return earlier
            response = handler(view, request, *args, **kwargs)
            if 200 <= response.status_code < 300:  # a refusal keeps nothing: the key may be used again
                insert_later([IdempotentRequest(
                    organisation_id=organisation_id,
                    key=key,
                    method=request.method or "",
                    path=request.path[:500],
                    body_digest=digest,
                    status=response.status_code,
                    response=response.data,
                    created_at=now,
                )])  # fmt: skip
            return response

    return answer  # type: ignore[return-value]


def request_claim(*, organisation_id: int, key: str, digest: str, now: datetime) -> Response | None:
    """Hold the key for this request until its transaction ends; None when it is the key's first request,
    else the earlier request's answer to give again. Raises when the key is in use by another request or
    by this one still being answered. Call inside a transaction."""
    earlier_id = _hold(organisation_id, key)
    earlier = IdempotentRequest.objects.filter(pk=earlier_id).first() if earlier_id is not None else None
    if earlier is None:
        return None
    expired = earlier.created_at <= now - timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS)
    abandoned = earlier.status is None and earlier.created_at <= now - ABANDONED_AFTER
    if expired or abandoned:
        earlier.delete()
        return None
    if earlier.status is None:  # a claim kept by the previous release, whose request is still running
        raise KeyInProgress
    if earlier.body_digest != digest:
        raise KeyReused(
            _(
                "This Idempotency-Key was already used for a different request. Use a new key for a new "
                "request; send the same key only with exactly the same request."
            )
        )
    return Response(earlier.response, status=earlier.status, headers={REPLAYED: "true"})


def _hold(organisation_id: int, key: str) -> int | None:
    """Take the key for this transaction and return the id of an answer kept for it, in one statement. On
    PostgreSQL a transaction-level advisory lock on (organisation, hash of the key): another request holding
    it is still being answered (409). SQLite runs one writing transaction at a time, so the earlier request
    has finished by the time this one starts."""
    kept = f"SELECT id FROM {IdempotentRequest._meta.db_table} WHERE organisation_id = %s AND key = %s"  # noqa: S608
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(kept, [organisation_id, key])
            row = cursor.fetchone()
            return row[0] if row else None
        cursor.execute(f"SELECT pg_try_advisory_xact_lock(%s, hashtext(%s)), ({kept})", [organisation_id, key] * 2)
        held, earlier_id = cursor.fetchone()
    if not held:
        raise KeyInProgress
    return earlier_id


def requests_expire() -> int:
    """Forget keys older than IDEMPOTENCY_KEY_HOURS; returns how many."""
    cutoff = timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS)
    deleted, _by_model = IdempotentRequest.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def _key(raw: str) -> str:
    """The key as sent: a structured-field string ("…") as the draft has it, or bare."""
    key = raw.strip()
    if len(key) >= 2 and key[0] == key[-1] == '"':
        key = key[1:-1]
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise KeyInvalid(
            _("The Idempotency-Key header must be 1 to %(max)d printable characters.") % {"max": MAX_KEY_LENGTH}
        )
    return key


def _file_digest(value: object) -> str:
    if isinstance(value, UploadedFile):
        sha = hashlib.sha256()
        for chunk in value.chunks():
            sha.update(chunk)
        value.seek(0)  # the view reads it next
        return f"{value.name}:{sha.hexdigest()}"
    return str(value)


def _digest(request: Request) -> str:
    """What makes two requests the same: method, path and body (JSON compared by value, not by spacing or
    key order)."""
    try:
        body = request._request.body
    except RawPostDataException:  # a multipart body already read: its parsed values stand for it, each
        # uploaded file by its content (its name alone would make another file of that name a replay)
        body = json.dumps(request.data, sort_keys=True, default=_file_digest).encode()
    with contextlib.suppress(ValueError):  # not JSON: compared byte for byte
        body = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode() if body else b""
    return hashlib.sha256(f"{request.method} {request.path}\n".encode() + body).hexdigest()
