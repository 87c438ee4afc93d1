"""System checks: the working-day calendar must know the years deadlines fall in."""

from __future__ import annotations

from typing import Any

from django.core.checks import Warning, register
from django.utils import timezone

from .workdays import missing_years


@register(deploy=True)  # an operator's concern: `check --deploy` (and the web container) say it, not every command
def calendar_years(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """approvals.W001: chinesecalendar lacks this year or next; those years count Monday to Friday as
    working days (no public holidays, no adjusted working weekends) until it is upgraded."""
    years = missing_years(timezone.localdate())
    if not years:
        return []
    return [
        Warning(
            f"The installed chinesecalendar has no holidays for {', '.join(map(str, years))}: approval "
            "deadlines in those years count Monday to Friday as working days.",
            hint="Upgrade chinesecalendar (pip install -U chinesecalendar) once the State Council's "
            "holiday arrangement for the year is published.",
            id="approvals.W001",
        )
    ]
