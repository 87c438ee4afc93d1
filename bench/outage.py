"""Issue 14's figure: how long the portal takes to deliver what waited for an agency that was down, once it
answers again (outage_recovery_s), on the production shape (bench/e2e.py).

BENCH_OUTAGE_BRANCHES (1,000) goods declarations are submitted while customs is down; its circuit opens
and every customs branch waits (agencies/circuit.py). Then customs comes back and the clock runs until the
last of those branches is delivered. Shortened for the bench: the sweep runs every second and an agency
that is down is tried every second (DELIVERY_SWEEP_SECONDS=1, AGENCY_PROBE_SECONDS=1; in production 5 and
30), so the figure is the resumption itself plus at most about two seconds until the probe, not the wait
for a 30-second probe.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

from django.db.models import Max

from agencies.models import AgencyHealth
from declarations import services
from declarations.choices import DeliveryStatus
from declarations.models import Declaration, Delivery

from .e2e import configure_simulator, production_shape

Report = Callable[[str, Any, str], None]
BRANCHES = int(os.environ.get("BENCH_OUTAGE_BRANCHES", "1000"))
AGENCY = "customs"


def outage_recovery_s(setup: dict[str, Any], report: Report, draft: Callable[..., Declaration]) -> None:
    # Branches other figures left behind are not this run's load.
    Delivery.objects.filter(status=DeliveryStatus.PENDING).update(status=DeliveryStatus.CANCELLED)
    AgencyHealth.objects.all().delete()
    user = setup["user"]
    drafts = [draft(user, 1) for _ in range(BRANCHES)]
    with production_shape(DELIVERY_SWEEP_SECONDS="1", AGENCY_PROBE_SECONDS="1"):
        configure_simulator({"down": True}, only=AGENCY)
        for declaration in drafts:
            services.declaration_submit(declaration=declaration, user=user)
        waiting = Delivery.objects.filter(version__declaration__in=drafts, agency=AGENCY)
        others = Delivery.objects.filter(version__declaration__in=drafts).exclude(agency=AGENCY)
        _until(lambda: AgencyHealth.objects.filter(agency=AGENCY).exclude(state="closed").exists(), 120, "down")
        # Every first attempt has been made (the other agencies' branches went meanwhile): all wait.
        _until(lambda: not others.filter(status=DeliveryStatus.PENDING).exists(), 300, "the other branches")
        time.sleep(2)
        assert waiting.filter(status=DeliveryStatus.PENDING).count() == BRANCHES, "a branch was given up"
        back = time.time()
        configure_simulator({"down": False}, only=AGENCY)
        _until(lambda: not waiting.filter(status=DeliveryStatus.PENDING).exists(), 600, "the waiting branches")
        last = waiting.aggregate(last=Max("delivered_at"))["last"]
        assert waiting.filter(status=DeliveryStatus.DELIVERED).count() == BRANCHES
    print(f"bench-note: outage {BRANCHES} {AGENCY} branches waiting; sweep and probe every 1 s", flush=True)
    report("outage_recovery_s", round(last.timestamp() - back, 1), "s")


def _until(done: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise RuntimeError(f"outage bench: waited {timeout:.0f} s for {what}")
        time.sleep(0.2)
