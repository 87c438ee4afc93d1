"""The one-page credit report (信用报告) of a firm, printed as a PDF with a verification QR code (SPEC S9;
the bonded-area pilot uses credit reports in tendering, funding, clearance and lending).

A report states what the public may know, as at the moment it is issued: the firm's current class under
each scheme with the rule that put it there, and its records published then (public, in force or under
objection, within their window) and its public credit commitments with their fulfilment — never a non-public record, so handing it to a bank discloses nothing
the public page would not. Each report is stored with its facts and their digest and numbered
CR<yyyymmdd><sequence>; the QR code carries /credit/reports/<number>/<token>/, where anyone reads the
verdict (genuine, expired, forged, unknown) and the facts on record. A report speaks for 30 days after it
is issued (a default of ours: no source fixes how long a credit report is good for).

The firm gets its own report; an agency's officer any firm's; nobody else (404).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from django.http import Http404
from django.utils import timezone, translation

from singlewindow import certificates
from singlewindow.choices import Agency, OrganisationKind
from singlewindow.models import Organisation, User
from singlewindow.services import audit_record, sequence_next

from .choices import CommitmentKind, CommitmentState, CreditAction, PenaltyType, RecordKind
from .classify import in_force
from .models import Classification, Commitment, CreditRecord, CreditReport

SALT = "credit.report"
TEMPLATE = "credit/report_pdf.html"
VALID_DAYS = 30
COMMITMENTS_SHOWN = 5  # the latest public ones: the report stays one page
VERIFY_PATH = "/credit/reports/{number}/{token}/"


def _both(labels: dict[str, str]) -> tuple[str, str]:
    return labels.get("zh-hans", ""), labels.get("en", "") or labels.get("zh-hans", "")


def _in_both(value: Any) -> tuple[str, str]:
    """A choice's (lazy) label in Chinese and English."""
    names = []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            names.append(str(value))
    return names[0], names[1]


def report_facts(*, firm: Organisation, number: str, issued_at: datetime) -> dict[str, Any]:
    """Everything the report states (the digest covers all of it), in both languages."""
    classes = []
    for c in (
        Classification.objects.filter(uscc=firm.uscc, current=True).select_related("scheme").order_by("scheme_key")
    ):
        spec = next(k for k in c.scheme.rules["classes"] if k["key"] == c.klass)
        rule = next((r for r in spec["rules"] if r["key"] == c.rule), None)
        title_zh, title_en = _both(c.scheme.rules.get("title", {}) or {"zh-hans": c.scheme.name})
        class_zh, class_en = _both(spec["label"])
        rule_zh, rule_en = _both(rule["label"]) if rule else ("", "")
        classes.append({"scheme_zh": title_zh, "scheme_en": title_en, "class_zh": class_zh, "class_en": class_en,
                        "colour": spec["colour"], "rule_zh": rule_zh, "rule_en": rule_en})  # fmt: skip
    records = []
    published = CreditRecord.objects.filter(in_force(timezone.localdate(issued_at)), uscc=firm.uscc, public=True)
    for r in published.select_related("conduct").order_by("-decided_at", "-id")[:20]:
        agency_zh, agency_en = _in_both(Agency(r.source_agency).label)
        kind_zh, kind_en = _in_both(RecordKind(r.kind).label)
        penalty_zh, penalty_en = _in_both(PenaltyType(r.penalty_type).label) if r.penalty_type else ("", "")
        records.append({
            "decided_at": r.decided_at, "agency_zh": agency_zh, "agency_en": agency_en, "kind_zh": kind_zh,
            "kind_en": kind_en, "penalty_zh": penalty_zh, "penalty_en": penalty_en, "amount": r.amount,
            "legal_basis": r.legal_basis, "conduct": r.conduct.title_zh if r.conduct else "",
            "publish_until": r.publish_until, "objected": r.state == "objected",
        })  # fmt: skip
    commitments = []
    public_commitments = Commitment.objects.filter(uscc=firm.uscc, public=True)
    for commitment in public_commitments.order_by("-filed_at", "-id")[:COMMITMENTS_SHOWN]:
        kind_zh, kind_en = _in_both(CommitmentKind(commitment.kind).label)
        agency_zh, agency_en = _in_both(Agency(commitment.agency).label)
        state_zh, state_en = _in_both(CommitmentState(commitment.state).label)
        commitments.append({"kind_zh": kind_zh, "kind_en": kind_en, "agency_zh": agency_zh, "agency_en": agency_en,
                            "starts_on": commitment.starts_on, "ends_on": commitment.ends_on, "state_zh": state_zh,
                            "state_en": state_en})  # fmt: skip
    return certificates.as_json({
        "commitments": commitments, "commitments_total": public_commitments.count(),
        "number": number, "uscc": firm.uscc, "name": firm.name, "name_en": firm.name_en, "issued_at": issued_at,
        "valid_until": issued_at + timedelta(days=VALID_DAYS), "classes": classes, "records": records,
        "records_total": published.count(),
    })  # fmt: skip


def _firm_for(user: User, uscc: str) -> Organisation:
    org = user.organisation
    own = org is not None and org.kind == OrganisationKind.ENTERPRISE and org.uscc == uscc
    officer = org is not None and org.kind == OrganisationKind.AGENCY and bool(org.agency)
    firm = Organisation.objects.filter(uscc=uscc, kind=OrganisationKind.ENTERPRISE).first()
    if firm is None or not (own or officer):
        raise Http404
    return firm


def report_issue(*, user: User, uscc: str) -> CreditReport:
    """A new numbered report of the firm as it stands now: its own for a firm, any firm's for an officer."""
    firm = _firm_for(user, uscc)
    issued_at = timezone.now()
    number = f"CR{timezone.localdate():%Y%m%d}{sequence_next(name='credit.report'):06d}"
    facts = report_facts(firm=firm, number=number, issued_at=issued_at)
    report = CreditReport.objects.create(
        number=number, uscc=uscc, facts=facts, digest=certificates.digest(facts), issued_at=issued_at,
        valid_until=issued_at + timedelta(days=VALID_DAYS), issued_to=user,
    )  # fmt: skip
    audit_record(actor=user, action=CreditAction.REPORT_ISSUED, obj=report, after={"number": number, "uscc": uscc})
    return report


def verify_url(report: CreditReport) -> str:
    token = certificates.token_for(SALT, report.number, certificates.digest(report.facts))
    return certificates.public_url(VERIFY_PATH.format(number=quote(report.number, safe=""), token=token))


def report_pdf(report: CreditReport) -> bytes:
    """The report as a one-page A4 PDF, Chinese and English side by side."""
    url = verify_url(report)
    return certificates.render_pdf(TEMPLATE, {
        "facts": report.facts, "issued_at": certificates.beijing_time(report.issued_at),
        "valid_until": certificates.beijing_time(report.valid_until), "qr": certificates.qr_data_uri(url),
        "verify_url": url,
    })  # fmt: skip


def report_verdict(*, number: str, token: str) -> tuple[CreditReport | None, certificates.Verdict]:
    """What the public verification page says of a report number and token (the digest is recomputed from
    the stored facts, so an altered row does not verify)."""
    report = CreditReport.objects.filter(number=number).first()
    verdict = certificates.verdict(
        salt=SALT, number=number, facts_digest=certificates.digest(report.facts) if report else None, token=token,
        revoked=False, expired=bool(report and timezone.now() > report.valid_until),
    )  # fmt: skip
    return report, verdict
