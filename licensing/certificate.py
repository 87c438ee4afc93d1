"""The printed licence: a bilingual A4 PDF of what it states (Licence.facts, stored when it was issued)
with a QR code opening the public verification page, and what that page says (singlewindow.certificates:
the token binds the number to the digest of the stored facts, so altered facts no longer match)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.utils import timezone

from declarations import codelists
from declarations.choices import CodeList
from singlewindow import certificates
from singlewindow.certificates import Verdict

from .choices import LicenceKind, LicenceState
from .models import Licence

TEMPLATE = "licensing/licence_pdf.html"
VERIFY_PATH = "/verify/licence/{number}/{token}/"
SALT = "licensing.licence"
K = LicenceKind
# Each kind's printed title, Chinese and English: the certificate's fixed wording, whoever reads it.
TITLES: dict[str, tuple[str, str]] = {
    K.IMPORT: ("中华人民共和国进口许可证", "IMPORT LICENCE OF THE PEOPLE'S REPUBLIC OF CHINA"),
    K.AUTOMATIC_IMPORT: ("中华人民共和国自动进口许可证", "AUTOMATIC IMPORT LICENCE OF THE PEOPLE'S REPUBLIC OF CHINA"),
    K.EXPORT: ("中华人民共和国出口许可证", "EXPORT LICENCE OF THE PEOPLE'S REPUBLIC OF CHINA"),
    K.DUAL_USE_IMPORT: ("两用物项和技术进口许可证", "DUAL-USE ITEMS AND TECHNOLOGIES IMPORT LICENCE"),
    K.DUAL_USE_EXPORT: ("两用物项和技术出口许可证", "DUAL-USE ITEMS AND TECHNOLOGIES EXPORT LICENCE"),
    K.CITES_IMPORT: ("濒危物种允许进口证明书", "CITES IMPORT PERMIT"),
    K.CITES_EXPORT: ("濒危物种允许出口证明书", "CITES EXPORT PERMIT"),
    K.TARIFF_QUOTA: ("农产品进口关税配额证明", "TARIFF-RATE QUOTA CERTIFICATE"),
}


def token(licence: Licence) -> str:
    return certificates.token_for(SALT, licence.number, certificates.digest(licence.facts))


def verify_url(licence: Licence, *, base_url: str | None = None) -> str:
    """The public URL the QR code carries (base_url defaults to settings.PORTAL_BASE_URL)."""
    path = VERIFY_PATH.format(number=quote(licence.number, safe=""), token=token(licence))
    return (base_url or settings.PORTAL_BASE_URL).rstrip("/") + path


def printed(facts: dict[str, Any]) -> dict[str, Any]:
    """The stored facts as the certificate and the verification page show them (Beijing time, names; each
    line's unit as `unit_zh`, what the certificate prints, and `unit_name`, in the reader's language)."""
    place = facts.get("place_of_clearance") or ""
    names = codelists.names(CodeList.CUSTOMS_OFFICES, place) if place else None
    zh, en = TITLES.get(facts["kind"], ("", ""))
    return {
        **facts,
        "lines": [
            {
                **line,
                "unit_zh": (codelists.names(CodeList.UNITS, line["unit"]) or (line["unit"],))[0],
                "unit_name": codelists.name(CodeList.UNITS, line["unit"]) or line["unit"],
            }
            for line in facts.get("lines", [])
        ],
        "title_zh": zh,
        "title_en": en,
        "issued": certificates.beijing_time(datetime.fromisoformat(facts["issued_at"])),
        "place": f"{names[0]} {names[1]} ({place})" if names else place,
    }


def licence_pdf(licence: Licence) -> bytes:
    """The licence as a one-page A4 PDF, Chinese and English, fonts subset into it."""
    url = verify_url(licence)
    return certificates.render_pdf(
        TEMPLATE, {"facts": printed(licence.facts), "qr": certificates.qr_data_uri(url), "verify_url": url}
    )


def licence_verdict(*, number: str, token: str, today: date | None = None) -> tuple[Licence | None, Verdict]:
    """The licence on record for a number and what the public page says about it: the digest is
    recomputed from the stored facts, so a changed fact makes the token fail."""
    licence = Licence.objects.filter(number=number).first()
    today = today or timezone.now().astimezone(certificates.SHANGHAI).date()
    verdict = certificates.verdict(
        salt=SALT,
        number=number,
        facts_digest=certificates.digest(licence.facts) if licence else None,
        token=token,
        revoked=bool(licence and licence.state == LicenceState.REVOKED),
        expired=bool(licence and today > licence.valid_until),
    )
    return licence, verdict
