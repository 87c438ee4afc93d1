"""The deadline sweep (Celery beat, every 60 s: `approvals.sweep`): what happens when time passes.

- A review still pending at its deadline fires its rule, exactly once: the department is deemed to
  consent, "overdue" (超时默认) if it joined and did not answer, "absent" (缺席默认) if it has not
  joined; unless the case touches public safety, where the review is escalated (supervisors told) and
  the case waits. The lateness (sweep time minus deadline) is kept; a missed deadline may raise a
  performance warning. When every review consents, the public notice starts.
- A public notice whose end has passed ends: the window is told to issue the decision.
- A review due within a day is reminded to its department, once.

Exactly once, however many sweeps run at the same time: each case is taken under its row lock with SKIP
LOCKED (a sweep skips a case another one holds), its due reviews are re-read inside that lock, and each
is changed by a conditional UPDATE … WHERE state = pending. Everything takes `now`, so tests travel in
time by passing it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from singlewindow.certificates import beijing_time
from singlewindow.notification_kinds import translated
from singlewindow.services import audit_record

from . import performance, selectors
from .choices import DEEMED, ESCALATED, READY, REVIEW_DUE, ApprovalAction, CaseState, DeadlineRule, ReviewState
from .flow import case_advance, case_set_state, tell
from .models import ApprovalCase, DepartmentReview, PublicNotice

REMIND_BEFORE = timedelta(days=1)


@dataclass
class Swept:
    deemed: int = 0
    escalated: int = 0
    notices_ended: int = 0
    reminded: int = 0

    @property
    def total(self) -> int:
        return self.deemed + self.escalated + self.notices_ended + self.reminded


def deadlines_sweep(*, now: datetime | None = None) -> Swept:
    now = now or timezone.now()
    swept = Swept()
    # Oldest deadline first: the review that has waited longest is deemed first in the sweep.
    due_cases = (
        DepartmentReview.objects.filter(state=ReviewState.PENDING, due_at__lte=now, case__state=CaseState.IN_REVIEW)
        .values("case_id")
        .annotate(first_due=Min("due_at"))
        .order_by("first_due", "case_id")
        .values_list("case_id", flat=True)
    )
    for case_id in list(due_cases):
        _case_deadlines(case_id, now, swept)
    ended = PublicNotice.objects.filter(ended_at__isnull=True, ends_at__lte=now, case__state=CaseState.PUBLIC_NOTICE)
    for case_id in list(ended.values_list("case_id", flat=True)):
        _notice_end(case_id, now, swept)
    _remind(now, swept)
    return swept


@transaction.atomic
def _case_deadlines(case_id: int, now: datetime, swept: Swept) -> None:
    case = (
        ApprovalCase.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("stage")
        .filter(pk=case_id, state=CaseState.IN_REVIEW)
        .first()
    )
    if case is None:  # another sweep (or an officer) holds it, or it moved on
        return
    reviews = (
        DepartmentReview.objects.select_for_update(of=("self",))
        .select_related("department")
        .filter(case=case, state=ReviewState.PENDING, due_at__lte=now)
        .order_by("due_at", "pk")
    )
    for review in reviews:
        _fire(case, review, now, swept)
    case_advance(case=case, now=now, actor=None)


# What the audit trail records of a review whose deadline passed, by the state it is put in.
FIRED = {
    ReviewState.ESCALATED: ApprovalAction.REVIEW_ESCALATED,
    ReviewState.DEEMED_CONSENT_ABSENT: ApprovalAction.REVIEW_DEEMED_ABSENT,
    ReviewState.DEEMED_CONSENT_OVERDUE: ApprovalAction.REVIEW_DEEMED_OVERDUE,
}


def _fire(case: ApprovalCase, review: DepartmentReview, now: datetime, swept: Swept) -> None:
    if case.public_safety:
        state, rule = ReviewState.ESCALATED, DeadlineRule.PUBLIC_SAFETY
    elif review.department.organisation_id is None:
        state, rule = ReviewState.DEEMED_CONSENT_ABSENT, DeadlineRule.ABSENT
    else:
        state, rule = ReviewState.DEEMED_CONSENT_OVERDUE, DeadlineRule.OVERDUE
    late = (now - review.due_at).total_seconds()
    changed = DepartmentReview.objects.filter(pk=review.pk, state=ReviewState.PENDING).update(
        state=state, rule=rule, decided_at=now, late_seconds=late
    )
    if not changed:
        return
    audit_record(actor=None, action=FIRED[state], obj=review, before={"state": ReviewState.PENDING},
                 after={"state": state, "rule": rule, "due_at": review.due_at.isoformat(), "late_seconds": late})  # fmt: skip
    department = review.department
    params: dict[str, Any] = {"department": department.name_in_both, "due": beijing_time(review.due_at)}
    if state == ReviewState.ESCALATED:
        swept.escalated += 1
        tell(ESCALATED, case, users=[*selectors.supervisors(), *selectors.officers_of(department)], **params)
    else:
        swept.deemed += 1
        tell(DEEMED, case, to_applicant=True, users=selectors.officers_of(department),
             rule=translated(DeadlineRule(rule).label), **params)  # fmt: skip
    if state != ReviewState.DEEMED_CONSENT_ABSENT:
        performance.overdue_recorded(department_id=department.pk, due_at=review.due_at, now=now)


@transaction.atomic
def _notice_end(case_id: int, now: datetime, swept: Swept) -> None:
    case = (
        ApprovalCase.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(pk=case_id, state=CaseState.PUBLIC_NOTICE)
        .first()
    )
    if case is None:
        return
    changed = PublicNotice.objects.filter(case=case, ended_at__isnull=True, ends_at__lte=now).update(ended_at=now)
    if not changed:
        return
    case_set_state(case, CaseState.AWAITING_DECISION, actor=None, action=ApprovalAction.NOTICE_ENDED)
    tell(READY, case, users=selectors.window_officers())
    swept.notices_ended += 1


def _remind(now: datetime, swept: Swept) -> None:
    soon = DepartmentReview.objects.filter(
        state=ReviewState.PENDING, reminded_at__isnull=True, due_at__gt=now, due_at__lte=now + REMIND_BEFORE,
        case__state=CaseState.IN_REVIEW, department__organisation__isnull=False,
    ).select_related("case", "department")  # fmt: skip
    for review in soon:
        with transaction.atomic():
            if not DepartmentReview.objects.filter(pk=review.pk, reminded_at__isnull=True).update(reminded_at=now):
                continue
            tell(REVIEW_DUE, review.case, users=selectors.officers_of(review.department),
                 due=beijing_time(review.due_at))  # fmt: skip
            swept.reminded += 1
