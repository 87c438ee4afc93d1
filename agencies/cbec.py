"""Cross-border inventories and customs (docs/AGENCY_PROTOCOL.md section 6).

Out: a `cbec` filing (ecommerce/forwarding.py) is one `InventoryBatchMessage` carrying every inventory
it lists (agencies/schemas/cbec_inventory.xsd), delivered like any branch. Back: customs answers each
inventory on its own, in the e-port's statuses, as `InventoryReceipts` (cbec_receipt.xsd) signed with
its key at `/api/v1/agency-gateway/cbec-receipts/`; an answer is taken only from the agency the
inventory's branch went to, for an inventory that branch carried, and recorded at once, set-based."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from lxml import etree

from ecommerce.forwarding import Decision, delivered_inventories, inventories_decided
from ecommerce.models import Inventory

from .xml import receipts_read, schema

NAMESPACE = "urn:singlewindow:cbec-inventory:1"
RECEIPT_NAMESPACE = "urn:singlewindow:cbec-receipt:1"


def build_inventory_batch_message(agency: str, payload: dict[str, Any], *, message_id: str, version: int) -> bytes:
    """The inventories a filing lists, read now (an accepted inventory does not change what customs is
    asked), in the filing's order."""
    ns = f"{{{NAMESPACE}}}"
    root = etree.Element(ns + "InventoryBatchMessage", nsmap={None: NAMESPACE}, MessageId=message_id,
                         PreEntryNo=payload["pre_entry_no"], Version=str(version), Agency=agency)  # fmt: skip
    for inv in Inventory.objects.filter(pk__in=payload["inventories"]).order_by("pk"):
        element = etree.SubElement(root, ns + "Inventory", Guid=inv.guid)
        for name, value in (("InvtNo", inv.invt_no), ("CopNo", inv.cop_no), ("OrderNo", inv.order_no),
                            ("EbpCode", inv.ebp_code), ("EbcCode", inv.ebc_code), ("LogisticsCode", inv.logistics_code),
                            ("LogisticsNo", inv.logistics_no), ("AgentCode", inv.agent_code),
                            ("TradeMode", inv.trade_mode), ("EmsNo", inv.ems_no), ("CustomsCode", inv.customs_code),
                            ("PortCode", inv.port_code), ("Dutiable", inv.dutiable), ("Tax", inv.tax)):  # fmt: skip
            if value != "":
                etree.SubElement(element, ns + name).text = str(value)
        for line in inv.lines:
            item = etree.SubElement(element, ns + "Item", LineNo=str(line["gnum"]))
            for name, key in (("HsCode", "gcode"), ("Name", "gname"), ("Qty", "qty"), ("GoodsTotalVal", "totalPrice"),
                              ("Country", "country")):  # fmt: skip
                etree.SubElement(item, ns + name).text = str(line[key])
    schema("cbec_inventory").assertValid(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


class CbecReceiptError(ValueError):
    pass


@dataclass(frozen=True)
class Answer:
    agency: str
    message_id: str
    guid: str
    status: int
    info: str
    at: datetime


def parse_cbec_receipts(body: bytes) -> list[Answer]:
    root = receipts_read(body, name="cbec_receipt", error=CbecReceiptError)
    answers = []
    for receipt in root:
        text = {etree.QName(child).localname: (child.text or "").strip() for child in receipt}
        at = datetime.fromisoformat(text["IssuedAt"])
        if at.tzinfo is None:
            raise CbecReceiptError("IssuedAt needs a time zone")
        answers.append(Answer(text["Agency"], text["MessageId"], text["Guid"], int(text["Status"]),
                              text.get("Info", ""), at))  # fmt: skip
    return answers


@dataclass
class Taken:
    applied: int = 0
    unknown: int = 0  # answers for an inventory the signer's branch did not carry: ignored


@transaction.atomic
def cbec_receipts_record(*, body: bytes, signer: str) -> Taken:
    """Apply a batch of customs' answers `signer` signed; a batch speaking for another agency is refused
    whole (CbecReceiptError), an answer about an inventory the signer was not sent is ignored."""
    answers = parse_cbec_receipts(body)
    if others := sorted({a.agency for a in answers} - {signer}):
        raise CbecReceiptError(f"signed by {signer} but speaks for {', '.join(others)}")
    carried = delivered_inventories({a.message_id for a in answers}, signer)
    ids = dict(Inventory.objects.filter(guid__in={a.guid for a in answers}).values_list("guid", "pk"))
    taken = Taken()
    decisions = []
    for answer in answers:
        pk = ids.get(answer.guid)
        if pk is None or pk not in carried.get(answer.message_id, ()):
            taken.unknown += 1
            continue
        decisions.append(Decision(pk, answer.status, answer.info))
    if decisions:
        # Released (and returned) when the portal takes customs' answer: the sender's receipt is written now.
        taken.applied = inventories_decided(decisions=decisions)
    return taken
