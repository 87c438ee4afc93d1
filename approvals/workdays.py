"""Working days on the Chinese calendar: the time limits of administrative licensing run in working days
(行政许可法 Art. 82), and in China those are not Monday to Friday: public holidays close weekdays and
adjusted working weekend days (调休) open Saturdays and Sundays. The calendar is the maintained
`chinesecalendar` library (the State Council publishes each year's arrangement in the autumn before).

A year the installed library has no data for is counted Monday to Friday, so that a deadline can still
be computed; the system check approvals.W001 says so when the current or next year is missing (upgrade
chinesecalendar). Pure functions, no Django models: deadlines and tests both use them.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import chinese_calendar

SHANGHAI = ZoneInfo("Asia/Shanghai")  # the calendar is Beijing's, wherever the server runs


@cache
def covered(year: int) -> bool:
    """Whether the installed chinesecalendar knows this year's holidays and adjusted working days."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def is_workday(day: date) -> bool:
    """A working day: by the Chinese calendar, or Monday to Friday in a year it does not cover."""
    if covered(day.year):
        return bool(chinese_calendar.is_workday(day))
    return day.weekday() < 5


def add_workdays(start: date, count: int) -> date:
    """The `count`th working day after `start` (the day itself is not counted, as a time limit starts the
    day after the act that opens it)."""
    if count < 1:
        raise ValueError("count must be at least 1")
    day, left = start, count
    while left:
        day += timedelta(days=1)
        if is_workday(day):
            left -= 1
    return day


def start_of_day(day: date) -> datetime:
    """The first moment of a day in Beijing (aware)."""
    return datetime.combine(day, time(0), tzinfo=SHANGHAI)


def end_of_day(day: date) -> datetime:
    """The end of a day in Beijing: the first moment of the next one (aware)."""
    return start_of_day(day + timedelta(days=1))


def deadline(start: datetime, count: int) -> datetime:
    """When a limit of `count` working days opened at `start` ends: the end of its last working day,
    Beijing time."""
    return end_of_day(add_workdays(start.astimezone(SHANGHAI).date(), count))


def missing_years(today: date) -> list[int]:
    """This year and next, those the installed calendar does not cover (deadlines reach into next year)."""
    return [year for year in (today.year, today.year + 1) if not covered(year)]
