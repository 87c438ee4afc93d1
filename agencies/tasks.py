"""Celery tasks: thin, idempotent, enqueued on commit. They only call the work in agencies/delivery.py and
agencies/receipts.py; what enqueues them (agencies/receiving.py, the dispatcher below) imports this module.

Each piece of work is enqueued once: on commit for new work, and by the sweep for work whose time has come
(a retry's backoff, a lost task), under a lease the next sweep respects (`next_attempt_at` of a branch,
`lease_until` of a receipt batch). The database is the schedule: no task waits in the broker for its
time (a countdown would sit unacknowledged in a worker, stranded when it is killed). Receipt batches share
one queued recorder (`record_soon`): it records every batch waiting when it runs.

Deliveries and recorders are acknowledged when they start (not `acks_late`): one killed mid-way is picked up
by the sweep, as a lost one is (a delivery's branches at the next sweep, once PostgreSQL has ended the killed
worker's session; otherwise when their lease ends), instead of staying unacknowledged in the broker until
the visibility timeout (and running again, for nothing, then)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Sequence

from celery import shared_task
from django.conf import settings

from . import circuit, delivery, marks, receipts


@shared_task(name="agencies.deliver", acks_late=False, ignore_result=True)
def deliver(delivery_id: int, attempts: int = 0, probe: bool = False) -> str:
    outcome, _delay = delivery.delivery_attempt(delivery_id=delivery_id, attempts=attempts, probe=probe)
    return outcome.value  # a retry is the sweep's, once the branch's backoff is over


@shared_task(name="agencies.deliver_batch", acks_late=False, ignore_result=True)
def deliver_batch(claims: list[list[int]]) -> int:
    """Branches of one agency the sweep found due, as [id, attempts] pairs: one request."""
    return len(delivery.deliveries_attempt(claims=[(pk, attempts) for pk, attempts in claims]))


@shared_task(name="agencies.deliver_waiting", acks_late=False, ignore_result=True)
def deliver_waiting(agency: str, mark: str = "", not_before: float = 0.0) -> int:
    """Every branch waiting for `agency`, a batch per request (queued by deliver_soon), then the mark passed on
    (_pass_on)."""
    _linger(not_before)
    attempted = delivery.waiting_deliver(agency=agency)
    _pass_on(
        delivery.DRAINER_MARK + agency, mark, done=attempted, seconds=delivery.DRAINER_MARK_SECONDS,
        queue_next=lambda successor, not_before: deliver_waiting.apply_async((agency, successor, not_before)),
        ask_again=lambda: _drain_again(agency),
    )  # fmt: skip
    return attempted


def _drain_again(agency: str) -> None:
    if delivery.waiting(agency=agency):
        deliver_soon(agency)


@shared_task(name="agencies.record_receipts", acks_late=False, ignore_result=True)
def record_receipts(batch_id: int | None = None, mark: str = "", not_before: float = 0.0) -> int:
    """Every receipt batch waiting, `batch_id`'s first (queued by record_soon, or by the sweep for a batch whose
    lease ended), then the mark passed on (_pass_on)."""
    _linger(not_before)
    rounds, batches = receipts.receipts_record_all(batch_id=batch_id)
    _pass_on(
        receipts.RECORDER_MARK, mark or batch_id, done=batches, seconds=receipts.RECORDER_MARK_SECONDS,
        queue_next=lambda successor, not_before: record_receipts.apply_async((None, successor, not_before)),
        ask_again=_record_again,
    )  # fmt: skip
    return rounds


def _linger(not_before: float) -> None:
    """A successor queued under load starts its work no earlier than its predecessor asked (AGENCY_LINGER_SECONDS
    after it handed over): what arrives meanwhile goes in its batch. It waits here, started and acknowledged,
    not as a countdown in the broker that a killed worker would hold unacknowledged until the visibility
    timeout (the sweep would queue another meanwhile: the queue would count both)."""
    wait = min(not_before - time.time(), settings.AGENCY_LINGER_SECONDS)
    if wait > 0:
        time.sleep(wait)


def _record_again() -> None:
    if (waiting := receipts.recorder_missing()) is not None:
        record_soon(waiting)


def _pass_on(
    key: str, mark: object, *, done: int, seconds: float,
    queue_next: Callable[[str, float], object], ask_again: Callable[[], None],
) -> None:  # fmt: skip
    """A queued-once task (drainer, recorder) holds its mark while it works. Having found more than one piece of
    work waiting (`done`: work arrives faster than one at a time), it hands the mark to the next such task,
    queued behind what is waiting in the broker (and starting its work AGENCY_LINGER_SECONDS from now, if set:
    _linger): under load, what arrives meanwhile is left to that one, which takes it all in one go (fewer,
    bigger batches), and an agency's drainers take turns. Otherwise (one piece: an idle portal answers at once)
    it gives the mark up, then looks once more (`ask_again`) for work that came while the mark was still held."""
    linger = settings.AGENCY_LINGER_SECONDS
    if done > 1:
        successor = uuid.uuid4().hex
        if marks.hand_over(key, mark, successor, seconds=seconds):
            try:
                queue_next(successor, time.time() + linger if linger > 0 else 0.0)
                return
            except Exception:  # the broker is down: the sweep queues one once the mark has expired
                marks.unmark(key, successor)
                raise
    marks.unmark(key, mark)
    ask_again()


@shared_task(name="agencies.sweep", acks_late=False, ignore_result=True)  # a lost one: the next beat's
def sweep() -> int:
    """Anything left behind: branches whose time has come (one task per agency's batch), one branch of
    each agency that is down (the probe), receipt batches not yet recorded (one recorder per
    receipts.COALESCE batches, and one when the queued recorder was lost with the broker); and operators
    told of an agency down for long."""
    groups = delivery.deliveries_due()
    for group in groups:
        _deliver(group)
    probes = circuit.probes_due()
    for delivery_id, attempts in probes:
        deliver.delay(delivery_id, attempts, probe=True)
    recorders = receipts.recorders_due()
    for batch_id in recorders:
        record_receipts.delay(batch_id)
    if (stranded := receipts.recorder_missing()) is not None:
        record_soon(stranded)
    for agency in delivery.drainers_missing():
        deliver_soon(agency)
    circuit.outages_alert()
    return len(groups) + len(probes) + len(recorders)


def _deliver(claims: list[tuple[int, int]]) -> None:
    if len(claims) == 1:
        deliver.delay(*claims[0])
    else:
        deliver_batch.delay([list(claim) for claim in claims])


def enqueue(delivery_ids: list[int], agencies: Sequence[str] | None = None) -> None:
    """Registered with declarations.registry: runs after a submission commits (its agencies' drainers, each
    queued once however many submissions ask: deliver_soon), or after an agency came back (one task per batch)."""
    if agencies is None:  # the caller did not say: a retried branch, or everything an agency's return resumed
        branches = delivery.branches_for(delivery_ids)
        if len(branches) > 4:
            for group in delivery.claim_groups(branches):
                _deliver(group)
            return
        agencies = [agency for _pk, _attempts, agency in branches]
    wanted = sorted(set(agencies))
    # Under load each agency's drainer is queued already: one look at every mark, not an add for each.
    queued = marks.marked_among([delivery.DRAINER_MARK + agency for agency in wanted])
    for agency in wanted:
        if delivery.DRAINER_MARK + agency not in queued:
            deliver_soon(agency)


def deliver_soon(agency: str) -> None:
    """Queue the drainer of `agency`, unless one is queued already (it sends this branch too)."""
    owner = uuid.uuid4().hex
    marks.queue_once(delivery.DRAINER_MARK + agency, owner, seconds=delivery.DRAINER_MARK_SECONDS,
                     send=lambda: deliver_waiting.delay(agency, owner))  # fmt: skip


def record_soon(batch_id: int) -> None:
    """After a receipt batch is kept: queue a recorder, unless one is queued already (it records this
    batch too). The batch owns the recorder it queued until that recorder starts."""
    marks.queue_once(receipts.RECORDER_MARK, batch_id, seconds=receipts.RECORDER_MARK_SECONDS,
                     send=lambda: record_receipts.delay(batch_id))  # fmt: skip
