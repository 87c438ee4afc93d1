"""Performance warnings (行政效能告诫, seed case 5): a department that misses its deadline 3 times in a
calendar month, or 5 times in a quarter, is warned, once per period and threshold, and the supervisors
are told. A missed deadline is a review deemed consent because its department did not answer (超时默认)
or escalated for public safety; an absent department (缺席, not joined) is not counted: it has no
officers to warn. Periods are Beijing-time calendar months and quarters of the deadline.
"""

from __future__ import annotations

from datetime import date, datetime

from django.urls import reverse

from singlewindow.notifications import notify
from singlewindow.services import audit_record

from . import selectors
from .choices import OVERDUE, WARNING, ApprovalAction, WarningPeriod
from .models import Department, DepartmentReview, PerformanceWarning
from .workdays import SHANGHAI, start_of_day

THRESHOLDS = {WarningPeriod.MONTH: 3, WarningPeriod.QUARTER: 5}


def period_bounds(period: str, day: date) -> tuple[date, date]:
    """The first day of the period holding `day` and the first day of the next."""
    first_month = day.month if period == WarningPeriod.MONTH else 3 * ((day.month - 1) // 3) + 1
    months = 1 if period == WarningPeriod.MONTH else 3
    start = date(day.year, first_month, 1)
    after = first_month + months
    end = date(day.year + (after - 1) // 12, (after - 1) % 12 + 1, 1)
    return start, end


def overdue_recorded(*, department_id: int, due_at: datetime, now: datetime) -> list[PerformanceWarning]:
    """Called in the transaction that recorded a missed deadline: raise what the count now calls for.
    The department's row lock makes concurrent sweeps count one after the other, so the third miss is
    seen as the third by exactly one of them."""
    department = Department.objects.select_for_update().get(pk=department_id)
    day = due_at.astimezone(SHANGHAI).date()
    raised = []
    for period, threshold in THRESHOLDS.items():
        start, end = period_bounds(period, day)
        count = DepartmentReview.objects.filter(
            department_id=department_id, state__in=OVERDUE,
            due_at__gte=start_of_day(start), due_at__lt=start_of_day(end),
        ).count()  # fmt: skip
        if count < threshold:
            continue
        warning, created = PerformanceWarning.objects.get_or_create(
            department=department, period=period, period_start=start, defaults={"count": count, "raised_at": now}
        )
        if not created:
            continue
        audit_record(actor=None, action=ApprovalAction.WARNING_RAISED, obj=warning,
                     after={"department": department.code, "period": period, "from": start.isoformat(),
                            "count": count})  # fmt: skip
        notify(
            kind=WARNING, url=reverse("approvals:warnings"),
            params={"department": department.name_in_both, "count": count, "start": start.isoformat()},
            users=[*selectors.supervisors(), *selectors.officers_of(department)],
        )  # fmt: skip
        raised.append(warning)
    return raised
