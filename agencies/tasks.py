"""Celery tasks: thin, idempotent, enqueued on commit. They only call the work in agencies/delivery.py and
agencies/receipts.py; what enqueues them (agencies/receiving.py, the dispatcher below) imports this module."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from . import delivery, receipts


@shared_task(name="agencies.deliver", acks_late=True, ignore_result=True)
def deliver(delivery_id: int, attempts: int = 0) -> str:
    outcome, delay = delivery.delivery_attempt(delivery_id=delivery_id, attempts=attempts)
    if outcome is delivery.Attempt.RETRY and not deliver.app.conf.task_always_eager:
        # In-process (eager) mode has no timer: the sweep picks the branch up again.
        deliver.apply_async((delivery_id, attempts + 1), countdown=delay)
    return outcome.value


@shared_task(name="agencies.record_receipts", acks_late=True, ignore_result=True)
def record_receipts(batch_id: int) -> None:
    receipts.receipts_record(batch_id=batch_id)


@shared_task(name="agencies.sweep", ignore_result=True)
def sweep() -> int:
    """Anything left behind: branches whose time has come, receipt batches not yet recorded."""
    due = delivery.deliveries_due()
    for delivery_id, attempts in due:
        deliver.delay(delivery_id, attempts)
    batches = receipts.batches_due(older_than_seconds=settings.DELIVERY_LEASE_SECONDS)
    for batch_id in batches:
        record_receipts.delay(batch_id)
    return len(due) + len(batches)


def enqueue(delivery_ids: list[int]) -> None:
    """Registered with declarations.registry: runs after a submission commits."""
    for delivery_id in delivery_ids:
        deliver.delay(delivery_id, 0)
