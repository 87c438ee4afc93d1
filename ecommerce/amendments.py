"""Changes and deletions of messages already sent (CEB `appType` 2 change, 3 delete), taken out of the
new-message path of a batch (`receiving.py`) and decided here, one by one (they are rare):

- the message names what it changes by its business key, as the e-port does: an order by platform and
  order number, a payment by platform and order number, a waybill by carrier and waybill number, an
  inventory by platform and order number; only the sender of the earlier message may change or delete it;
- while the inventory of that parcel is still waiting for its documents (not decided), a change replaces
  the earlier message's content and the parcel is matched again; a deletion withdraws it (an inventory
  becomes "withdrawn", an order, payment or waybill is removed and the inventory waits for a new one);
- once the inventory is decided (accepted, inspected, released, returned goods) both are refused with the
  reason: before its release it is cancelled by CEB623, after its release it is returned by CEB625.

Each answer is a receipt for the amending message's own guid (claimed like any other)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Model

from singlewindow.models import Organisation

from . import matching
from .choices import IdentityCheck, InventoryState, MessageType, ReceiptStatus
from .models import Batch, Inventory, Order, Payment, Receipt, Waybill
from .reasons import reason

if TYPE_CHECKING:
    from .receiving import Incoming

CHANGE, DELETE = "2", "3"
AMENDABLE = (MessageType.ORDER, MessageType.PAYMENT, MessageType.WAYBILL, MessageType.INVENTORY)
DECIDED = [InventoryState.ACCEPTED, InventoryState.INSPECTION, InventoryState.RELEASED, InventoryState.GOODS_RETURNED]


def amendments_split(items: list[Incoming]) -> tuple[list[Incoming], list[Incoming]]:
    """(new messages and refused ones, changes and deletions still open) in the batch's order."""
    amending = [i for i in items if i.refusal is None and i.kind in AMENDABLE and i.head.get("appType") != "1"]
    taken = {id(i) for i in amending}
    return [i for i in items if id(i) not in taken], amending


def _d(value: str | None) -> Decimal:
    return Decimal(value or "0")


def _order_values(h: dict[str, str], lines: list[dict[str, str]]) -> dict[str, Any]:
    return {"ebp_name": h["ebpName"], "ebc_code": h["ebcCode"], "ebc_name": h["ebcName"],
            "goods_value": _d(h["goodsValue"]), "freight": _d(h["freight"]), "discount": _d(h["discount"]),
            "tax_total": _d(h["taxTotal"]), "actural_paid": _d(h["acturalPaid"]), "buyer_reg_no": h["buyerRegNo"],
            "buyer_name": h["buyerName"], "buyer_id_number": h["buyerIdNumber"].upper(),
            "buyer_telephone": h["buyerTelephone"], "pay_code": h.get("payCode", ""),
            "pay_transaction_id": h.get("payTransactionId", ""), "consignee": h["consignee"],
            "consignee_telephone": h["consigneeTelephone"], "consignee_address": h["consigneeAddress"],
            "lines": lines}  # fmt: skip


def _payment_values(h: dict[str, str], lines: list[dict[str, str]]) -> dict[str, Any]:
    return {"pay_code": h["payCode"], "pay_transaction_id": h["payTransactionId"],
            "payer_id_number": h["payerIdNumber"].upper(), "payer_name": h["payerName"],
            "amount_paid": _d(h["amountPaid"]), "identity_check": h.get("identityCheck", IdentityCheck.NONE)}  # fmt: skip


def _waybill_values(h: dict[str, str], lines: list[dict[str, str]]) -> dict[str, Any]:
    return {"logistics_name": h["logisticsName"], "bill_no": h.get("billNo", ""), "freight": _d(h["freight"]),
            "weight": _d(h["weight"]), "consignee": h["consignee"], "consignee_telephone": h["consigneeTelephone"],
            "consignee_address": h["consigneeAddress"]}  # fmt: skip


def _inventory_values(h: dict[str, str], lines: list[dict[str, str]]) -> dict[str, Any]:
    return {"cop_no": h["copNo"], "trade_mode": h["tradeMode"], "ebp_name": h["ebpName"], "ebc_code": h["ebcCode"],
            "ebc_name": h["ebcName"], "logistics_code": h["logisticsCode"], "logistics_no": h["logisticsNo"],
            "assure_code": h["assureCode"], "ems_no": h.get("emsNo", ""), "customs_code": h["customsCode"],
            "port_code": h["portCode"], "buyer_id_number": h["buyerIdNumber"].upper(), "buyer_name": h["buyerName"],
            "freight": _d(h["freight"]), "insured_fee": _d(h["insuredFee"]), "gross_weight": _d(h["grossWeight"]),
            "net_weight": _d(h["netWeight"]), "lines": lines,
            "dutiable": sum((_d(line["totalPrice"]) for line in lines), _d(h["freight"]) + _d(h["insuredFee"]))}  # fmt: skip


def _claim(items: Sequence[Incoming], sender: Organisation, batch: Batch, now: datetime) -> None:
    """The amending messages' own guids, claimed like new messages' (a second use is a duplicate)."""
    if not items:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO ecommerce_message (guid, sender_id, kind, batch_id, received_at) VALUES "  # noqa: S608
            f"{','.join(['(%s, %s, %s, %s, %s)'] * len(items))} ON CONFLICT (guid) DO NOTHING RETURNING guid",
            [v for i in items for v in (i.guid, sender.pk, i.kind, batch.pk, now)],
        )
        claimed = {row[0] for row in cursor.fetchall()}
    for item in items:
        if item.guid not in claimed:
            item.refusal = ("duplicate_guid", {})
        claimed.discard(item.guid)  # the same guid twice in the batch: the second is a duplicate


def _target(item: Incoming, sender: Organisation) -> tuple[Model | None, Inventory | None]:
    """The earlier message the item amends (the sender's own) and the parcel's live inventory, locked."""
    h = item.head
    live = Inventory.objects.select_for_update().exclude(
        state__in=[InventoryState.RETURNED, InventoryState.CANCELLED, InventoryState.WITHDRAWN]
    )
    if item.kind == MessageType.WAYBILL:
        earlier: Model | None = (
            Waybill.objects.select_for_update()
            .filter(sender=sender, logistics_code=h["logisticsCode"], logistics_no=h["logisticsNo"], current=True)
            .first()
        )
        return earlier, live.filter(logistics_code=h["logisticsCode"], logistics_no=h["logisticsNo"]).first()
    inventory = live.filter(ebp_code=h["ebpCode"], order_no=h["orderNo"]).first()
    if item.kind == MessageType.INVENTORY:
        return (inventory if inventory is not None and inventory.sender_id == sender.pk else None), inventory
    model = Order if item.kind == MessageType.ORDER else Payment
    earlier = model.objects.select_for_update().filter(sender=sender, ebp_code=h["ebpCode"],
                                                       order_no=h["orderNo"]).first()  # fmt: skip
    return earlier, inventory


VALUES: dict[str, Any] = {MessageType.ORDER: _order_values, MessageType.PAYMENT: _payment_values,
          MessageType.WAYBILL: _waybill_values, MessageType.INVENTORY: _inventory_values}  # fmt: skip
KEY: dict[str, str] = {MessageType.ORDER: "orderNo", MessageType.PAYMENT: "orderNo", MessageType.WAYBILL: "logisticsNo",
       MessageType.INVENTORY: "orderNo"}  # fmt: skip


def _amend(item: Incoming, sender: Organisation, now: datetime, rematch: list[Inventory]) -> Receipt | None:
    """Apply one change or deletion, or set its refusal. A receipt only for what is answered here (an
    inventory changed is answered by matching it again)."""
    earlier, inventory = _target(item, sender)
    if earlier is None:
        item.refusal = ("amend_unknown", {"kind": MessageType(item.kind).label, "no": item.head[KEY[item.kind]]})
        return None
    if inventory is not None and inventory.state in DECIDED:
        item.refusal = ("amend_decided", {"no": inventory.invt_no or inventory.order_no})
        return None
    deleting = item.head["appType"] == DELETE
    if isinstance(earlier, Inventory):
        if deleting:
            earlier.state, earlier.reason_code, earlier.reason = (
                InventoryState.WITHDRAWN,
                "withdrawn",
                reason("withdrawn"),
            )
            earlier.save(update_fields=["state", "reason_code", "reason"])
        else:
            for name, value in _inventory_values(item.head, item.lines).items():
                setattr(earlier, name, value)
            earlier.guid, earlier.deadline = item.guid, now + matching.window()
            earlier.save()
            rematch.append(earlier)
            return None
    else:
        try:
            with transaction.atomic():
                if deleting:
                    earlier.delete()
                else:
                    values = VALUES[item.kind](item.head, item.lines)
                    type(earlier)._default_manager.filter(pk=earlier.pk).update(guid=item.guid, **values)
        except IntegrityError:
            item.refusal = ("payment_exists", {})
            return None
        if inventory is not None and not deleting:
            rematch.append(inventory)
    code = "withdrawn" if deleting else "amended"
    return Receipt(sender=sender, guid=item.guid, kind=item.kind, status=ReceiptStatus.ACCEPTED, code=code,
                   info=reason(code), invt_no=getattr(earlier, "invt_no", ""), at=now)  # fmt: skip


def amendments_apply(items: Sequence[Incoming], *, sender: Organisation, batch: Batch, now: datetime) -> list[Receipt]:
    """Decide the batch's changes and deletions, after its new messages are stored (so a batch may bring
    an order and its change). Receipts are returned unsaved, as the other steps' are."""
    if not items:
        return []
    _claim(items, sender, batch, now)
    receipts: list[Receipt] = []
    rematch: list[Inventory] = []
    for item in items:
        if item.refusal is None:
            answered = _amend(item, sender, now, rematch)
            if answered is not None:
                receipts.append(answered)
        if item.refusal is not None:
            code, params = item.refusal
            receipts.append(Receipt(sender=sender, guid=item.guid, kind=item.kind, status=ReceiptStatus.RETURNED,
                                    code=code, info=reason(code, **params), at=now))  # fmt: skip
    if rematch:
        changed = {i.guid for i in items}
        receipts += matching.inventories_match(
            new=[i.pk for i in rematch if i.guid in changed],  # a changed inventory is answered as a new one
            orders=[(i.ebp_code, i.order_no) for i in rematch],
            waybills=[(i.logistics_code, i.logistics_no) for i in rematch],
            now=now,
        )
    return receipts
