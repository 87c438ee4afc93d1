"""When a firm may apply to repair its credit for a record (reference B4): after 1 year (customs: serious
conduct such as smuggling penalties) or 6 months (customs: other), and for other agencies' records after
3 months (minor, moderate) or 1 year (serious) (SAMR Order 107); never for a record of the
serious-violation list, nor for a favourable one."""

from __future__ import annotations

import calendar
from datetime import date

from singlewindow.choices import Agency

from .choices import Outcome, RecordKind, Severity
from .models import CreditRecord


def months_later(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def repair_eligible_from(record: CreditRecord) -> date | None:
    """The first day the firm may apply to repair this record; None when it never may."""
    if record.kind == RecordKind.SERIOUS_LIST or record.outcome != Outcome.ADVERSE:
        return None
    if record.source_agency == Agency.CUSTOMS:
        months = 12 if record.severity == Severity.SERIOUS else 6
    else:
        months = 12 if record.severity == Severity.SERIOUS else 3
    return months_later(record.decided_at, months)
