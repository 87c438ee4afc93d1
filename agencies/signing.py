"""HMAC-SHA256 signatures on everything exchanged with agencies (header `X-Signature: sha256=<hex>`)."""

import hashlib
import hmac

from django.conf import settings


def signature(body: bytes) -> str:
    key = settings.AGENCY_SECRET.encode()
    return "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()


def signature_valid(body: bytes, header: str | None) -> bool:
    if not header:
        return False
    return hmac.compare_digest(signature(body).encode(), header.encode("utf-8", "replace"))
