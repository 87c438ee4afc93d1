"""Batched delivery with real processes (the worker fixture sets AGENCY_BATCH_MAX, as production does):
what waits for an agency goes to it in one signed request, and a worker killed while a batch is on its
way loses nothing and repeats nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import Count
from django.utils import timezone

from declarations.models import Delivery, Event

from .. import factories
from ..processes import Simulator, Worker, wait_until
from .test_fanout import delivered_once, message_ids, released, submit

pytestmark = pytest.mark.integration


def test_a_worker_killed_mid_batch_loses_nothing_and_the_batch_goes_again_whole(
    transactional_db: None, simulator: Simulator, worker: Worker
) -> None:
    simulator.configure(customs={"timeout_ratio": 1.0, "timeout_seconds": 2.5})  # customs hangs on every request
    declarations = submit(factories.clerk(), 12)
    customs = Delivery.objects.filter(version__declaration__in=declarations, agency="customs")
    on_its_way = customs.filter(status="pending", attempts__gte=1)
    wait_until(lambda: on_its_way.count() >= 2, timeout=30, every=0.05, what="a customs batch on its way")
    worker.kill()
    in_flight = on_its_way.count()
    simulator.configure(customs={"timeout_ratio": 0.0})
    worker.start()

    wait_until(lambda: released(declarations), timeout=90, what="releases after the worker restarted")
    counts = simulator.counts()
    assert {counts[m] for m in message_ids(declarations)} == {1}, "a branch never reached its agency"
    assert delivered_once(declarations), "a branch was recorded as delivered twice"
    assert in_flight >= 2, "no batch was on its way when the worker was killed"
    # Branches sent together share their request's time: the ones the killed worker held went again in one.
    together = (
        Event.objects.filter(declaration__in=declarations, kind="delivered", agency="customs")
        .values("at")
        .annotate(branches=Count("id"))
    )
    assert max(row["branches"] for row in together) >= 2


def test_a_killed_workers_batch_goes_again_once_its_sessions_are_gone_not_at_its_leases_end(
    transactional_db: None, simulator: Simulator, worker: Worker
) -> None:
    """With a lease of two minutes, the branches a killed worker had on their way are sent again by the
    restarted worker's sweep within seconds: PostgreSQL ended the dead worker's sessions."""
    worker.stop()
    worker.env["DELIVERY_LEASE_SECONDS"] = "120"
    worker.start()
    simulator.configure(customs={"timeout_ratio": 1.0, "timeout_seconds": 2.5})  # customs hangs on every request
    declarations = submit(factories.clerk(), 6)
    customs = Delivery.objects.filter(version__declaration__in=declarations, agency="customs")
    on_its_way = customs.filter(status="pending", attempts__gte=1, claimed_by__isnull=False)
    wait_until(lambda: on_its_way.exists(), timeout=30, every=0.05, what="a customs attempt on its way")
    worker.kill()
    lease_left = timezone.now() + timedelta(seconds=60)
    assert on_its_way.filter(next_attempt_at__gt=lease_left).exists(), "nothing was held under its lease"
    simulator.configure(customs={"timeout_ratio": 0.0})
    worker.start()
    wait_until(lambda: released(declarations), timeout=40, what="releases well before the lease's end")
    counts = simulator.counts()
    assert {counts[m] for m in message_ids(declarations)} == {1}
    assert delivered_once(declarations)
