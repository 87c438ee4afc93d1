"""Ed25519 keys and signatures (from `cryptography`), for everything the portal exchanges with other
systems: each agency signs its receipts with its own private key, the portal signs its messages with
its own; each side holds only the other's public keys.

Keys travel as text: the base64 of the raw 32 bytes (`manage.py keys` makes a fresh set). A key's id is
the first 16 hex digits of the SHA-256 of its public bytes, sent beside every signature so the
receiver knows which key to try (two may be valid while one is rotated out).

Pure functions, no Django: settings import it to fill in development defaults.
"""

from __future__ import annotations

import base64
import binascii
import hashlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

SCHEME = "ed25519="  # the X-Signature header's prefix


class KeyTextError(ValueError):
    """A key's text that is not the base64 of 32 bytes."""


def _raw(text: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise KeyTextError("not base64") from None
    if len(raw) != 32:
        raise KeyTextError("not 32 bytes")
    return raw


def private_key(text: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(_raw(text))


def public_key(text: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(_raw(text))


def _public_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def public_text(private: str) -> str:
    """The public key (as text) of a private key given as text."""
    return base64.b64encode(_public_bytes(private_key(private).public_key())).decode()


def new_private_text() -> str:
    return base64.b64encode(Ed25519PrivateKey.generate().private_bytes_raw()).decode()


def development_private_text(name: str) -> str:
    """The published development key of `name` ("portal", "customs"…): derived from the name, so the
    portal and the simulator agree without configuration, and `check --deploy` refuses it."""
    return base64.b64encode(hashlib.sha256(f"single-window development key: {name}".encode()).digest()).decode()


def key_id(public: str) -> str:
    return hashlib.sha256(_raw(public)).hexdigest()[:16]


def signing_key_id(private: Ed25519PrivateKey) -> str:
    """The id of the public half of a private key: what goes beside its signatures."""
    return hashlib.sha256(_public_bytes(private.public_key())).hexdigest()[:16]


def sign(body: bytes, private: Ed25519PrivateKey) -> str:
    """The X-Signature header's value for `body`."""
    return SCHEME + base64.b64encode(private.sign(body)).decode()


def verify(body: bytes, header: str | None, public: Ed25519PublicKey) -> bool:
    if not header or not header.startswith(SCHEME):
        return False
    try:
        public.verify(base64.b64decode(header[len(SCHEME) :], validate=True), body)
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True
