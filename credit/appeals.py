"""Objections and credit repair (SPEC S9; docs/../shared/reference B4): a firm objects to one of its
records, or applies to repair its credit once the record's waiting period has passed; an officer of the
agency the record came from decides. While an objection is open the public page marks the record
"objection being handled"; an upheld objection corrects the record and a granted repair repairs it —
either way it leaves the public page and the firm's classes (the firm is reclassified at once) and stays
in the audit trail.

An objection is answered within 20 days (customs credit measures 2014, Art. 7–8); a repair is decided
within 30 days (unsourced: a default to confirm); when repair may be applied for is credit/periods.py.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from singlewindow.choices import OrganisationKind
from singlewindow.errors import DomainError
from singlewindow.models import User
from singlewindow.services import audit_record

from .choices import AppealKind, AppealState, CreditAction, RecordState
from .models import Appeal, CreditRecord
from .periods import repair_eligible_from
from .services import reclassify

OBJECTION_DAYS = 20
REPAIR_DECISION_DAYS = 30


class AppealRefused(DomainError):
    status_code = 400

    def __init__(self, message: str, *, field: str = "", code: str = "invalid") -> None:
        super().__init__(message)
        self.field, self.code = field, code


# What the audit trail records of an appeal, by its kind.
FILED: dict[str, CreditAction] = {
    AppealKind.OBJECTION: CreditAction.OBJECTION_FILED,
    AppealKind.REPAIR: CreditAction.REPAIR_FILED,
}
DECIDED: dict[str, CreditAction] = {
    AppealKind.OBJECTION: CreditAction.OBJECTION_DECIDED,
    AppealKind.REPAIR: CreditAction.REPAIR_DECIDED,
}


def _own_record(user: User, record_id: int) -> CreditRecord:
    """A record about the user's own enterprise, locked; anyone else's is not found."""
    org = user.organisation
    if org is None or org.kind != OrganisationKind.ENTERPRISE or not org.uscc:
        raise Http404
    record = CreditRecord.objects.select_for_update().filter(pk=record_id, uscc=org.uscc).first()
    if record is None:
        raise Http404
    return record


def _file(user: User, record: CreditRecord, kind: str, reason: str, due_on: date) -> Appeal:
    reason = reason.strip()
    if not reason:
        raise AppealRefused(_("Say why."), field="reason", code="required")
    try:
        with transaction.atomic():
            appeal = Appeal.objects.create(kind=kind, record=record, reason=reason[:2000], filed_by=user, due_on=due_on)
    except IntegrityError:
        raise AppealRefused(
            _("An objection or repair of this record is already being handled."), field="record", code="open"
        ) from None
    audit_record(actor=user, action=FILED[kind], obj=appeal,
                 after={"record": record.pk, "uscc": record.uscc, "due_on": due_on.isoformat()})  # fmt: skip
    return appeal


@transaction.atomic
def objection_file(*, user: User, record_id: int, reason: str, today: date | None = None) -> Appeal:
    """The firm objects to a record in force: it is marked "objection being handled" until decided."""
    today = today or timezone.localdate()
    record = _own_record(user, record_id)
    if record.state != RecordState.PUBLISHED:
        raise AppealRefused(
            _("Only a record in force can be objected to; this one is “%(state)s”.")
            % {"state": record.get_state_display()},
            field="record",
            code="state",
        )
    appeal = _file(user, record, AppealKind.OBJECTION, reason, today + timedelta(days=OBJECTION_DAYS))
    CreditRecord.objects.filter(pk=record.pk).update(state=RecordState.OBJECTED)
    return appeal


@transaction.atomic
def repair_apply(*, user: User, record_id: int, reason: str, today: date | None = None) -> Appeal:
    """The firm applies to repair its credit for an adverse record whose waiting period has passed."""
    today = today or timezone.localdate()
    record = _own_record(user, record_id)
    eligible = repair_eligible_from(record)
    if record.state != RecordState.PUBLISHED or eligible is None:
        raise AppealRefused(_("This record cannot be repaired."), field="record", code="not_repairable")
    if today < eligible:
        raise AppealRefused(
            _("Credit repair for this record can be applied for from %(date)s.") % {"date": eligible.isoformat()},
            field="record",
            code="too_early",
        )
    return _file(user, record, AppealKind.REPAIR, reason, today + timedelta(days=REPAIR_DECISION_DAYS))


def _deciding_agency(user: User) -> str:
    org = user.organisation
    if org is None or org.kind != OrganisationKind.AGENCY or not org.agency:
        raise Http404
    return org.agency


@transaction.atomic
def appeal_decide(*, user: User, appeal_id: int, accept: bool, decision: str) -> Appeal:
    """An officer of the record's agency decides: an upheld objection corrects the record, a refused one
    puts it back in force; a granted repair repairs it. The firm is reclassified at once."""
    agency = _deciding_agency(user)
    appeal = (
        Appeal.objects.select_for_update()
        .select_related("record")
        .filter(pk=appeal_id, record__source_agency=agency)
        .first()
    )
    if appeal is None:
        raise Http404
    if appeal.state != AppealState.PENDING:
        raise AppealRefused(_("This has been decided already."), field="state", code="decided")
    if not decision.strip():
        raise AppealRefused(_("Give the reasons for the decision."), field="decision", code="required")
    record = appeal.record
    state: str
    if appeal.kind == AppealKind.OBJECTION:
        state = RecordState.CORRECTED if accept else RecordState.PUBLISHED
    else:
        state = RecordState.REPAIRED if accept else record.state
    before = {"state": record.state}
    CreditRecord.objects.filter(pk=record.pk).update(state=state)
    appeal.state = AppealState.ACCEPTED if accept else AppealState.REFUSED
    appeal.decided_by, appeal.decided_at, appeal.decision = user, timezone.now(), decision.strip()[:2000]
    appeal.save(update_fields=["state", "decided_by", "decided_at", "decision"])
    audit_record(actor=user, action=DECIDED[appeal.kind], obj=appeal, before=before,
                 after={"state": state, "accepted": accept, "record": record.pk})  # fmt: skip
    reclassify(usccs=[record.uscc])
    return appeal
