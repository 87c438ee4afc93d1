"""Writes of the "four ones" approval (seed case 5): one form filed by the applicant, one window that
accepts it (or returns it once, listing everything missing), parallel review by every department the
stage needs, and one consolidated decision issued by the window after the public notice. A department's
objection does not close the case: once every review is in, the window (the approval bureau, which leads
the case) returns it for correction (补正: the departments that objected review the corrected form again)
or refuses it with its reasons.

Each use case is one transaction holding the case's row lock (case first, then its reviews: the order
the deadline sweep takes them too); a refusal is an `ApprovalRefused` naming the field and a code, and
changes nothing. Another party's case or review is a 404. Times come from `now` (default: the clock).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from singlewindow import certificates
from singlewindow.choices import Matter
from singlewindow.elicence import SignatureRefused, submission_sign
from singlewindow.errors import DomainError
from singlewindow.models import User
from singlewindow.problems import Problem
from singlewindow.services import audit_record, sequence_next

from . import decision as certificate
from . import selectors, workdays
from .application import form_clean
from .choices import (
    CORRECTED,
    CORRECTION,
    DECIDED,
    FILED,
    OBJECTION,
    REFUSED,
    RETURNED,
    REVIEW_REQUESTED,
    ApprovalAction,
    CaseState,
    ReviewState,
)
from .flow import case_advance, case_set_state, tell
from .models import ApprovalCase, Decision, DepartmentReview, Stage

MAX_MISSING = 30
SIGNED_FILING = "approvals.approvalcase"  # what a filing's signature names (its form digest is signed)


class ApprovalRefused(DomainError):
    """A request the flow refuses; nothing was changed."""

    status_code = 400

    def __init__(self, message: str, *, field: str = "", code: str = "invalid", status: int = 400,
                 problems: list[Problem] | None = None) -> None:  # fmt: skip
        super().__init__(message)
        self.field, self.code, self.status_code = field, code, status
        self._problems = problems or []

    def problems(self) -> list[dict[str, str]]:
        return [p.as_dict() for p in self._problems] or super().problems()


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _locked_case(case_id: int, *, user: User) -> ApprovalCase:
    """The case, locked, if the user may see it; 404 otherwise."""
    if not selectors.cases_visible_to(user).filter(pk=case_id).exists():
        raise Http404
    return ApprovalCase.objects.select_for_update(of=("self",)).select_related("stage", "applicant").get(pk=case_id)


def _state_refused(case: ApprovalCase) -> ApprovalRefused:
    return ApprovalRefused(
        _("Not possible while the case is “%(state)s”.") % {"state": case.get_state_display()},
        field="state", code="state", status=409,
    )  # fmt: skip


def _sign(user: User, case: ApprovalCase) -> None:
    """The filing is signed by its filer under the firm's electronic licence (the one form's digest); a
    filer without the right is refused and the whole filing rolls back."""
    try:
        submission_sign(user=user, organisation=case.applicant, matter=Matter.APPROVAL_FILING,
                        object_type=SIGNED_FILING, object_id=str(case.pk), digest=case.form_digest)  # fmt: skip
    except SignatureRefused as refused:
        raise ApprovalRefused(str(refused), field="", code=refused.code, status=403) from refused


def _checked_form(stage: Stage, form: dict[str, Any]) -> dict[str, Any]:
    clean, problems = form_clean(form, materials=list(stage.materials))
    if problems:
        raise ApprovalRefused(problems[0].message, field=problems[0].field, code=problems[0].code, problems=problems)
    return clean


@transaction.atomic
def case_file(*, user: User, stage_code: str, form: dict[str, Any], public_safety: bool = False,
              now: datetime | None = None) -> ApprovalCase:  # fmt: skip
    """An enterprise files the one form of a stage; the window is told to check it."""
    applicant = user.organisation
    if applicant is None or not selectors.is_applicant(user):
        raise Http404
    stage = Stage.objects.filter(code=stage_code).first()
    if stage is None:
        raise ApprovalRefused(_("Choose one of the four stages."), field="stage", code="invalid")
    clean = _checked_form(stage, form)
    now = _now(now)
    year = now.astimezone(workdays.SHANGHAI).year
    number = f"SP-{year}-{sequence_next(name=f'approvals.case.{year}'):06d}"
    case = ApprovalCase.objects.create(
        number=number, applicant=applicant, filed_by=user, stage=stage,
        project_name=clean["project_name"], project_code=clean["project_code"], form=clean,
        form_digest=certificates.digest(clean), public_safety=public_safety, filed_at=now,
    )  # fmt: skip
    _sign(user, case)
    audit_record(actor=user, action=ApprovalAction.CASE_FILED, obj=case,
                 after={"number": number, "stage": stage.code, "form_digest": case.form_digest,
                        "public_safety": public_safety})  # fmt: skip
    tell(FILED, case, users=selectors.window_officers(), applicant=case.applicant.name_in_both)
    return case


@transaction.atomic
def case_resubmit(*, user: User, case_id: int, form: dict[str, Any], public_safety: bool = False,
                  now: datetime | None = None) -> ApprovalCase:  # fmt: skip
    """The applicant completes a returned case in one go; it goes back to the window. A case returned for
    correction goes straight back to review: the departments that objected review the corrected form
    again, each with a fresh deadline (the window's call on public safety stands)."""
    if not selectors.is_applicant(user):
        raise Http404
    case = _locked_case(case_id, user=user)
    if case.state not in (CaseState.RETURNED, CaseState.CORRECTION):
        raise _state_refused(case)
    clean = _checked_form(case.stage, form)
    case.form, case.form_digest = clean, certificates.digest(clean)
    case.project_name, case.project_code = clean["project_name"], clean["project_code"]
    if case.state == CaseState.CORRECTION:
        _corrected(case, user=user, now=_now(now))
        return case
    case.public_safety = public_safety
    case_set_state(case, CaseState.FILED, actor=user, action=ApprovalAction.CASE_RESUBMITTED,
                   form_digest=case.form_digest)  # fmt: skip
    _sign(user, case)
    tell(FILED, case, users=selectors.window_officers(), applicant=case.applicant.name_in_both)
    return case


def _corrected(case: ApprovalCase, *, user: User, now: datetime) -> None:
    """The corrected form goes back to the departments that objected (their objection kept as the earlier
    one); who consented is not asked again."""
    reviews = list(
        DepartmentReview.objects.select_for_update(of=("self",)).select_related("department")
        .filter(case=case, state=ReviewState.OBJECTED).order_by("department__code")
    )  # fmt: skip
    for review in reviews:
        review.earlier_opinion, review.opinion = review.opinion, ""
        review.state, review.rule, review.decided_at, review.decided_by = ReviewState.PENDING, "", None, None
        review.due_at, review.reminded_at, review.late_seconds = workdays.deadline(now, review.workdays), None, None
        review.save()
    case_set_state(case, CaseState.IN_REVIEW, actor=user, action=ApprovalAction.CASE_CORRECTED,
                   form_digest=case.form_digest, reviewed_again=[r.department.code for r in reviews])  # fmt: skip
    _sign(user, case)
    for review in reviews:
        tell(REVIEW_REQUESTED, case, users=selectors.officers_of(review.department),
             due=certificates.beijing_time(review.due_at))  # fmt: skip
    tell(CORRECTED, case, users=selectors.window_officers())
    case_advance(case=case, now=now, actor=user)


def _window_case(user: User, case_id: int) -> ApprovalCase:
    if not selectors.is_window_officer(user):
        raise Http404
    return _locked_case(case_id, user=user)


@transaction.atomic
def case_accept(*, user: User, case_id: int, public_safety: bool | None = None,
                now: datetime | None = None) -> ApprovalCase:  # fmt: skip
    """The window accepts a filed case after its on-the-spot formal check (and says whether it touches
    public safety): every department the stage needs gets its review, due after its working days."""
    case = _window_case(user, case_id)
    if case.state != CaseState.FILED:
        raise _state_refused(case)
    now = _now(now)
    if public_safety is not None:
        case.public_safety = public_safety
    case.accepted_at, case.accepted_by = now, user
    reviews = DepartmentReview.objects.bulk_create(
        [
            DepartmentReview(case=case, department=need.department, items=need.items, items_en=need.items_en,
                             workdays=need.workdays, due_at=workdays.deadline(now, need.workdays))
            for need in case.stage.needs.select_related("department").order_by("department__code")
        ]
    )  # fmt: skip
    case_set_state(case, CaseState.IN_REVIEW, actor=user, action=ApprovalAction.CASE_ACCEPTED,
                   public_safety=case.public_safety, reviews=len(reviews))  # fmt: skip
    for review in reviews:
        tell(REVIEW_REQUESTED, case, users=selectors.officers_of(review.department),
             due=certificates.beijing_time(review.due_at))  # fmt: skip
    case_advance(case=case, now=now, actor=user)  # a stage needing no department goes straight to notice
    return case


@transaction.atomic
def case_return(*, user: User, case_id: int, missing: list[str], note: str = "") -> ApprovalCase:
    """The window returns a filed case with one notice of everything missing (一次性告知)."""
    case = _window_case(user, case_id)
    if case.state != CaseState.FILED:
        raise _state_refused(case)
    items = [item.strip()[:200] for item in missing if item and item.strip()][:MAX_MISSING]
    if not items:
        raise ApprovalRefused(_("List everything that is missing, at once."), field="missing", code="required")
    case.missing, case.return_note = items, note.strip()[:1000]
    case_set_state(case, CaseState.RETURNED, actor=user, action=ApprovalAction.CASE_RETURNED, missing=items)
    tell(RETURNED, case, to_applicant=True, missing="; ".join(items))
    return case


@transaction.atomic
def review_post(*, user: User, review_id: int, approve: bool, opinion: str = "",
                now: datetime | None = None) -> DepartmentReview:  # fmt: skip
    """A department's officer gives its opinion, by its deadline. After the deadline it is refused and
    nothing changes: the sweep deems consent (or escalates) at the deadline, whether it has run yet or
    not. An escalated review (public safety: no deemed consent) still takes the opinion it waits for.
    An objection is shown to the applicant and the window at once; the other reviews go on, and once every
    one is in the window decides the case (flow.case_advance)."""
    review = selectors.review_get(user=user, pk=review_id)
    case = _locked_case(review.case_id, user=user)
    review = DepartmentReview.objects.select_for_update(of=("self",)).select_related("department").get(pk=review.pk)
    now = _now(now)
    if case.state != CaseState.IN_REVIEW:
        raise _state_refused(case)
    if review.state not in (ReviewState.PENDING, ReviewState.ESCALATED):
        raise ApprovalRefused(
            _("This review is closed: “%(state)s”.") % {"state": review.get_state_display()},
            field="state", code="decided", status=409,
        )  # fmt: skip
    if review.state == ReviewState.PENDING and now >= review.due_at:
        raise ApprovalRefused(
            _("The deadline for this review passed at %(due)s (Beijing time): the department is deemed to "
              "consent, and no opinion can be given any more.") % {"due": certificates.beijing_time(review.due_at)},
            field="review", code="deadline_passed", status=409,
        )  # fmt: skip
    opinion = opinion.strip()[:2000]
    if not approve and not opinion:
        raise ApprovalRefused(_("Give the reasons for the objection."), field="opinion", code="required")
    before = {"state": review.state}
    review.state = ReviewState.APPROVED if approve else ReviewState.OBJECTED
    review.rule, review.opinion, review.decided_at, review.decided_by = "", opinion, now, user
    review.save()
    audit_record(actor=user, action=ApprovalAction.REVIEW_GIVEN, obj=review, before=before,
                 after={"state": review.state, "opinion": opinion})  # fmt: skip
    if review.state == ReviewState.OBJECTED:
        tell(OBJECTION, case, to_applicant=True, users=selectors.window_officers(),
             department=review.department.name_in_both, opinion=opinion)  # fmt: skip
    case_advance(case=case, now=now, actor=user)
    return review


@transaction.atomic
def case_return_for_correction(*, user: User, case_id: int, note: str = "",
                               now: datetime | None = None) -> ApprovalCase:  # fmt: skip
    """The window returns a case with objections to the applicant for correction (补正): the applicant sees
    every department's opinion, amends the form and materials and files it again."""
    case = _window_case(user, case_id)
    if case.state != CaseState.OBJECTED:
        raise _state_refused(case)
    case.correction_note, case.correction_at = note.strip()[:1000], _now(now)
    case_set_state(case, CaseState.CORRECTION, actor=user, action=ApprovalAction.CASE_RETURNED_FOR_CORRECTION,
                   note=case.correction_note)  # fmt: skip
    tell(CORRECTION, case, to_applicant=True, note=case.correction_note)
    return case


@transaction.atomic
def case_refuse(*, user: User, case_id: int, reason: str, now: datetime | None = None) -> ApprovalCase:
    """The window refuses a case with objections, giving its reasons: the one decision, and the case closes."""
    case = _window_case(user, case_id)
    if case.state != CaseState.OBJECTED:
        raise _state_refused(case)
    reason = reason.strip()[:2000]
    if not reason:
        raise ApprovalRefused(_("Give the reasons for the refusal."), field="reason", code="required")
    case.refusal_reason, case.closed_at = reason, _now(now)
    case_set_state(case, CaseState.REFUSED, actor=user, action=ApprovalAction.CASE_REFUSED, reason=reason)
    tell(REFUSED, case, to_applicant=True, reason=reason)
    return case


@transaction.atomic
def decision_issue(*, user: User, case_id: int, now: datetime | None = None) -> Decision:
    """The window issues the one consolidated decision (一章审批) once the public notice has ended."""
    case = _window_case(user, case_id)
    if case.state != CaseState.AWAITING_DECISION:
        raise _state_refused(case)
    now = _now(now)
    year = now.astimezone(workdays.SHANGHAI).year
    number = f"ZHSP-{year}-{sequence_next(name=f'approvals.decision.{year}'):06d}"
    facts = certificate.facts_for(case=case, number=number, issued_at=now)
    decision = Decision.objects.create(
        case=case, number=number, facts=facts, digest=certificates.digest(facts), issued_at=now, issued_by=user
    )
    audit_record(actor=user, action=ApprovalAction.DECISION_ISSUED, obj=decision,
                 after={"number": number, "digest": decision.digest})  # fmt: skip
    case.closed_at = now
    case_set_state(case, CaseState.DECIDED, actor=user, action=ApprovalAction.CASE_DECIDED, decision=number)
    tell(DECIDED, case, to_applicant=True, number=number)
    return decision
