"""The steps every path through a case shares, whoever takes them (an officer's service call or the
deadline sweep): once every review is in, the public notice starts if every department consents, and
the window decides a case with an objection; a case's people are told.

Callers hold the case's row lock (select_for_update) and pass `now`, so the sweep's time travel in tests
and the benchmark's simulated clock reach every timestamp.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse

from singlewindow.certificates import beijing_time
from singlewindow.models import User
from singlewindow.notification_kinds import NotificationKind, in_both
from singlewindow.notifications import notify
from singlewindow.services import audit_record

from . import selectors, workdays
from .choices import NOTICE_STARTED, OBJECTIONS_IN, POSITIVE, ApprovalAction, CaseState, ReviewState
from .models import ApprovalCase, PublicNotice


def case_url(case: ApprovalCase) -> str:
    return reverse("approvals:detail", args=[case.pk])


def tell(kind: NotificationKind, case: ApprovalCase, *, to_applicant: bool = False, users: list[User] | None = None,
         **params: Any) -> None:  # fmt: skip
    """Notify the applicant firm (its declarants and managers) and/or these users about a case."""
    notify(
        kind=kind, url=case_url(case), params={"case": case.number, "project": case.project_name, **params},
        organisation_ids=[case.applicant_id] if to_applicant else [], users=users or [],
    )  # fmt: skip


def case_set_state(case: ApprovalCase, state: str, *, actor: User | None, action: ApprovalAction, **after: Any) -> None:
    before = {"state": case.state}
    case.state = state
    case.save()  # every field: services set others (accepted_at, closed_at…) just before
    audit_record(actor=actor, action=action, obj=case, before=before, after={"state": state, **after})


def case_advance(*, case: ApprovalCase, now: datetime, actor: User | None) -> None:
    """Once every review is in: if every department has consented, or is deemed to, the public notice of
    the stage's working days starts now; if any objected, the case goes to the window (the approval
    bureau), which returns it for correction or refuses it: no single department closes a case. Anything
    else (an escalated review, one still pending) keeps the case in review."""
    if case.state != CaseState.IN_REVIEW:
        return
    states = set(case.reviews.values_list("state", flat=True))
    if not states or not states <= {*POSITIVE, ReviewState.OBJECTED}:
        return
    if ReviewState.OBJECTED in states:
        objectors = case.reviews.filter(state=ReviewState.OBJECTED).select_related("department")
        departments = [review.department for review in objectors.order_by("department__code")]
        names = [department.name for department in departments]
        case_set_state(case, CaseState.OBJECTED, actor=actor, action=ApprovalAction.CASE_OBJECTED, objected_by=names)
        tell(OBJECTIONS_IN, case, to_applicant=True, users=selectors.window_officers(),
             departments=in_both("、".join(names), ", ".join(d.name_en or d.name for d in departments)))  # fmt: skip
        return
    notice = PublicNotice.objects.create(
        case=case, starts_at=now, ends_at=workdays.deadline(now, case.stage.notice_workdays)
    )
    audit_record(actor=actor, action=ApprovalAction.NOTICE_STARTED, obj=notice,
                 after={"starts_at": now.isoformat(), "ends_at": notice.ends_at.isoformat()})  # fmt: skip
    case_set_state(case, CaseState.PUBLIC_NOTICE, actor=actor, action=ApprovalAction.CASE_IN_NOTICE)
    tell(NOTICE_STARTED, case, to_applicant=True, end=beijing_time(notice.ends_at))
