"""The consolidated approval decision (综合审批决定书) as a certificate: its facts, stored as JSON when it
is issued, a bilingual PDF rendered from them with a QR code, and the public verification page's verdict
(singlewindow/certificates.py: the token in the URL is an HMAC over the number and the facts' digest, so
altered facts or a forged number are caught).

The wording of the PDF (titles, outcomes) is the certificate's fixed bilingual text, literal like the
port clearance's, the same whatever the reader's language.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from django.urls import reverse

from singlewindow import certificates

from . import selectors
from .choices import ReviewState
from .models import ApprovalCase, Decision, PublicNotice

SALT = "approvals.decision"
TEMPLATE = "approvals/decision.html"

# A review's outcome as the decision prints it: Chinese, English.
OUTCOMES = {
    ReviewState.APPROVED: ("同意", "Approved"),
    ReviewState.DEEMED_CONSENT_OVERDUE: ("超时默认同意", "Deemed consent (overdue)"),
    ReviewState.DEEMED_CONSENT_ABSENT: ("缺席默认同意", "Deemed consent (absent)"),
}


def facts_for(*, case: ApprovalCase, number: str, issued_at: datetime) -> dict[str, Any]:
    """Everything the decision states, as JSON data to store (times in UTC)."""
    desk = selectors.window()
    notice = PublicNotice.objects.get(case=case)
    reviews = case.reviews.select_related("department").order_by("department__code")
    return certificates.as_json(
        {
            "number": number,
            "case_number": case.number,
            "applicant": {"name": case.applicant.name, "name_en": case.applicant.name_en, "uscc": case.applicant.uscc},
            "project": {key: case.form.get(key, "") for key in ("project_name", "project_code", "site", "investment",
                                                                  "land_area", "floor_area", "content")},
            "stage": {"number": case.stage.number, "name": case.stage.name, "name_en": case.stage.name_en},
            "reviews": [
                {"department": r.department.name, "department_en": r.department.name_en, "items": r.items,
                 "items_en": r.items_en,
                 "state": r.state, "rule": r.rule, "decided_at": r.decided_at, "opinion": r.opinion}
                for r in reviews
            ],
            "notice": {"starts_at": notice.starts_at, "ends_at": notice.ends_at},
            "issued_at": issued_at,
            "authority": {"name": desk.name if desk else "", "name_en": desk.name_en if desk else ""},
        }
    )  # fmt: skip


def verify_url(decision: Decision) -> str:
    """The public URL its QR code carries, bound to the stored facts."""
    token = certificates.token_for(SALT, decision.number, certificates.digest(decision.facts))
    return certificates.public_url(reverse("approvals:verify", args=[quote(decision.number, safe=""), token]))


def render(decision: Decision) -> bytes:
    """The decision as an A4 PDF, Chinese and English, from its stored facts."""
    facts = decision.facts
    url = verify_url(decision)
    reviews = [
        {**review, "outcome": OUTCOMES.get(review["state"], ("", "")),
         "decided": certificates.beijing_time(datetime.fromisoformat(review["decided_at"]))
         if review["decided_at"] else ""}
        for review in facts["reviews"]
    ]  # fmt: skip
    return certificates.render_pdf(
        TEMPLATE,
        {
            "facts": facts,
            "reviews": reviews,
            "issued_at": certificates.beijing_time(datetime.fromisoformat(facts["issued_at"])),
            "notice_from": certificates.beijing_time(datetime.fromisoformat(facts["notice"]["starts_at"])),
            "notice_until": certificates.beijing_time(datetime.fromisoformat(facts["notice"]["ends_at"])),
            "qr": certificates.qr_data_uri(url),
            "verify_url": url,
        },
    )


def verify(*, number: str, token: str) -> tuple[Decision | None, certificates.Verdict]:
    """The decision on record for a number and what the public page says: the digest is recomputed from
    the facts stored, so a row altered after issue no longer matches its token."""
    decision = Decision.objects.filter(number=number).first()
    verdict = certificates.verdict(
        salt=SALT, number=number, facts_digest=certificates.digest(decision.facts) if decision else None,
        token=token, revoked=False, expired=False,
    )  # fmt: skip
    return decision, verdict
