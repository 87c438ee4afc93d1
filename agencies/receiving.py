"""Receiving agencies' receipts: a batch the gateway let through (its signature checked) is read now
and kept, and its events are recorded after commit by the task `agencies.record_receipts`
(agencies/receipts.py does that work; one queued task records every batch waiting). A batch that cannot be read is quarantined instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from .models import QuarantinedReceipt, ReceiptBatch
from .receipts import ReceiptError, lease_end, parse_receipts, quarantine
from .tasks import record_soon


@dataclass
class Outcome:
    batch: ReceiptBatch | None
    quarantined: QuarantinedReceipt | None


@transaction.atomic
def receipts_accept(*, body: bytes, agency: str, remote_addr: str = "") -> Outcome:
    """Check a batch of receipts `agency` signed and keep it; its events are recorded by receipts_record()
    after commit (a task in production, at once when tasks run in-process). Unreadable batches, and
    batches with a receipt speaking for another agency, are quarantined."""
    try:
        parse_receipts(body, signer=agency)
    except (ReceiptError, ValueError) as error:
        return Outcome(None, quarantine(body=body, reason=str(error), remote_addr=remote_addr, agency=agency))
    batch = ReceiptBatch.objects.create(body=body, agency=agency, lease_until=lease_end())
    # The batch is kept: if the broker is down now, the agency still gets its 202 (it must not send the
    # batch again) and the sweep records the batch later.
    # One recorder serves every batch waiting when it runs: queued unless one is queued already.
    transaction.on_commit(lambda: record_soon(batch.pk), robust=True)
    return Outcome(batch, None)
