"""What every certificate the portal issues shares: a number bound to its facts by a token in the QR code,
the public verification page's verdict, and a bilingual A4 PDF with CJK fonts.

A certificate (a vessel's port clearance, a trade licence, an approval decision…) stores its facts as
JSON when it is issued and its digest; the QR code carries the public URL with a token, an HMAC over
the kind of certificate, its number and that digest (keyed with SECRET_KEY, old keys in
SECRET_KEY_FALLBACKS still count). The verification page reads the stored facts back, recomputes the
digest and checks the token: a genuine certificate matches, an altered or forged one does not, an
invented number has nothing on record.
"""

from __future__ import annotations

import hashlib
import json
from base64 import urlsafe_b64encode
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import segno
from django.conf import settings
from django.db import models
from django.template.loader import render_to_string
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _
from weasyprint import HTML

from .pdffonts import compact_cid_fonts

SHANGHAI = ZoneInfo("Asia/Shanghai")  # certificates show Beijing time wherever they are verified
TOKEN_BYTES = 12  # 96 bits of HMAC: 16 URL-safe characters, enough against guessing on a public page


class Verdict(models.TextChoices):
    """What a public verification page says about a certificate."""

    VALID = "valid", _("Genuine and in force")
    EXPIRED = "expired", _("Genuine but expired")
    REVOKED = "revoked", _("Revoked by the issuing authority")
    INVALID = "invalid", _("Not genuine: it does not match the certificate on record")
    UNKNOWN = "unknown", _("Unknown certificate number")


def _plain(value: object) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(type(value).__name__)


def as_json(facts: dict[str, Any]) -> dict[str, Any]:
    """Facts as JSON data to store: times in UTC (ISO 8601), dates ISO, decimals as text."""
    result: dict[str, Any] = json.loads(json.dumps(facts, default=_plain))
    return result


def digest(facts: dict[str, Any]) -> str:
    """SHA-256 (hex) of the facts in a canonical form: sorted keys, compact JSON, values as `as_json`."""
    text = json.dumps(as_json(facts), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _token(salt: str, number: str, facts_digest: str, secret: str | bytes) -> str:
    mac = salted_hmac(salt, f"{number}\n{facts_digest}", secret=secret, algorithm="sha256").digest()
    return urlsafe_b64encode(mac[:TOKEN_BYTES]).decode()


def token_for(salt: str, number: str, facts_digest: str) -> str:
    """The URL-safe token binding a certificate of one kind (`salt`, e.g. "licensing.licence") to its facts."""
    return _token(salt, number, facts_digest, settings.SECRET_KEY)


def token_valid(salt: str, number: str, facts_digest: str, token: str) -> bool:
    secrets = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return any(constant_time_compare(_token(salt, number, facts_digest, secret), token) for secret in secrets)


def public_url(path: str) -> str:
    """The absolute URL of a portal path, as printed on paper (settings.PORTAL_BASE_URL)."""
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def verdict(*, salt: str, number: str, facts_digest: str | None, token: str, revoked: bool, expired: bool) -> Verdict:
    """What the public page says: `facts_digest` is the digest of the facts on record for the URL's number,
    recomputed from what was stored (None when no certificate has that number)."""
    if facts_digest is None:
        return Verdict.UNKNOWN
    if not token_valid(salt, number, facts_digest, token):
        return Verdict.INVALID
    if revoked:
        return Verdict.REVOKED
    if expired:
        return Verdict.EXPIRED
    return Verdict.VALID


def beijing_time(moment: datetime) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def qr_data_uri(url: str) -> str:
    """The URL as a QR code (PNG data URI) for a certificate's template; read back by tests with zxing-cpp."""
    result: str = segno.make(url, error="m").png_data_uri(scale=4, border=4)
    return result


def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """A template rendered to PDF by WeasyPrint, the CJK fonts compacted (`pdffonts`)."""
    pdf: bytes = HTML(string=render_to_string(template, context)).write_pdf(finisher=compact_cid_fonts)
    return pdf
