"""End to end with real processes: submissions fan out to every agency through a Celery worker and
the simulator, receipts come back over HTTP, and each shipment's timeline ends released."""

from __future__ import annotations

import time

import pytest
from rest_framework.test import APIClient

from agencies.models import AgencyHealth
from declarations.models import Declaration, Delivery, Event
from declarations.timeline import timeline_for
from singlewindow.models import User

from .. import factories
from ..processes import Simulator, Worker, wait_until

pytestmark = pytest.mark.integration


def submit(user: User, count: int) -> list[Declaration]:
    api = APIClient()
    api.force_authenticate(user)
    declarations = [factories.valid_draft(user, lines=2) for _ in range(count)]
    for declaration in declarations:
        assert api.post(f"/api/v1/declarations/{declaration.pk}/submit/").status_code == 201
    return declarations


def released(declarations: list[Declaration]) -> bool:
    return Declaration.objects.filter(pk__in=[d.pk for d in declarations], status="released").count() == len(
        declarations
    )


def message_ids(declarations: list[Declaration]) -> set[str]:
    return set(Delivery.objects.filter(version__declaration__in=declarations).values_list("message_id", flat=True))


def delivered_once(declarations: list[Declaration]) -> bool:
    """Each branch reached its agency (the simulator counts each message id once) and the portal
    recorded its delivery exactly once."""
    branches = Delivery.objects.filter(version__declaration__in=declarations)
    delivered = Event.objects.filter(declaration__in=declarations, kind="delivered")
    return branches.count() == delivered.count() == delivered.values("version", "agency").distinct().count()


def test_fifty_declarations_are_released_by_every_agency(
    transactional_db: None, simulator: Simulator, worker: Worker
) -> None:
    user = factories.clerk()
    declarations = submit(user, 50)
    wait_until(lambda: released(declarations), timeout=90, what="50 releases")
    for declaration in declarations:
        declaration.refresh_from_db()
        timeline = timeline_for(declaration)
        assert timeline is not None and timeline.released and timeline.waiting_for == []
        assert [b.state for b in timeline.branches] == ["released", "released"]
        assert timeline.duties is not None and timeline.duties["payment"] == "paid"
    counts = simulator.counts()
    assert {counts[m] for m in message_ids(declarations)} == {1}
    assert delivered_once(declarations)


def test_an_agency_that_is_down_delays_only_its_own_branch(
    transactional_db: None, simulator: Simulator, worker: Worker
) -> None:
    simulator.configure(inspection={"down": True})
    user = factories.clerk()
    declarations = submit(user, 5)
    customs = Delivery.objects.filter(version__declaration__in=declarations, agency="customs")
    inspection = Delivery.objects.filter(version__declaration__in=declarations, agency="inspection")
    wait_until(
        lambda: Event.objects.filter(declaration__in=declarations, agency="customs", kind="released").count() == 5,
        timeout=60,
        what="customs to release while inspection is down",
    )
    down = AgencyHealth.objects.filter(agency="inspection", state__in=["open", "half_open"])
    wait_until(down.exists, timeout=30, what="inspection to be noticed down")
    knocks = sum(simulator.received().get(m, 0) for m in message_ids(declarations) if m.endswith("-inspection"))
    time.sleep(3)  # while it is down, only the oldest branch is tried, once a second
    assert sum(simulator.received().get(m, 0) for m in message_ids(declarations) if m.endswith("-inspection")) <= (
        knocks + 5
    )
    assert set(customs.values_list("status", flat=True)) == {"delivered"}
    assert set(inspection.values_list("status", flat=True)) == {"pending"}
    assert not released(declarations)

    simulator.configure(inspection={"down": False})
    wait_until(lambda: released(declarations), timeout=60, what="releases after inspection is back")
    counts = simulator.counts()
    assert {counts[m] for m in message_ids(declarations)} == {1}


def test_a_worker_killed_mid_dispatch_loses_nothing_and_repeats_nothing(
    transactional_db: None, simulator: Simulator, worker: Worker
) -> None:
    simulator.configure(customs={"delay_ms": 50}, inspection={"delay_ms": 50})
    user = factories.clerk()
    declarations = submit(user, 40)
    wait_until(
        lambda: Delivery.objects.filter(version__declaration__in=declarations, status="delivered").exists(),
        timeout=30,
        every=0.01,
        what="the first delivery",
    )
    worker.kill()
    left = Delivery.objects.filter(version__declaration__in=declarations, status="pending").count()
    time.sleep(0.5)
    worker.start()
    wait_until(lambda: released(declarations), timeout=120, what="releases after the worker restarted")
    counts = simulator.counts()
    ids = message_ids(declarations)
    assert {counts[m] for m in ids} == {1}, "a branch never reached its agency"
    assert delivered_once(declarations), "a branch was recorded as delivered twice"
    assert left > 0, "the worker was killed after every branch was delivered: nothing was in flight"


def test_duplicate_and_out_of_order_receipts_still_give_the_right_timeline(
    transactional_db: None, simulator: Simulator, worker: Worker
) -> None:
    simulator.configure(
        customs={"duplicate_ratio": 1.0, "reorder": True}, inspection={"duplicate_ratio": 1.0, "reorder": True}
    )
    user = factories.clerk()
    declarations = submit(user, 5)
    wait_until(lambda: released(declarations), timeout=60, what="releases")
    for declaration in declarations:
        events = Event.objects.filter(declaration=declaration, receipt_id__isnull=False)
        receipt_ids = list(events.values_list("receipt_id", flat=True))
        assert len(receipt_ids) == len(set(receipt_ids))
        customs = sorted(events.filter(agency="customs").values_list("sequence", "kind"))
        assert customs == [(1, "received"), (2, "accepted"), (3, "duties_assessed"), (4, "payment"), (5, "released")]
    assert simulator.counts() and {simulator.counts()[m] for m in message_ids(declarations)} == {1}


def test_a_vessel_departure_is_released_by_four_agencies_and_its_port_clearance_issued(
    transactional_db: None, simulator: Simulator, worker: Worker
) -> None:
    from vessels import services as vessels
    from vessels.models import PortClearance

    agent = factories.ship_agent()
    declaration = factories.vessel_draft(agent)
    vessels.vessel_submit(declaration=declaration, user=agent)
    wait_until(lambda: released([declaration]), timeout=60, what="the vessel's release")
    wait_until(lambda: PortClearance.objects.filter(declaration=declaration).exists(), timeout=10, what="clearance")
    timeline = timeline_for(declaration)
    assert timeline is not None and [b.agency for b in timeline.branches] == [
        "customs",
        "inspection",
        "border",
        "maritime",
    ]
    assert timeline.duties is None  # a ship's call pays no goods duties
    counts = simulator.counts()
    assert {counts[m] for m in message_ids([declaration])} == {1} and len(message_ids([declaration])) == 4
