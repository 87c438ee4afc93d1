"""The steps every path through a case shares, whoever takes them (an officer's service call or the
deadline sweep): once every review consents the public notice starts; a case's people are told.

Callers hold the case's row lock (select_for_update) and pass `now`, so the sweep's time travel in tests
and the benchmark's simulated clock reach every timestamp.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse

from singlewindow.certificates import beijing_time
from singlewindow.models import User
from singlewindow.notification_kinds import NotificationKind
from singlewindow.notifications import notify
from singlewindow.services import audit_record

from . import workdays
from .choices import NOTICE_STARTED, POSITIVE, CaseState
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


def case_set_state(case: ApprovalCase, state: str, *, actor: User | None, action: str, **after: Any) -> None:
    before = {"state": case.state}
    case.state = state
    case.save()  # every field: services set others (accepted_at, closed_at…) just before
    audit_record(actor=actor, action=action, obj=case, before=before, after={"state": state, **after})


def case_advance(*, case: ApprovalCase, now: datetime, actor: User | None) -> None:
    """Once every department has consented, or is deemed to, the public notice of the stage's working
    days starts now. Anything else (an escalated review, one still pending) keeps the case in review."""
    if case.state != CaseState.IN_REVIEW:
        return
    states = set(case.reviews.values_list("state", flat=True))
    if not states or not states <= set(POSITIVE):
        return
    notice = PublicNotice.objects.create(
        case=case, starts_at=now, ends_at=workdays.deadline(now, case.stage.notice_workdays)
    )
    audit_record(actor=actor, action="approvals.notice_started", obj=notice,
                 after={"starts_at": now.isoformat(), "ends_at": notice.ends_at.isoformat()})  # fmt: skip
    case_set_state(case, CaseState.PUBLIC_NOTICE, actor=actor, action="approvals.case_in_notice")
    tell(NOTICE_STARTED, case, to_applicant=True, end=beijing_time(notice.ends_at))
