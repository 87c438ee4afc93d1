"""Receipts from agencies: untrusted XML, parsed safely, turned into events.

This is the work behind the task `agencies.record_receipts` (agencies/tasks.py); receiving a batch and
queueing that task is agencies/receiving.py. Anything that cannot be read is quarantined with its reason
and logged as an error (the alert operators watch); nothing is dropped and nothing else changes.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import cache

from django.db import DatabaseError, transaction
from django.utils import timezone
from lxml import etree

from declarations.choices import EventKind
from declarations.events import AgencyEvent, Recorded, events_record
from singlewindow.untrusted import safe_xml_parser as safe_parser

from .adapters import adapter_for
from .models import QuarantinedReceipt, ReceiptBatch
from .xml import SCHEMAS

log = logging.getLogger(__name__)
NS = "{urn:singlewindow:receipt:1}"
MAX_BYTES = 5 * 1024 * 1024


class ReceiptError(ValueError):
    pass


@cache
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "receipt.xsd")))


def parse_receipts(body: bytes) -> list[AgencyEvent]:
    if len(body) > MAX_BYTES:
        raise ReceiptError("body larger than 5 MiB")
    try:
        root = etree.fromstring(body, safe_parser())
    except etree.XMLSyntaxError as error:
        raise ReceiptError(f"not well-formed XML: {error}") from None
    if root.getroottree().docinfo.doctype:
        raise ReceiptError("a DOCTYPE is not allowed")
    if not _schema().validate(root):
        raise ReceiptError(f"not valid against receipt.xsd: {_schema().error_log.last_error}")
    receipts = [root] if root.tag == NS + "Receipt" else list(root)
    return [_event(receipt) for receipt in receipts]


def _text(element: etree._Element, name: str) -> str:
    found = element.find(NS + name)
    return (found.text or "").strip() if found is not None else ""


def _event(receipt: etree._Element) -> AgencyEvent:
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
    inspection = receipt.find(NS + "Inspection")
    if inspection is not None:
        data["goods"] = _text(inspection, "Goods")
        if result := _text(inspection, "Result"):
            data["result"] = result
    duties = receipt.find(NS + "Duties")
    if duties is not None:
        try:
            data["amount"] = str(Decimal((duties.text or "").strip()))
        except InvalidOperation:
            raise ReceiptError("duties amount is not a number") from None
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


def receipts_record(*, batch_id: int) -> Recorded | None:
    """Record a kept batch's events, together with any other batches waiting (under load, one
    transaction then serves many small batches). Safe to repeat: receipt ids are stored once, and a
    batch another task has taken is skipped. Receipts for messages never sent are quarantined."""
    waiting = ReceiptBatch.objects.select_for_update(skip_locked=True).filter(processed_at=None)
    with transaction.atomic():
        # Whoever locks a batch records it: take our own first (or leave it to the task holding it),
        # then whatever else is waiting and not held by another task.
        own = waiting.filter(pk=batch_id).first()
        if own is None:
            return None  # recorded already, or another task is recording it now
        batches = [own, *waiting.exclude(pk=batch_id).order_by("pk")[: COALESCE - 1]]
        bodies = [bytes(batch.body) for batch in batches]
        try:
            with transaction.atomic():
                recorded = events_record(events=[event for body in bodies for event in parse_receipts(body)])
        except (DatabaseError, ReceiptError, ValueError):
            # One batch must not hold up the others: record them one by one, quarantining what fails.
            recorded = _record_one_by_one(bodies)
        if recorded.unknown_messages:
            unknown = ", ".join(sorted(set(recorded.unknown_messages))[:5])
            for body in bodies:
                if any(message_id in body.decode("utf-8", "replace") for message_id in recorded.unknown_messages):
                    quarantine(body=body, reason=f"receipts for unknown messages: {unknown}", remote_addr="")
        ReceiptBatch.objects.filter(pk__in=[batch.pk for batch in batches]).update(processed_at=timezone.now())
        return recorded


def _record_one_by_one(bodies: list[bytes]) -> Recorded:
    total = Recorded()
    for body in bodies:
        try:
            with transaction.atomic():
                recorded = events_record(events=parse_receipts(body))
        except (DatabaseError, ReceiptError, ValueError) as error:
            quarantine(body=body, reason=f"could not be recorded: {error}"[:500], remote_addr="")
            continue
        total.stored += recorded.stored
        total.duplicates += recorded.duplicates
        total.unknown_messages += recorded.unknown_messages
    return total


def batches_due(*, older_than_seconds: int) -> list[int]:
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return list(
        ReceiptBatch.objects.filter(processed_at=None, received_at__lte=cutoff).values_list("pk", flat=True)[:500]
    )


def quarantine(*, body: bytes, reason: str, remote_addr: str) -> QuarantinedReceipt:
    item = QuarantinedReceipt.objects.create(body=body, reason=reason[:500], remote_addr=remote_addr[:64])
    log.error("receipt quarantined (#%s from %s): %s", item.pk, remote_addr or "?", reason)
    return item
