"""Receipts from agencies: untrusted XML, parsed safely, turned into events.

This is the work behind the task `agencies.record_receipts` (agencies/tasks.py); receiving a batch and
queueing that task is agencies/receiving.py. Anything that cannot be read is quarantined with its reason
and logged as an error (the alert operators watch); nothing is dropped and nothing else changes.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Case, QuerySet, Value, When
from django.utils import timezone
from lxml import etree

from declarations.choices import EventKind
from declarations.events import AgencyEvent, Recorded, events_record
from singlewindow.prepared import prepared, prepared_update

from . import marks
from .adapters import adapter_for
from .models import QuarantinedReceipt, ReceiptBatch
from .xml import receipts_read

log = logging.getLogger(__name__)
NS = "{urn:singlewindow:receipt:1}"


class ReceiptError(ValueError):
    pass


def parse_receipts(body: bytes, *, signer: str) -> list[AgencyEvent]:
    """The events in a batch `signer` signed; a receipt naming another agency refuses the whole batch
    (only the key decides whom a receipt speaks for)."""
    root = receipts_read(body, name="receipt", error=ReceiptError)
    receipts = [root] if root.tag == NS + "Receipt" else list(root)
    events = [_event(receipt) for receipt in receipts]
    # A batch kept before agencies had keys (signer "") was checked under the shared secret then.
    if signer and (others := sorted({event.agency for event in events} - {signer})):
        raise ReceiptError(f"signed by {signer} but speaks for {', '.join(others)}")
    return events


def _children(element: etree._Element) -> dict[str, etree._Element]:
    """An element's children by tag, the first of each as find() answers: one walk, not a find() (and its
    path parsed) for each name asked."""
    found: dict[str, etree._Element] = {}
    for child in element:
        found.setdefault(child.tag, child)  # a comment's tag is a function: never asked for
    return found


def _text(children: dict[str, etree._Element], name: str) -> str:
    found = children.get(NS + name)
    return (found.text or "").strip() if found is not None else ""


def _event(element: etree._Element) -> AgencyEvent:
    receipt = _children(element)
    agency = _text(receipt, "Agency")
    try:
        adapter = adapter_for(agency)
    except KeyError:
        raise ReceiptError(f"unknown agency {agency!r}") from None
    data: dict[str, str] = {}
    if reason := _text(receipt, "Reason"):
        data["reason"] = reason
    if agency_field := _text(receipt, "Field"):
        # The agency names its own element
        # ("DecHead/GrossWet" or "DecHead.GrossWet"); the firm sees the one-table field it came from.
        path = agency_field.replace(".", "/")
        data["field"] = adapter.field_for_element.get(path, agency_field)
    if (inspection_element := receipt.get(NS + "Inspection")) is not None:
        inspection = _children(inspection_element)
        data["goods"] = _text(inspection, "Goods")
        if result := _text(inspection, "Result"):
            data["result"] = result
    if (duties := receipt.get(NS + "Duties")) is not None:
        try:  # receipt.xsd bounds it (18 digits, 2 decimals, not negative); stored as text, never a float
            amount = Decimal((duties.text or "").strip())
        except InvalidOperation:
            raise ReceiptError("duties amount is not a number") from None
        if not (amount.is_finite() and 0 <= amount < Decimal(10) ** 16):
            raise ReceiptError("duties amount out of bounds")
        data["amount"] = str(amount.quantize(Decimal("0.01")))
        data["currency"] = duties.get("currency", "CNY")
    if payment := _text(receipt, "Payment"):
        data["payment"] = payment
    issued = datetime.fromisoformat(_text(receipt, "IssuedAt"))
    if issued.tzinfo is None:
        raise ReceiptError("IssuedAt needs a time zone")
    return AgencyEvent(
        receipt_id=_text(receipt, "ReceiptId"),
        message_id=_text(receipt, "MessageId"),
        agency=agency,
        sequence=int(_text(receipt, "Sequence")),
        at=issued,
        kind=EventKind(_text(receipt, "Status")),
        data=data,
    )


COALESCE = 50
RECORDER_ROUNDS = 20  # a recorder takes at most this many groups of COALESCE batches, then leaves the rest
RECORDER_MARK = "agencies:receipt-recorder"  # cache key: the batch that owns the queued recorder
RECORDER_MARK_SECONDS = 5  # a recorder lost with a killed worker holds the mark no longer than this


def receipts_record(*, batch_id: int | None) -> Recorded | None:
    """Record a kept batch's events, together with any other batches waiting (under load, one
    transaction then serves many small batches). Safe to repeat: receipt ids are stored once, and a
    batch another task has taken is skipped. Receipts for messages never sent are quarantined. None
    when nothing was waiting (or all of it is being recorded by another task)."""
    return _record_round(batch_id)[0]


@prepared_update
def _processed(*, pks: list[int], now: datetime) -> tuple[QuerySet[ReceiptBatch], dict[str, Any]]:
    return ReceiptBatch.objects.filter(pk__in=pks), {"processed_at": now}


def _record_round(batch_id: int | None) -> tuple[Recorded | None, int]:
    """receipts_record's work, and how many batches it took."""
    with transaction.atomic():
        batches = _waiting.all() if batch_id is None else _waiting_first.all(batch_id=batch_id)
        if not batches:
            return None, 0
        signed = [(bytes(batch.body), batch.agency) for batch in batches]
        try:
            with transaction.atomic():
                recorded = events_record(
                    events=[event for body, agency in signed for event in parse_receipts(body, signer=agency)]
                )
        except (DatabaseError, ReceiptError, ValueError):
            # One batch must not hold up the others: record them one by one, quarantining what fails.
            recorded = _record_one_by_one(signed)
        if recorded.unknown_messages:
            unknown = ", ".join(sorted(set(recorded.unknown_messages))[:5])
            for body, agency in signed:
                if any(message_id in body.decode("utf-8", "replace") for message_id in recorded.unknown_messages):
                    quarantine(
                        body=body, reason=f"receipts for unknown messages: {unknown}", remote_addr="", agency=agency
                    )
        _processed.run(pks=[batch.pk for batch in batches], now=timezone.now())
        return recorded, len(batches)


# Whoever locks a batch records it: our own first (unless another task holds it or it is recorded already),
# then whatever else is waiting and not held by another task, oldest first (singlewindow/prepared.py).
@prepared
def _waiting() -> QuerySet[ReceiptBatch]:
    return ReceiptBatch.objects.select_for_update(skip_locked=True).filter(processed_at=None).order_by("pk")[:COALESCE]


@prepared
def _waiting_first(*, batch_id: int) -> QuerySet[ReceiptBatch]:
    waiting = ReceiptBatch.objects.select_for_update(skip_locked=True).filter(processed_at=None)
    return waiting.order_by(Case(When(pk=batch_id, then=Value(0)), default=Value(1)), "pk")[:COALESCE]


def receipts_record_all(*, batch_id: int | None) -> tuple[int, int]:
    """The recorder's work: record every batch waiting (`batch_id`'s first), COALESCE at a time. Returns how
    many groups (transactions) and how many batches were recorded."""
    rounds = batches = 0
    while rounds < RECORDER_ROUNDS:
        recorded, taken = _record_round(batch_id if rounds == 0 else None)
        if recorded is None:
            break
        rounds += 1
        batches += taken
        if taken < COALESCE:
            break  # all there was: what is kept from now on is the next recorder's
    return rounds, batches


def recorder_missing() -> int | None:
    """A batch waiting while no recorder is marked as queued (it was lost with the broker, or could not
    be queued): the oldest such batch, for the sweep to queue a recorder now rather than at its lease's
    end; None otherwise."""
    if marks.marked(RECORDER_MARK) is not False:  # one is queued, or no cache and no broker: none can be
        return None
    with transaction.atomic():
        return (
            ReceiptBatch.objects.select_for_update(skip_locked=True)
            .filter(processed_at=None)
            .order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )


def _record_one_by_one(signed: list[tuple[bytes, str]]) -> Recorded:
    total = Recorded()
    for body, agency in signed:
        try:
            with transaction.atomic():
                recorded = events_record(events=parse_receipts(body, signer=agency))
        except (DatabaseError, ReceiptError, ValueError) as error:
            quarantine(body=body, reason=f"could not be recorded: {error}"[:500], remote_addr="", agency=agency)
            continue
        total.stored += recorded.stored
        total.duplicates += recorded.duplicates
        total.unknown_messages += recorded.unknown_messages
    return total


def batches_due(*, limit: int = 500) -> list[int]:
    """Batches not recorded whose lease is over (their task lost with a broker or a worker), oldest first;
    leased again, so a batch whose task is still queued is not queued twice."""
    now = timezone.now()
    with transaction.atomic():
        due = list(
            ReceiptBatch.objects.select_for_update(skip_locked=True)
            .filter(processed_at=None, lease_until__lte=now)
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        ReceiptBatch.objects.filter(pk__in=due).update(lease_until=lease_end())
    return due


def recorders_due() -> list[int]:
    """Batches whose lease is over (batches_due), one per group of COALESCE: the batch each recorder the
    sweep queues starts from (it records the rest of its group with it)."""
    return batches_due()[::COALESCE]


def lease_end() -> datetime:
    """Until when queued work is left to its task before the sweep queues it again."""
    return timezone.now() + timedelta(seconds=settings.DELIVERY_LEASE_SECONDS)


def quarantine(*, body: bytes, reason: str, remote_addr: str, agency: str) -> QuarantinedReceipt:
    """Keep a batch that cannot be recorded, with its reason and the agency whose key signed it."""
    item = QuarantinedReceipt.objects.create(
        body=body, reason=reason[:500], remote_addr=remote_addr[:64], agency=agency
    )
    log.error("receipt quarantined (#%s signed by %s from %s): %s", item.pk, agency or "?", remote_addr or "?", reason)
    return item
