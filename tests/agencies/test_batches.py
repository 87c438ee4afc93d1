"""Batched delivery (docs/AGENCY_PROTOCOL.md, "Batches"): the branches waiting for an agency go in one
signed request, each answered on its own; and receipt batches share one queued recorder.

The agency's system is a fake that keeps what it is sent and answers as told."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db.models import F
from django.test import Client
from django.utils import timezone
from lxml import etree

from agencies import delivery as deliveries
from agencies import marks, receipts, tasks
from agencies.adapters import adapter_for
from agencies.delivery import Attempt, delivery_attempt
from agencies.models import AgencyHealth, ReceiptBatch
from declarations import services
from declarations.models import Declaration, DeclarationVersion, Delivery, Event
from singlewindow.models import User
from singlewindow.signatures import public_key, public_text, verify

from .. import factories
from .receipts import branch, envelope, post, receipt

pytestmark = pytest.mark.django_db
BATCH = "{urn:singlewindow:batch:1}"


class FakeCustoms:
    """Customs' system: keeps each request; answers a batch 207 with each item's status from `item_status`
    (202 otherwise), or the whole request with `whole`."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.item_status: dict[str, int] = {}
        self.whole: int | None = None

    def post(self, url: str, *, data: bytes, headers: dict[str, str], timeout: Any) -> SimpleNamespace:
        self.requests.append((headers, data))
        if self.whole is not None:
            return SimpleNamespace(status_code=self.whole, text="", json=lambda: {})
        if "X-Batch-Id" not in headers:
            return SimpleNamespace(status_code=202, text="", json=lambda: {})
        items = [
            {"message_id": m, "status": self.item_status.get(m, 202), "error": "DecHead/GrossWet is missing"}
            for m in (item.get("MessageId") for item in etree.fromstring(data))
        ]
        return SimpleNamespace(status_code=207, text=json.dumps({"items": items}), json=lambda: {"items": items})


@pytest.fixture
def customs(settings, monkeypatch: pytest.MonkeyPatch) -> FakeCustoms:  # type: ignore[no-untyped-def]
    fake = FakeCustoms()
    settings.AGENCY_ENDPOINTS = {"customs": "http://agencies.test/customs/messages"}
    settings.AGENCY_BATCH_MAX = {"customs": 10}
    monkeypatch.setattr(deliveries._session, "post", fake.post)
    return fake


@pytest.fixture
def submitted(user_a: User) -> Callable[[int], list[Declaration]]:
    """Declarations to customs alone, submitted a second ago; their tasks have not run (nothing committed
    yet)."""

    def submit(count: int) -> list[Declaration]:
        declarations = []
        for _ in range(count):
            declaration = factories.valid_draft(user_a, target="customs", lines=1)
            services.declaration_submit(declaration=declaration, user=user_a)
            declaration.refresh_from_db()
            declarations.append(declaration)
        # Their tasks waited in the queue (under load): what a worker takes then has company.
        DeclarationVersion.objects.filter(declaration__in=declarations).update(
            submitted_at=F("submitted_at") - timedelta(seconds=1)
        )
        return declarations

    return submit


def test_waiting_branches_go_in_one_signed_request_and_their_receipts_are_recorded_item_by_item(
    client: Client, customs: FakeCustoms, submitted: Callable[[int], list[Declaration]]
) -> None:
    declarations = submitted(3)
    branches = [branch(d, "customs") for d in declarations]

    assert delivery_attempt(delivery_id=branches[0].pk, attempts=0)[0] is Attempt.DELIVERED
    # the other branches' own tasks come later and find them taken
    assert delivery_attempt(delivery_id=branches[1].pk, attempts=0)[0] is Attempt.SKIPPED

    ((headers, body),) = customs.requests
    portal = public_key(public_text(django_settings.PORTAL_SIGNING_KEY))
    assert "X-Message-Id" not in headers and headers["X-Batch-Id"].startswith("batch-")
    assert verify(body, headers["X-Signature"], portal)
    root = etree.fromstring(body)
    assert root.tag == BATCH + "MessageBatch" and root.get("Count") == "3"
    assert [item.get("MessageId") for item in root] == [b.message_id for b in branches]
    for item in root:
        (message,) = item
        adapter_for("customs").goods.schema.assertValid(etree.ElementTree(etree.fromstring(etree.tostring(message))))
        assert message.get("MessageId") == item.get("MessageId")
    assert {b.status for b in Delivery.objects.filter(pk__in=[b.pk for b in branches])} == {"delivered"}
    assert Event.objects.filter(declaration__in=declarations, kind="delivered").count() == 3

    released = [receipt(b, status, n) for b in branches for n, status in enumerate(["received", "released"], 1)]
    assert post(client, envelope(*released)).status_code == 202
    assert {d.status for d in Declaration.objects.filter(pk__in=[d.pk for d in declarations])} == {"released"}


def test_an_item_the_agency_refuses_fails_alone_and_the_rest_of_its_batch_is_delivered(
    customs: FakeCustoms, submitted: Callable[[int], list[Declaration]]
) -> None:
    declarations = submitted(3)
    refused = branch(declarations[1], "customs")
    customs.item_status[refused.message_id] = 400

    delivery_attempt(delivery_id=branch(declarations[0], "customs").pk, attempts=0)

    assert len(customs.requests) == 1
    refused.refresh_from_db()
    assert refused.status == "failed" and "GrossWet" in refused.last_error
    assert Event.objects.get(declaration=declarations[1], kind="delivery_failed").data["reason"].startswith("HTTP 400")
    for other in (declarations[0], declarations[2]):
        assert branch(other, "customs").status == "delivered"
    assert not AgencyHealth.objects.exclude(consecutive_failures=0).exists()  # it answered: no failure counted


def test_a_batch_that_fails_whole_retries_each_item_and_the_sweep_sends_them_again_together(
    customs: FakeCustoms,
    submitted: Callable[[int], list[Declaration]],
    settings,  # type: ignore[no-untyped-def]
) -> None:
    declarations = submitted(4)
    customs.whole = 503

    outcome, _delay = delivery_attempt(delivery_id=branch(declarations[0], "customs").pk, attempts=0)

    assert (outcome, len(customs.requests)) == (Attempt.RETRY, 1)
    states = {(b.status, b.attempts) for b in (branch(d, "customs") for d in declarations)}
    assert states == {("pending", 1)}
    assert AgencyHealth.objects.get(agency="customs").consecutive_failures == 1  # one request, one failure
    assert not Event.objects.filter(kind__in=["delivered", "delivery_failed"]).exists()

    customs.whole = None
    Delivery.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))  # the backoff is over
    tasks.sweep()

    assert len(customs.requests) == 2 and len(etree.fromstring(customs.requests[1][1])) == 4
    assert {branch(d, "customs").status for d in declarations} == {"delivered"}
    assert Event.objects.filter(kind="delivered").count() == 4
    assert AgencyHealth.objects.get(agency="customs").consecutive_failures == 0


def test_receipt_batches_share_one_queued_recorder_and_one_lost_is_replaced_by_the_next_sweep(
    client: Client, submitted: Callable[[int], list[Declaration]], monkeypatch: pytest.MonkeyPatch
) -> None:
    cache.delete(receipts.RECORDER_MARK)
    declarations = submitted(3)
    queued: list[int] = []
    monkeypatch.setattr("agencies.tasks.record_receipts.delay", queued.append)  # queued, never run

    for declaration in declarations:
        assert post(client, envelope(receipt(branch(declaration, "customs"), "received", 1))).status_code == 202

    first = ReceiptBatch.objects.order_by("pk").first()
    assert first is not None and queued == [first.pk]  # one recorder for the three batches
    cache.delete(receipts.RECORDER_MARK)  # Redis restarted: the queued recorder and its mark are gone
    tasks.sweep()
    assert queued == [first.pk, first.pk]  # queued again at once, not after the batches' lease

    assert receipts.receipts_record_all(batch_id=first.pk) == (1, 3)  # one transaction for the three batches
    assert not ReceiptBatch.objects.filter(processed_at=None).exists()
    assert Event.objects.filter(declaration__in=declarations, kind="received").count() == 3


def test_a_recorder_under_load_hands_its_mark_to_the_next_which_records_what_came_meanwhile_at_once(
    client: Client, submitted: Callable[[int], list[Declaration]], monkeypatch: pytest.MonkeyPatch
) -> None:
    declarations = submitted(5)
    queued: list[int] = []
    monkeypatch.setattr("agencies.tasks.record_receipts.delay", queued.append)  # queued, never run
    later: list[tuple[tuple[None, str], dict[str, float]]] = []
    monkeypatch.setattr(
        "agencies.tasks.record_receipts.apply_async", lambda args, **options: later.append((args, options))
    )

    def kept(declaration: Declaration) -> None:
        assert post(client, envelope(receipt(branch(declaration, "customs"), "received", 1))).status_code == 202

    for declaration in declarations[:2]:
        kept(declaration)
    assert tasks.record_receipts.run(queued[0]) == 1  # two batches in one round: receipts come faster than one by one
    ((args, options),) = later  # so it hands its mark to the next recorder, queued behind what waits
    assert options == {} and args[2] == 0.0  # no countdown, and no linger (AGENCY_LINGER_SECONDS is 0)

    for declaration in declarations[2:4]:
        kept(declaration)
    assert len(queued) == 1  # the batches kept meanwhile are left to that one…
    assert tasks.record_receipts.run(*args) == 1  # …which records both in one round
    assert Event.objects.filter(declaration__in=declarations[:4], kind="received").count() == 4

    tasks.record_receipts.run(*later[1][0])  # nothing left: the mark is given up, no other queued
    assert len(later) == 2
    kept(declarations[4])
    assert len(queued) == 2  # idle: the next batch queues its recorder at once…
    tasks.record_receipts.run(queued[1])
    assert len(later) == 2  # …which, having found it alone, gives the mark up at once


def test_submissions_share_one_queued_drainer_which_sends_all_their_branches_in_one_request(
    customs: FakeCustoms, user_a: User, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    cache.delete(deliveries.DRAINER_MARK + "customs")
    queued: list[tuple[str, str]] = []
    monkeypatch.setattr("agencies.tasks.deliver_waiting.delay", lambda *args: queued.append(args))  # never run
    declarations = [factories.valid_draft(user_a, target="customs", lines=1) for _ in range(3)]

    for declaration in declarations:
        with django_capture_on_commit_callbacks(execute=True):
            services.declaration_submit(declaration=declaration, user=user_a)

    assert [agency for agency, _owner in queued] == ["customs"]  # one drainer for the three submissions
    agency, owner = queued[0]
    later: list[tuple[tuple[str, str], dict[str, float]]] = []
    monkeypatch.setattr(
        "agencies.tasks.deliver_waiting.apply_async", lambda args, **options: later.append((args, options))
    )
    tasks.deliver_waiting.run(agency, owner)  # the worker runs it
    ((_headers, body),) = customs.requests
    assert [item.get("MessageId") for item in etree.fromstring(body)] == [
        branch(d, "customs").message_id for d in declarations
    ]
    assert {branch(d, "customs").status for d in declarations} == {"delivered"}
    # Having sent more than one, it hands its mark to the next drainer, queued behind what waits in the broker.
    ((args, options),) = later
    assert args[0] == "customs" and options == {}

    late = [factories.valid_draft(user_a, target="customs", lines=1) for _ in range(2)]
    for declaration in late:
        with django_capture_on_commit_callbacks(execute=True):
            services.declaration_submit(declaration=declaration, user=user_a)
    assert len(queued) == 1  # meanwhile, submissions leave their branches to that one
    tasks.deliver_waiting.run(*args)
    assert len(customs.requests) == 2  # both in one request
    assert {branch(d, "customs").status for d in late} == {"delivered"}

    tasks.deliver_waiting.run(*later[1][0])  # nothing left: it gives the mark up and queues no other
    assert len(later) == 2 and len(customs.requests) == 2
    last = factories.valid_draft(user_a, target="customs", lines=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.declaration_submit(declaration=last, user=user_a)
    assert len(queued) == 2  # an idle agency: the next submission queues its drainer at once…
    tasks.deliver_waiting.run(*queued[1])
    assert len(customs.requests) == 3 and len(later) == 2  # …which, having sent it alone, gives the mark up


def test_a_branch_submitted_while_the_last_drainer_gives_up_its_mark_is_not_stranded(
    customs: FakeCustoms, user_a: User, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    queued: list[tuple[str, str]] = []
    monkeypatch.setattr("agencies.tasks.deliver_waiting.delay", lambda *args: queued.append(args))
    cache.set(deliveries.DRAINER_MARK + "customs", "drainer-1")  # a drainer is running…
    monkeypatch.setattr(deliveries, "waiting_deliver", lambda agency: 0)  # …and found nothing to send
    declaration = factories.valid_draft(user_a, target="customs", lines=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.declaration_submit(declaration=declaration, user=user_a)  # it saw the mark: queued nothing
    assert queued == []

    tasks.deliver_waiting.run("customs", "drainer-1")
    assert [agency for agency, _owner in queued] == ["customs"]  # its last look queued a drainer for it


def test_a_drainer_sends_nothing_while_its_agency_is_down(customs: FakeCustoms, user_a: User) -> None:
    declaration = factories.valid_draft(user_a, target="customs", lines=1)
    services.declaration_submit(declaration=declaration, user=user_a)
    now = timezone.now()
    AgencyHealth.objects.update_or_create(
        agency="customs", defaults={"state": "open", "failing_since": now, "opened_at": now, "last_probe_at": now}
    )

    assert deliveries.waiting_deliver(agency="customs") == 0
    assert customs.requests == [] and branch(declaration, "customs").status == "pending"


def test_a_drainer_lost_with_the_broker_is_queued_again_by_the_next_sweep(
    customs: FakeCustoms, user_a: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache.delete(deliveries.DRAINER_MARK + "customs")
    queued: list[tuple[str, str]] = []
    monkeypatch.setattr("agencies.tasks.deliver_waiting.delay", lambda *args: queued.append(args))
    declaration = factories.valid_draft(user_a, target="customs", lines=1)
    services.declaration_submit(declaration=declaration, user=user_a)  # its drainer's task was lost
    tasks.sweep()
    assert queued == []  # too young: its drainer may still be on its way

    DeclarationVersion.objects.filter(declaration=declaration).update(
        submitted_at=F("submitted_at") - timedelta(seconds=10)
    )
    tasks.sweep()
    assert [agency for agency, _owner in queued] == ["customs"]  # not after the branch's 30-second lease
    tasks.sweep()
    assert len(queued) == 1  # the queued one is marked: once


def test_under_load_the_successor_waits_out_the_linger_once_started_not_as_a_countdown(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.AGENCY_LINGER_SECONDS = 0.1
    now = [1000.0]
    slept: list[float] = []
    monkeypatch.setattr(tasks.time, "time", lambda: now[0])
    monkeypatch.setattr(tasks.time, "sleep", slept.append)
    marks.mark("test:linger", "first", seconds=5)
    queued: list[tuple[str, float]] = []
    tasks._pass_on("test:linger", "first", done=2, seconds=5, queue_next=lambda s, t: queued.append((s, t)),
                   ask_again=lambda: None)  # fmt: skip
    ((successor, not_before),) = queued  # queued at once, to start its work 0.1 s on
    assert not_before == pytest.approx(1000.1) and marks.marked("test:linger")
    now[0] = 1000.04  # it started 40 ms later: it waits the rest, and works
    tasks._linger(not_before)
    tasks._linger(now[0] + 3600)  # a clock gone wrong never holds a pool process longer than the linger
    tasks._linger(999.0)  # its time has passed: no wait
    assert slept == [pytest.approx(0.06), pytest.approx(0.1)]
    marks.unmark("test:linger", successor)
