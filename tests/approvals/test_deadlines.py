"""Deemed consent at the deadline (超时默认 / 缺席默认), escalation for public safety, exactly once, with
time travel: every service and the sweep take `now`."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone, translation

from approvals import services, tasks
from approvals.choices import CaseState, DeadlineRule, ReviewState, WarningPeriod
from approvals.deadlines import deadlines_sweep
from approvals.models import DepartmentReview, PerformanceWarning
from singlewindow.models import AuditEntry, Notification
from tests import factories

from .conftest import People
from .helpers import accepted, beijing, ensure_seeded, join, window_officer

pytestmark = pytest.mark.django_db

# Accepted Tue 29 Sep 2026 at 10:00; stage 1 gives every department 10 working days: Wed 30 Sep (1),
# the National Day holiday 1–7 Oct, Thu 8 (2), Fri 9 (3), Sat 10 Oct worked (4), Mon 12 – Fri 16 (5–9),
# Mon 19 (10): due at the end of Mon 19 Oct. Monday to Friday would have said the end of Tue 13 Oct; no
# adjusted Saturday, Tue 20 Oct.
ACCEPTED = beijing(2026, 9, 29, 10, 0)
DUE = beijing(2026, 10, 20, 0, 0)


def states(case) -> dict[str, tuple[str, str]]:  # type: ignore[no-untyped-def]
    return {r.department.code: (r.state, r.rule) for r in case.reviews.select_related("department")}


def test_deemed_consent_fires_at_the_deadline_counted_across_the_holiday_and_the_adjusted_saturday(
    people: People,
) -> None:
    case = accepted(people.clerk, people.window, at=ACCEPTED)
    assert set(case.reviews.values_list("due_at", flat=True)) == {DUE}

    for moment in (beijing(2026, 10, 14, 0, 1), beijing(2026, 10, 19, 23, 59, 59)):  # naive deadline; a second early
        assert deadlines_sweep(now=moment).deemed == 0
    assert {state for state, _ in states(case).values()} == {ReviewState.PENDING}

    swept = deadlines_sweep(now=DUE + timedelta(seconds=30))
    assert swept.deemed == 6
    assert states(case) == {
        "planning": (ReviewState.DEEMED_CONSENT_OVERDUE, DeadlineRule.OVERDUE),  # joined, did not answer
        "land": (ReviewState.DEEMED_CONSENT_OVERDUE, DeadlineRule.OVERDUE),
        "forestry": (ReviewState.DEEMED_CONSENT_ABSENT, DeadlineRule.ABSENT),  # has not joined
        "ocean": (ReviewState.DEEMED_CONSENT_ABSENT, DeadlineRule.ABSENT),
        "environment": (ReviewState.DEEMED_CONSENT_ABSENT, DeadlineRule.ABSENT),
        "development": (ReviewState.DEEMED_CONSENT_ABSENT, DeadlineRule.ABSENT),
    }
    assert set(case.reviews.values_list("late_seconds", flat=True)) == {30.0}
    assert set(case.reviews.values_list("decided_at", flat=True)) == {DUE + timedelta(seconds=30)}
    case.refresh_from_db()
    assert case.state == CaseState.PUBLIC_NOTICE  # every department consents (deemed): the notice runs


def test_the_sweep_fires_each_deadline_once_however_often_it_runs(people: People) -> None:
    case = accepted(people.clerk, people.window, at=ACCEPTED)
    first = deadlines_sweep(now=DUE + timedelta(seconds=5))
    again = [deadlines_sweep(now=DUE + timedelta(minutes=m)) for m in (1, 2, 60)]
    assert (first.deemed, [s.deemed for s in again]) == (6, [0, 0, 0])
    review_ids = [str(pk) for pk in case.reviews.values_list("pk", flat=True)]
    fired = AuditEntry.objects.filter(object_id__in=review_ids, action__startswith="approvals.review_deemed")
    assert fired.count() == 6
    assert Notification.objects.filter(recipient=people.planning, kind="approval_deemed").count() == 1


def test_the_celery_task_runs_the_sweep(people: People) -> None:
    case = accepted(people.clerk, people.window, at=timezone.now() - timedelta(days=40))
    assert tasks.sweep.delay().get() == 6  # eager in unit tests
    assert not case.reviews.filter(state=ReviewState.PENDING).exists()


def test_public_safety_escalates_instead_and_the_case_waits(people: People) -> None:
    admin = factories.UserFactory(organisation=None, role="admin", is_staff=True)
    case = accepted(people.clerk, people.window, at=ACCEPTED, public_safety=True)
    services.review_post(user=people.land, review_id=case.reviews.get(department__code="land").pk, approve=True,
                         now=ACCEPTED + timedelta(days=1))  # fmt: skip
    swept = deadlines_sweep(now=DUE + timedelta(seconds=1))
    assert (swept.deemed, swept.escalated) == (0, 5)
    assert {code: s for code, s in states(case).items() if code != "land"} == {
        code: (ReviewState.ESCALATED, DeadlineRule.PUBLIC_SAFETY)
        for code in ("planning", "forestry", "ocean", "environment", "development")
    }
    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW
    told = set(Notification.objects.filter(kind="approval_escalated").values_list("recipient_id", flat=True))
    assert {admin.pk, people.window.pk, people.planning.pk} <= told

    # The escalated department still gives the opinion the case waits for, after its deadline.
    review = case.reviews.get(department__code="planning")
    services.review_post(user=people.planning, review_id=review.pk, approve=True, now=DUE + timedelta(days=3))
    review.refresh_from_db()
    assert review.state == ReviewState.APPROVED


def test_a_review_posted_after_its_deadline_is_refused_and_changes_nothing(people: People) -> None:
    case = accepted(people.clerk, people.window, at=ACCEPTED)
    review = case.reviews.get(department__code="planning")
    audit_before = AuditEntry.objects.count()
    with pytest.raises(services.ApprovalRefused) as refused:
        services.review_post(user=people.planning, review_id=review.pk, approve=False, opinion="用地性质不符",
                             now=DUE + timedelta(seconds=1))  # fmt: skip
    assert (refused.value.code, refused.value.status_code, refused.value.field) == ("deadline_passed", 409, "review")
    with translation.override("en"):
        assert "2026-10-20 00:00" in str(refused.value)
    review.refresh_from_db()
    case.refresh_from_db()
    assert (review.state, review.opinion, review.decided_at, case.state) == (
        ReviewState.PENDING, "", None, CaseState.IN_REVIEW,
    )  # fmt: skip
    assert AuditEntry.objects.count() == audit_before
    # Just before the deadline it is taken.
    services.review_post(user=people.planning, review_id=review.pk, approve=True, now=DUE - timedelta(seconds=1))


def test_a_performance_warning_after_the_third_overdue_review_in_a_month_and_not_before(people: People) -> None:
    # Three cases accepted 12, 13 and 14 Oct: planning's deadlines are the ends of 26, 27 and 28 Oct.
    cases = [accepted(people.clerk, people.window, at=beijing(2026, 10, day, 9, 0)) for day in (12, 13, 14)]
    dues = [c.reviews.get(department__code="planning").due_at for c in cases]
    assert [d.astimezone(beijing(2026, 1, 1).tzinfo).date().day for d in dues] == [27, 28, 29]
    deadlines_sweep(now=dues[1] + timedelta(seconds=1))
    assert not PerformanceWarning.objects.exists()  # two overdue: none yet
    deadlines_sweep(now=dues[2] + timedelta(seconds=1))
    warning = PerformanceWarning.objects.get(department__code="planning")
    assert (warning.department.code, warning.period, warning.count, str(warning.period_start)) == (
        "planning", WarningPeriod.MONTH, 3, "2026-10-01",
    )  # fmt: skip
    # Land missed the same three; absent departments are not warned: they have no officers who missed anything.
    assert sorted(PerformanceWarning.objects.values_list("department__code", flat=True)) == ["land", "planning"]
    assert Notification.objects.filter(recipient=people.window, kind="approval_warning").exists()


def test_five_overdue_reviews_in_a_quarter_warn_once_for_the_quarter(people: People) -> None:
    # Two in October (no monthly warning), three in November (a monthly one), five in the quarter.
    days = [beijing(2026, 10, 12, 9), beijing(2026, 10, 13, 9), beijing(2026, 11, 2, 9), beijing(2026, 11, 3, 9),
            beijing(2026, 11, 4, 9)]  # fmt: skip
    for at in days:
        accepted(people.clerk, people.window, at=at, public_safety=False)
    deadlines_sweep(now=beijing(2026, 12, 1))
    deadlines_sweep(now=beijing(2026, 12, 2))
    planning = PerformanceWarning.objects.filter(department__code="planning")
    assert sorted((w.period, str(w.period_start), w.count) for w in planning) == [
        (WarningPeriod.MONTH, "2026-11-01", 3), (WarningPeriod.QUARTER, "2026-10-01", 5),
    ]  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_fire_each_deadline_exactly_once() -> None:
    ensure_seeded()
    clerk, window = factories.clerk(), window_officer()
    join("planning")
    cases = [accepted(clerk, window, at=ACCEPTED) for _ in range(8)]
    barrier = threading.Barrier(2)
    results: list[int] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(deadlines_sweep(now=DUE + timedelta(seconds=2)).deemed)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    reviews = DepartmentReview.objects.filter(case__in=cases)
    assert sum(results) == reviews.count() == 48
    assert not reviews.filter(state=ReviewState.PENDING).exists()
    ids = [str(pk) for pk in reviews.values_list("pk", flat=True)]
    fired = AuditEntry.objects.filter(object_id__in=ids, action__startswith="approvals.review_deemed")
    assert fired.count() == 48
    assert deadlines_sweep(now=DUE + timedelta(minutes=5)).deemed == 0


def test_a_deemed_consent_notice_reads_in_english_for_an_english_reader(people: People) -> None:
    """The department and the rule that fired are kept in both languages, not in the sweep's."""
    accepted(people.clerk, people.window, at=ACCEPTED)
    with translation.override("zh-hans"):  # the sweep runs in the default language
        deadlines_sweep(now=DUE + timedelta(seconds=5))
    notice = Notification.objects.get(recipient=people.planning, kind="approval_deemed")
    with translation.override("en"):
        english, rule_en = notice.message, str(DeadlineRule.OVERDUE.label)
    with translation.override("zh-hans"):
        chinese, rule_zh = notice.message, str(DeadlineRule.OVERDUE.label)
    assert "Urban Planning Bureau" in english and "规划局" not in english and rule_en in english
    assert "规划局" in chinese and "Urban Planning Bureau" not in chinese and rule_zh in chinese
