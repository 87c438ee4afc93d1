"""Signatures on everything exchanged with agencies (docs/AGENCY_PROTOCOL.md section 4).

The portal signs what it sends with its own key; each agency signs its receipts with its own. The
agency a receipt batch speaks for is the agency whose key signed it, never a name in the body, so one
agency's system cannot release another agency's branch. Headers: `X-Key-Id` (which key) and
`X-Signature: ed25519=<base64>` (the signature of the exact body bytes).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings

from singlewindow.signatures import key_id, private_key, public_key, sign, signing_key_id, verify

from .adapters import adapters


@dataclass(frozen=True)
class AgencyKey:
    agency: str
    key_id: str
    key: Ed25519PublicKey


_portal_key = lru_cache(maxsize=4)(private_key)


def signed_headers(body: bytes) -> dict[str, str]:
    """The headers that sign a message the portal sends."""
    key = _portal_key(settings.PORTAL_SIGNING_KEY)
    return {"X-Key-Id": signing_key_id(key), "X-Signature": sign(body, key)}


@lru_cache(maxsize=4)
def _keyring(keys: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[str, AgencyKey]:
    return {key_id(text): AgencyKey(agency, key_id(text), public_key(text)) for agency, texts in keys for text in texts}


def agency_keys() -> dict[str, AgencyKey]:
    """Every agency's valid public keys by key id (two per agency while a key is rotated)."""
    return _keyring(
        tuple(
            (agency, tuple(settings.AGENCY_PUBLIC_KEYS[agency]))
            for agency in (adapter.agency for adapter in adapters())
        )
    )


def signer(body: bytes, *, key_id: str | None, signature: str | None) -> str | None:
    """The agency whose key signed `body`, or None when the key is unknown or the signature wrong."""
    found = agency_keys().get(key_id or "")
    if found is None or not verify(body, signature, found.key):
        return None
    return found.agency
