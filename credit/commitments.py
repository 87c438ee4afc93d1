"""Credit commitments (信用承诺; SPEC S9, issue 11 point 5): a firm commits, for a period, to an agency — of
its own accord (self-disclosure), to repair its credit, or under its trade body's self-regulation — and that
agency records whether the commitment was kept or broken.

Who may do what: a firm files only its own commitments; only an officer of the agency the commitment names
records its fulfilment (a commitment is made to that agency, which is the one that can tell; another
agency's officer, like anyone else, gets 404). A broken commitment may be recorded from the first day of its
period, a kept one once its period has ended; each is recorded once.

Fulfilment feeds the class as data: recording it stores a credit record of kind "commitment" from the
named agency — favourable when kept, adverse when broken — through `record_add`, which reclassifies the
firm at once; the schemes' rules count those records (credit/reference/public-v2.json: one broken
commitment puts a firm in warning, two within a year in dishonest). A public commitment and its fulfilment
are shown on the public page and in the credit report; a non-public one only to the firm and the agency.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from singlewindow.choices import Agency, OrganisationKind
from singlewindow.errors import DomainError
from singlewindow.models import User
from singlewindow.services import audit_record

from .choices import Channel, CommitmentKind, CommitmentState, CreditAction, Outcome, RecordKind, Severity
from .models import Commitment
from .services import record_add

MAX_DAYS = 3 * 366  # a commitment's period: at most three years


class CommitmentRefused(DomainError):
    status_code = 400

    def __init__(self, message: str, *, field: str = "", code: str = "invalid") -> None:
        super().__init__(message)
        self.field, self.code = field, code


def _own_uscc(user: User) -> str:
    org = user.organisation
    if org is None or org.kind != OrganisationKind.ENTERPRISE or not org.uscc:
        raise Http404
    return org.uscc


def _agency(user: User) -> str:
    org = user.organisation
    if org is None or org.kind != OrganisationKind.AGENCY or not org.agency:
        raise Http404
    return org.agency


@transaction.atomic
def commitment_file(
    *,
    user: User,
    kind: str,
    text: str,
    agency: str,
    starts_on: date | None,
    ends_on: date | None,
    public: bool = True,
    today: date | None = None,
) -> Commitment:
    """The user's firm commits to the agency for the period (starting within a year from today, three years
    at most). CommitmentRefused names the field; nothing is stored then."""
    uscc = _own_uscc(user)
    today = today or timezone.localdate()
    if kind not in CommitmentKind.values:
        raise CommitmentRefused(_("Choose the kind of commitment."), field="kind", code="required")
    text = text.strip()
    if not text:
        raise CommitmentRefused(_("Say what the enterprise commits to."), field="text", code="required")
    if len(text) > 2000:
        raise CommitmentRefused(_("At most %(n)d characters.") % {"n": 2000}, field="text")
    if agency not in Agency.values:
        raise CommitmentRefused(_("Choose the agency the commitment is made to."), field="agency", code="required")
    if starts_on is None or not today <= starts_on <= today + timedelta(days=366):
        raise CommitmentRefused(_("The period starts between today and a year from now."), field="starts_on")
    if ends_on is None or ends_on <= starts_on:
        raise CommitmentRefused(_("The period ends after it starts."), field="ends_on")
    if (ends_on - starts_on).days > MAX_DAYS:
        raise CommitmentRefused(_("A commitment is made for three years at most."), field="ends_on")
    commitment = Commitment.objects.create(
        uscc=uscc, kind=kind, text=text, agency=agency, starts_on=starts_on, ends_on=ends_on, public=public,
        filed_by=user,
    )  # fmt: skip
    audit_record(actor=user, action=CreditAction.COMMITMENT_FILED, obj=commitment,
                 after={"uscc": uscc, "kind": kind, "agency": agency, "starts_on": starts_on.isoformat(),
                        "ends_on": ends_on.isoformat(), "public": public})  # fmt: skip
    return commitment


@transaction.atomic
def commitment_fulfilment(
    *, user: User, commitment_id: int, kept: bool, note: str, today: date | None = None
) -> Commitment:
    """An officer of the agency the commitment names records it kept or broken, once: a credit record of
    kind "commitment" (favourable or adverse) from that agency, and the firm is reclassified at once."""
    agency = _agency(user)
    today = today or timezone.localdate()
    commitment = Commitment.objects.select_for_update().filter(pk=commitment_id, agency=agency).first()
    if commitment is None:
        raise Http404  # not made to this officer's agency
    if commitment.state != CommitmentState.OPEN:
        raise CommitmentRefused(_("Its fulfilment has been recorded already."), field="kept", code="decided")
    note = note.strip()
    if kept and today < commitment.ends_on:
        raise CommitmentRefused(
            _("A commitment is kept once its period has ended (%(date)s).") % {"date": commitment.ends_on.isoformat()},
            field="kept",
            code="too_early",
        )
    if not kept and today < commitment.starts_on:
        raise CommitmentRefused(_("The commitment's period has not started yet."), field="kept", code="too_early")
    if not kept and not note:
        raise CommitmentRefused(_("Say how the commitment was broken."), field="note", code="required")
    record = record_add(agency=agency, channel=Channel.COMMITMENT, user=user, values={
        "uscc": commitment.uscc, "record_id": f"CMT-{commitment.pk}", "kind": RecordKind.COMMITMENT,
        "outcome": Outcome.FAVOURABLE if kept else Outcome.ADVERSE, "severity": Severity.MINOR, "decided_at": today,
        "summary": f"{CommitmentKind(commitment.kind).label}: {note or commitment.text}"[:500],
        "public": commitment.public,
    })  # fmt: skip
    commitment.state = CommitmentState.KEPT if kept else CommitmentState.BROKEN
    commitment.decided_by, commitment.decided_at, commitment.note, commitment.record = (
        user, timezone.now(), note[:2000], record
    )  # fmt: skip
    commitment.save(update_fields=["state", "decided_by", "decided_at", "note", "record"])
    audit_record(actor=user, action=CreditAction.COMMITMENT_FULFILMENT, obj=commitment,
                 after={"state": commitment.state, "record": record.pk, "uscc": commitment.uscc})  # fmt: skip
    return commitment


# Reads --------------------------------------------------------------------------------------------------


def commitments_of(*, uscc: str) -> list[Commitment]:
    """The firm's commitments, public or not, newest first."""
    return list(Commitment.objects.filter(uscc=uscc).order_by("-filed_at", "-id"))


def commitments_made_to(*, user: User) -> QuerySet[Commitment]:
    """The commitments made to the officer's agency, open ones first (the oldest period end first)."""
    return Commitment.objects.filter(agency=_agency(user)).order_by("-state", "ends_on", "id")


def visible_commitments(user: User) -> QuerySet[Commitment]:
    """What the API lists: a firm its own commitments, an agency's officer those made to its agency."""
    org = user.organisation
    if org is not None and org.kind == OrganisationKind.AGENCY and org.agency:
        return commitments_made_to(user=user)
    return Commitment.objects.filter(uscc=_own_uscc(user)).order_by("-filed_at", "-id")
