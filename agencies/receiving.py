"""Receiving agencies' receipts: a batch the gateway let through (its signature checked) is read now
and kept, and its events are recorded after commit by the task `agencies.record_receipts`
(agencies/receipts.py does that work). A batch that cannot be read is quarantined instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from .models import QuarantinedReceipt, ReceiptBatch
from .receipts import ReceiptError, parse_receipts, quarantine
from .tasks import record_receipts


@dataclass
class Outcome:
    batch: ReceiptBatch | None
    quarantined: QuarantinedReceipt | None


@transaction.atomic
def receipts_accept(*, body: bytes, remote_addr: str = "") -> Outcome:
    """Check a batch of receipts and keep it; its events are recorded by receipts_record() after commit
    (a task in production, at once when tasks run in-process). Unreadable batches are quarantined."""
    try:
        parse_receipts(body)
    except (ReceiptError, ValueError) as error:
        return Outcome(None, quarantine(body=body, reason=str(error), remote_addr=remote_addr))
    batch = ReceiptBatch.objects.create(body=body)
    transaction.on_commit(lambda: record_receipts.delay(batch.pk))
    return Outcome(batch, None)
