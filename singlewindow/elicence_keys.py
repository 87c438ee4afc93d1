"""SM2 signatures with SM3 (GB/T 32918.2 with the SM3 digest of GB/T 32905, the scheme China's e-port and
the e-business licence sign with), the curve from the pure-Python `gmssl` package and SM3 from OpenSSL; and a person's private key sealed
at rest.

Why SM2 and not Ed25519: the point arithmetic is done in Python integers with a table of G's doublings
(`singlewindow/sm2curve.py`), so SM2 signs in under 1 ms and verifies in about 3 ms (gmssl's own hex-string
arithmetic: 8 ms and 24 ms), and a whole signed submission (`make bench`: sign_ms_p50, grant, key, signature
and audit entry) stays well within the 20 ms target; Ed25519 (`cryptography`, singlewindow/signatures.py)
would sign in 0.06 ms and is the fallback should SM2 ever measure too slow. gmssl still gives the curve's
parameters, and its own verify accepts these signatures (tested); SM3 is OpenSSL's (`cryptography`),
checked against gmssl's in the tests.

gmssl's pitfalls, worked around here:
- its random nonce (`func.random_hex`) is drawn with `random`, which is predictable, and a predictable
  nonce gives the private key away: the nonce comes from `secrets`, in [1, n-1];
- `CryptSM2()` strips a public key's "04" prefix with `str.lstrip`, which also eats the key's own leading
  0s and 4s, and it makes no keys: keys are made here (d from `secrets` in [1, n-2], the public key dG);
- its verify neither checks that r and s lie in [1, n-1] nor that the public key is on the curve, and
  raises on malformed text: checked here, and anything malformed is simply not a valid signature.

The signer's distinguishing identifier is the standard default, "1234567812345678" (gmssl's). Z, the SM3
digest of that identifier, the curve and the public key, is the same for every signature of a key: it is
computed once per key here (gmssl's `sign_with_sm3` computes it each time), and e = SM3(Z‖M) is what is
signed and verified, exactly as gmssl's `sign_with_sm3` / `verify_with_sm3` do.
Keys and signatures travel as hex: the public key x‖y (128 digits), a signature r‖s (128 digits).

The private key is sealed with Fernet (AES-128-CBC and HMAC-SHA256, `cryptography`) under a key derived
from SECRET_KEY (SECRET_KEY_FALLBACKS still open what they sealed). That only keeps a database dump from
signing: a real deployment keeps each person's private key on their device or in an HSM.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from django.conf import settings
from django.utils.crypto import salted_hmac
from gmssl import sm2

from . import sm2curve as curve

ALGORITHM = "sm2-sm3"
_CURVE = sm2.default_ecc_table
_N = int(_CURVE["n"], 16)
_P = int(_CURVE["p"], 16)
_A = int(_CURVE["a"], 16)
_B = int(_CURVE["b"], 16)
_HEX = frozenset("0123456789abcdef")


class KeyUnreadable(Exception):
    """A sealed private key that none of the secret keys opens (SECRET_KEY changed without a fallback)."""


def key_pair_new() -> tuple[str, str]:
    """A fresh (private, public) key pair as hex."""
    d = secrets.randbelow(_N - 2) + 1
    x, y = curve.affine(curve.base_multiply(d))
    return f"{d:064x}", f"{x:064x}{y:064x}"


def key_id(public_hex: str) -> str:
    """The first 16 hex digits of the SHA-256 of the public key: what names the key beside a signature."""
    return hashlib.sha256(bytes.fromhex(public_hex)).hexdigest()[:16]


_DEFAULT_ID = "0080" + "31323334353637383132333435363738"  # ENTL (128 bits) and "1234567812345678"


@lru_cache(maxsize=4096)
def _z(public_hex: str) -> bytes:
    """Z of GB/T 32918.2: SM3(ENTL‖ID‖a‖b‖xG‖yG‖xA‖yA)."""
    return sm3(bytes.fromhex(_DEFAULT_ID + _CURVE["a"] + _CURVE["b"] + _CURVE["g"] + public_hex))


def _e(message: bytes, public_hex: str) -> bytes:
    """e = SM3(Z‖M), what SM2 signs."""
    return sm3(_z(public_hex) + message)


def sm3(data: bytes) -> bytes:
    """The SM3 digest (GB/T 32905), from OpenSSL through `cryptography`: gmssl's pure-Python SM3 took
    about 2 ms a submission."""
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()


def sign(message: bytes, *, private_hex: str, public_hex: str) -> str:
    """The SM2 signature (r‖s, hex) of SM3(Z‖message), with a nonce from `secrets`."""
    e, d = int.from_bytes(_e(message, public_hex), "big"), int(private_hex, 16)
    while True:  # None in the (vanishingly rare) cases the standard says to draw again
        signed = curve.sign(e, d, secrets.randbelow(_N - 1) + 1)
        if signed:
            return f"{signed[0]:064x}{signed[1]:064x}"


def _on_curve(public_hex: str) -> bool:
    if len(public_hex) != 128 or not set(public_hex) <= _HEX:
        return False
    x, y = int(public_hex[:64], 16), int(public_hex[64:], 16)
    return x < _P and y < _P and (y * y - (x * x * x + _A * x + _B)) % _P == 0


def verify(message: bytes, signature: str, *, public_hex: str) -> bool:
    """Whether `signature` is the public key's SM2 signature of the message; False for anything malformed."""
    if len(signature) != 128 or not set(signature) <= _HEX or not _on_curve(public_hex):
        return False
    r, s = int(signature[:64], 16), int(signature[64:], 16)
    if not (0 < r < _N and 0 < s < _N):
        return False
    e = int.from_bytes(_e(message, public_hex), "big")
    return curve.verify(e, r, s, int(public_hex[:64], 16), int(public_hex[64:], 16))


def _fernet(secret: str | bytes) -> Fernet:
    key = salted_hmac("singlewindow.elicence_keys.seal", "private signing key", secret=secret, algorithm="sha256")
    return Fernet(base64.urlsafe_b64encode(key.digest()))


def _sealer() -> MultiFernet:
    return MultiFernet([_fernet(s) for s in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]])


def seal(private_hex: str) -> str:
    return _sealer().encrypt(private_hex.encode()).decode()


def unseal(sealed: str) -> str:
    try:
        return _sealer().decrypt(sealed.encode()).decode()
    except InvalidToken:
        raise KeyUnreadable from None
