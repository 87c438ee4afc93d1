"""Celery tasks: thin, idempotent, enqueued on commit. They only call the work in agencies/delivery.py and
agencies/receipts.py; what enqueues them (agencies/receiving.py, the dispatcher below) imports this module.

Each piece of work is enqueued once: on commit for new work, and by the sweep for work whose time has come
(a retry's backoff, a lost task), under a lease the next sweep respects (`next_attempt_at` of a branch,
`lease_until` of a receipt batch). The database is the schedule: no task waits in the broker for its
time (a countdown would sit unacknowledged in a worker, stranded when it is killed)."""

from __future__ import annotations

from celery import shared_task

from . import circuit, delivery, receipts


@shared_task(name="agencies.deliver", acks_late=True, ignore_result=True)
def deliver(delivery_id: int, attempts: int = 0, probe: bool = False) -> str:
    outcome, _delay = delivery.delivery_attempt(delivery_id=delivery_id, attempts=attempts, probe=probe)
    return outcome.value  # a retry is the sweep's, once the branch's backoff is over


@shared_task(name="agencies.record_receipts", acks_late=True, ignore_result=True)
def record_receipts(batch_id: int) -> None:
    receipts.receipts_record(batch_id=batch_id)


@shared_task(name="agencies.sweep", ignore_result=True)
def sweep() -> int:
    """Anything left behind: branches whose time has come, one branch of each agency that is down (the
    probe), receipt batches not yet recorded; and operators told of an agency down for long."""
    due = delivery.deliveries_due()
    for delivery_id, attempts in due:
        deliver.delay(delivery_id, attempts)
    probes = circuit.probes_due()
    for delivery_id, attempts in probes:
        deliver.delay(delivery_id, attempts, probe=True)
    batches = receipts.batches_due()
    for batch_id in batches:
        record_receipts.delay(batch_id)
    circuit.outages_alert()
    return len(due) + len(probes) + len(batches)


def enqueue(delivery_ids: list[int]) -> None:
    """Registered with declarations.registry: runs after a submission commits."""
    for delivery_id in delivery_ids:
        deliver.delay(delivery_id, 0)
