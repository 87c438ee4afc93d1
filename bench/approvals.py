"""Approvals figure: deemed consent fired on time, exactly once (seed case 5; A7.4 "deemed consent fired at
the exact due time, 0 missed").

1,000 cases in review, one department's review each, due at moments spread over five minutes around a
simulated clock (from 90 s before it to 210 s after). Beat's schedule is simulated: the sweep runs every
60 s of simulated time from before the first deadline, as a beat running all along would, two sweeps at
once each time (two beat processes, or a beat that fired twice), so
exactly-once is tested under contention. A review's lateness is its simulated sweep time minus its
deadline, plus the real time the sweep took to reach it (its audit entry's time minus the sweep's start).

- deemed_consent_late_s_max: the most a deemed consent fired after its deadline; target ≤ 60 s (the
  sweep interval).
- deemed_consent_fired_twice: reviews deemed more than once (audit entries per review); must be 0.
- deemed_consent_missed: reviews still pending after their deadline at the end; must be 0.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.db import connection
from django.utils import timezone

from approvals.choices import CaseState, ReviewState
from approvals.deadlines import deadlines_sweep
from approvals.models import ApprovalCase, Department, DepartmentReview, Stage
from approvals.seed import seed
from singlewindow.choices import Agency, OrganisationKind, Role
from singlewindow.models import AuditEntry, Organisation, User

Report = Callable[[str, Any, str], None]
CASES = 1000
SPREAD_S = 300  # deadlines spread over five minutes
BEFORE_S = 90  # of which this much before the first sweep
STEP_S = 60  # the beat interval (settings.CELERY_BEAT_SCHEDULE "approvals-deadlines")


def _setup(run: str) -> tuple[list[int], datetime]:
    """1,000 cases in review (a quarter of the departments absent), deadlines spread around `start`."""
    if not Stage.objects.exists():
        seed(apps)
    firm = Organisation.objects.create(kind=OrganisationKind.ENTERPRISE, name=f"压测企业 {run}",
                                       uscc=f"91BENCH{run[-11:]:0>11}"[:18])  # fmt: skip
    clerk = User.objects.create(username=f"bench-approvals-{run}", organisation=firm, role=Role.DECLARANT)
    for code in ("planning", "land", "environment"):
        org = Organisation.objects.create(kind=OrganisationKind.AGENCY, agency=Agency.PORT, name=f"{code} {run}",
                                          uscc=f"11{code[:4].upper():X<4}{run[-12:]:0>12}"[:18])  # fmt: skip
        Department.objects.filter(code=code).update(organisation=org)
    departments = list(Department.objects.filter(stages__code="site_land").distinct())
    stage = Stage.objects.get(code="site_land")
    start = timezone.now().replace(microsecond=0) + timedelta(days=1)
    rng = random.Random(run)
    cases = ApprovalCase.objects.bulk_create(
        ApprovalCase(number=f"B{run[-8:]}{i:05d}", applicant=firm, filed_by=clerk, stage=stage,
                     project_name=f"压测项目 {i}", form={}, form_digest="", state=CaseState.IN_REVIEW,
                     filed_at=start - timedelta(days=20), accepted_at=start - timedelta(days=20))
        for i in range(CASES)
    )  # fmt: skip
    DepartmentReview.objects.bulk_create(
        DepartmentReview(case=case, department=departments[i % len(departments)], items="bench", workdays=10,
                         due_at=start + timedelta(seconds=rng.uniform(-BEFORE_S, SPREAD_S - BEFORE_S)))
        for i, case in enumerate(cases)
    )  # fmt: skip
    return [case.pk for case in cases], start


def _sweep_twice(now: datetime) -> float:
    """Two sweeps at once at simulated time `now`; returns the real time they started."""
    barrier = threading.Barrier(2)

    def run() -> None:
        try:
            barrier.wait()
            deadlines_sweep(now=now)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    started = timezone.now()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return started.timestamp()


def deemed_consent_figures(report: Report) -> None:
    run = str(time.time_ns())
    case_ids, start = _setup(run)
    reviews = DepartmentReview.objects.filter(case_id__in=case_ids)
    ticks = range(-BEFORE_S - 1, SPREAD_S - BEFORE_S + STEP_S, STEP_S)  # the first before any deadline
    sweep_started: dict[datetime, float] = {}
    wall = time.perf_counter()
    for tick in ticks:
        now = start + timedelta(seconds=tick)
        sweep_started[now] = _sweep_twice(now)
    seconds = time.perf_counter() - wall
    ids = {str(pk): pk for pk in reviews.values_list("pk", flat=True)}
    entries = list(AuditEntry.objects.filter(object_type="approvals.departmentreview", object_id__in=list(ids),
                                             action__startswith="approvals.review_deemed").values_list("object_id", "at"))  # fmt: skip
    fired = Counter(object_id for object_id, _ in entries)
    recorded_at = dict(entries)
    late = []
    for review in reviews.exclude(state=ReviewState.PENDING).only("pk", "decided_at", "late_seconds"):
        real = recorded_at[str(review.pk)].timestamp() - sweep_started[review.decided_at]  # type: ignore[index]
        late.append((review.late_seconds or 0) + max(real, 0))
    missed = reviews.filter(state=ReviewState.PENDING, due_at__lte=start + timedelta(seconds=ticks[-1])).count()
    twice = sum(1 for count in fired.values() if count > 1)
    report("deemed_consent_late_s_max", round(max(late), 1), "s")
    report("deemed_consent_fired_twice", twice, "")
    report("deemed_consent_missed", missed, "")
    report("deemed_consent_sweeps_s", round(seconds, 1), "s")
    assert twice == 0, f"{twice} reviews deemed more than once"
    assert missed == 0 and len(late) == CASES, f"{missed} deadlines missed, {len(late)} of {CASES} fired"
