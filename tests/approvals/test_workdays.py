"""Working days on the Chinese calendar (approvals/workdays.py): public holidays close weekdays, adjusted
working weekend days open them; a year the library lacks counts Monday to Friday and says so (W001)."""

from __future__ import annotations

from datetime import date

import pytest

from approvals import checks, workdays

from .helpers import beijing


def test_national_day_holiday_is_not_a_working_day_and_the_adjusted_saturday_is() -> None:
    assert [workdays.is_workday(date(2026, 10, d)) for d in range(1, 8)] == [False] * 7  # Thu 1 – Wed 7
    assert date(2026, 10, 10).weekday() == 5 and workdays.is_workday(date(2026, 10, 10))  # Saturday, worked
    assert not workdays.is_workday(date(2026, 10, 11))  # Sunday


def test_counting_skips_the_holiday_and_counts_the_adjusted_saturday() -> None:
    # After Tue 29 Sep: Wed 30 Sep (1), 1–7 Oct holiday, Thu 8 (2), Fri 9 (3), Sat 10 worked (4), Mon 12 (5).
    assert workdays.add_workdays(date(2026, 9, 29), 5) == date(2026, 10, 12)
    # Monday to Friday alone would have said Tue 6 Oct, in the middle of the holiday.


def test_a_deadline_ends_at_the_end_of_its_last_working_day_in_beijing() -> None:
    assert workdays.deadline(beijing(2026, 9, 29, 16, 30), 5) == beijing(2026, 10, 13, 0, 0)
    # 29 Sep 23:30 in Beijing is still the 29th, though it is the 29th 15:30 UTC.
    assert workdays.deadline(beijing(2026, 9, 29, 23, 30), 1) == beijing(2026, 10, 1, 0, 0)


def test_a_year_the_library_lacks_counts_monday_to_friday() -> None:
    assert not workdays.covered(2099)
    assert workdays.is_workday(date(2099, 10, 1))  # a Thursday: no holiday known
    assert not workdays.is_workday(date(2099, 10, 3))  # a Saturday
    assert workdays.add_workdays(date(2099, 10, 2), 1) == date(2099, 10, 5)


def test_zero_working_days_is_refused() -> None:
    with pytest.raises(ValueError):
        workdays.add_workdays(date(2026, 9, 29), 0)


def test_the_check_warns_when_this_year_or_next_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workdays, "covered", lambda year: year <= 2026)
    monkeypatch.setattr(checks.timezone, "localdate", lambda: date(2026, 12, 5))
    assert [w.id for w in checks.calendar_years()] == ["approvals.W001"]
    monkeypatch.setattr(workdays, "covered", lambda year: True)
    assert checks.calendar_years() == []
