"""Receipts from agencies: untrusted XML, verified, parsed safely, turned into events.

Anything that cannot be read is quarantined with its reason and logged as an error (the alert
operators watch); nothing is dropped and nothing else changes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import cache

from lxml import etree

from declarations.choices import EventKind
from declarations.events import AgencyEvent, Recorded, events_record

from .adapters import SCHEMAS, adapter_for
from .models import QuarantinedReceipt

log = logging.getLogger(__name__)
NS = "{urn:singlewindow:receipt:1}"
MAX_BYTES = 5 * 1024 * 1024


class ReceiptError(ValueError):
    pass


def safe_parser() -> etree.XMLParser:
    """No entities, no DTDs, no network, no huge trees: the XML is someone else's."""
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
    )


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
        # The agency names its own element; the firm sees the one-table field it came from.
        data["field"] = adapter.field_for_element.get(agency_field, agency_field)
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


@dataclass
class Outcome:
    recorded: Recorded | None
    quarantined: QuarantinedReceipt | None


def receipts_accept(*, body: bytes, remote_addr: str = "") -> Outcome:
    """Parse and record a batch of receipts, or quarantine the whole body if it cannot be read.
    Receipts for messages the portal never sent are quarantined too."""
    try:
        events = parse_receipts(body)
    except (ReceiptError, ValueError) as error:
        return Outcome(None, quarantine(body=body, reason=str(error), remote_addr=remote_addr))
    recorded = events_record(events=events)
    quarantined = None
    if recorded.unknown_messages:
        quarantined = quarantine(
            body=body,
            reason=f"receipts for unknown messages: {', '.join(sorted(set(recorded.unknown_messages))[:5])}",
            remote_addr=remote_addr,
        )
    return Outcome(recorded, quarantined)


def quarantine(*, body: bytes, reason: str, remote_addr: str) -> QuarantinedReceipt:
    item = QuarantinedReceipt.objects.create(body=body, reason=reason[:500], remote_addr=remote_addr[:64])
    log.error("receipt quarantined (#%s from %s): %s", item.pk, remote_addr or "?", reason)
    return item
