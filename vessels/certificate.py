"""The international sailing vessel port clearance certificate (国际航行船舶出口岸许可证).

When every agency has released a vessel's departure, maritime safety issues the port clearance and
the ship agent prints this certificate: a bilingual PDF with a QR code. The QR code's URL carries a
token, an HMAC over the certificate number and a digest of the certificate's facts, so the public
verification page can tell a genuine certificate (the token matches the facts on record) from an
altered or forged one (it does not) and from an invented number (nothing on record).

The contract with the model that stores certificates:
- issuing: build `PortClearanceFacts`, store `facts_as_json(facts)` and `facts_digest(facts)`, then
  `render_port_clearance_pdf(facts, verify_url_for(facts))` (again from the stored facts to reprint);
- verifying: `certificate_status(facts=facts_from_json(<stored>) or None when the number is unknown,
  token=<from the URL>, revoked=<record says so>, now=<now>)`. The digest covers every fact, times
  to the microsecond, so the facts must come from what was stored, not be rebuilt from live data.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.utils import translation

from declarations import codelists
from declarations.fields import COUNTRY
from singlewindow import certificates

from .choices import CertificateStatus

SHANGHAI = certificates.SHANGHAI
TEMPLATE = "vessels/port_clearance.html"
VERIFY_PATH = "/verify/port-clearance/{number}/{token}/"  # the public page's route, to be added to urls.py
_SALT = "vessels.certificate"


@dataclasses.dataclass(frozen=True)
class Port:
    locode: str  # UN/LOCODE, e.g. CNSHA
    name_en: str
    name_zh: str = ""


@dataclasses.dataclass(frozen=True)
class ReleasingAgency:
    name_zh: str
    name_en: str
    released_at: datetime  # aware


@dataclasses.dataclass(frozen=True, kw_only=True)
class PortClearanceFacts:
    """Everything the certificate states; the verification token covers all of it."""

    number: str
    vessel_name: str
    vessel_name_zh: str = ""
    imo_number: str  # seven digits
    call_sign: str
    flag_state: str  # ISO 3166-1 alpha-3
    gross_tonnage: int
    voyage_number: str
    port_of_departure: Port
    next_port_of_call: Port
    issued_at: datetime  # aware
    valid_until: datetime  # aware
    authority_zh: str  # the maritime safety administration that issues it
    authority_en: str
    releasing_agencies: tuple[ReleasingAgency, ...]

    def __post_init__(self) -> None:
        moments = [self.issued_at, self.valid_until, *(a.released_at for a in self.releasing_agencies)]
        if any(moment.utcoffset() is None for moment in moments):
            raise ValueError("certificate times must be timezone-aware")


def certificate_number(*, port: str, issued_at: datetime, sequence: int) -> str:
    """E.g. CNSHA-2025-000123: the issuing port, the year (Beijing time), a sequence per port and year."""
    return f"{port}-{issued_at.astimezone(SHANGHAI).year}-{sequence:06d}"


def facts_as_json(facts: PortClearanceFacts) -> dict[str, Any]:
    """The facts as JSON data (times in UTC, ISO 8601), to store; `facts_from_json` reads them back."""
    return certificates.as_json(dataclasses.asdict(facts))


def facts_from_json(data: dict[str, Any]) -> PortClearanceFacts:
    """The facts `facts_as_json` stored, equal to the original and with the same digest."""
    return PortClearanceFacts(
        **{
            **data,
            "port_of_departure": Port(**data["port_of_departure"]),
            "next_port_of_call": Port(**data["next_port_of_call"]),
            "issued_at": datetime.fromisoformat(data["issued_at"]),
            "valid_until": datetime.fromisoformat(data["valid_until"]),
            "releasing_agencies": tuple(
                ReleasingAgency(**{**agency, "released_at": datetime.fromisoformat(agency["released_at"])})
                for agency in data["releasing_agencies"]
            ),
        }
    )


def facts_digest(facts: PortClearanceFacts) -> str:
    """SHA-256 (hex) of the facts in a canonical form: sorted keys, UTC times, compact JSON."""
    return certificates.digest(dataclasses.asdict(facts))


def sign_certificate(number: str, facts_digest: str) -> str:
    """The URL-safe token binding a certificate number to its facts, keyed with SECRET_KEY."""
    return certificates.token_for(_SALT, number, facts_digest)


def token_valid(number: str, facts_digest: str, token: str) -> bool:
    """Whether `token` was signed for this number and these facts (old keys in SECRET_KEY_FALLBACKS count)."""
    return certificates.token_valid(_SALT, number, facts_digest, token)


def verify_url_for(facts: PortClearanceFacts, *, base_url: str | None = None) -> str:
    """The public URL the QR code carries (base_url defaults to settings.PORTAL_BASE_URL)."""
    token = sign_certificate(facts.number, facts_digest(facts))
    path = VERIFY_PATH.format(number=quote(facts.number, safe=""), token=token)
    return (base_url or settings.PORTAL_BASE_URL).rstrip("/") + path


def certificate_status(
    *, facts: PortClearanceFacts | None, token: str, revoked: bool, now: datetime
) -> CertificateStatus:
    """What the verification page says. `facts`: the stored facts of the URL's number read back with
    `facts_from_json`, or None when no certificate has that number."""
    return certificates.verdict(
        salt=_SALT,
        number=facts.number if facts else "",
        facts_digest=facts_digest(facts) if facts else None,
        token=token,
        revoked=revoked,
        expired=bool(facts and now > facts.valid_until),
    )


_beijing_time = certificates.beijing_time


def _country_names(code: str) -> tuple[str, str]:
    names = []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            names.append(codelists.name(COUNTRY, code))
    return names[0], names[1]


def render_port_clearance_pdf(facts: PortClearanceFacts, verify_url: str) -> bytes:
    """The certificate as a one-page A4 PDF, Chinese and English, fonts subset into it."""
    flag_zh, flag_en = _country_names(facts.flag_state)
    return certificates.render_pdf(
        TEMPLATE,
        {
            "facts": facts,
            "flag_zh": flag_zh,
            "flag_en": flag_en,
            "issued_at": _beijing_time(facts.issued_at),
            "valid_until": _beijing_time(facts.valid_until),
            "agencies": [(a.name_zh, a.name_en, _beijing_time(a.released_at)) for a in facts.releasing_agencies],
            "qr": certificates.qr_data_uri(verify_url),
            "verify_url": verify_url,
        },
    )
