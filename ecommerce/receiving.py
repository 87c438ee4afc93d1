"""A sender's signed batch of CEB messages, from bytes to receipts, set-based (a batch of 1,000 costs a
handful of queries, not thousands):

1. verify the batch's signature with a key the sending organisation registered (per batch, as the
   e-port's transport signs; docs/ECOMMERCE.md);
2. parse it with the hardened parser (no DTD, no entities, no network) and check each message against
   ecommerce/schemas/ceb.xsd, then its own sums (`checks.py`);
3. refuse a message naming as its sender a code that is not one of the sender's filings, a guid already
   seen (each guid is claimed with ON CONFLICT, so two racing batches cannot both take it; a message
   refused for what follows gives its guid back), an order or payment already sent, a waybill number
   the carrier used in the last six months, a second live inventory for an order;
4. store the rest, answer orders, payments and waybills with 120, and match every inventory the batch
   adds or completes (`matching.py`), cancellations and returns (`lifecycle.py`).

Every message gets exactly one receipt from this batch; a refused one changes nothing else."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.db import connection, transaction
from django.db.models import Model, Q
from django.utils import timezone
from lxml import etree

from singlewindow.models import Organisation
from singlewindow.signatures import public_key, verify
from singlewindow.untrusted import UntrustedFile, refuse_big_or_dtd, safe_xml_parser

from . import amendments, bulk, credit_records, lifecycle, matching
from .checks import message_refusal
from .choices import IdentityCheck, InventoryState, MessageType, ReceiptStatus, Role
from .messages import BATCH_ROOT, BY_ROOT, NS, batch_valid, message_values, schema
from .models import Batch, EnterpriseFiling, Inventory, Message, Order, Payment, Receipt, SenderKey, Waybill
from .reasons import reason

MAX_BATCH_BYTES = 32 * 2**20
WAYBILL_MONTHS = timedelta(days=183)  # a carrier's waybill number is its own for six months
LIVE = [InventoryState.WAITING, InventoryState.ACCEPTED, InventoryState.INSPECTION, InventoryState.RELEASED]

# Which of the sender's filings may send each message, and the element that names it.
SENDERS: dict[str, tuple[set[str], str]] = {
    MessageType.ORDER: ({Role.PLATFORM}, "ebpCode"),
    MessageType.PAYMENT: ({Role.PAYMENT}, "payCode"),
    MessageType.WAYBILL: ({Role.LOGISTICS}, "logisticsCode"),
    MessageType.INVENTORY: ({Role.DECLARANT, Role.PLATFORM, Role.LOGISTICS}, "agentCode"),
    MessageType.CANCEL: ({Role.DECLARANT, Role.PLATFORM, Role.LOGISTICS}, "agentCode"),
    MessageType.RETURN: ({Role.DECLARANT, Role.PLATFORM, Role.LOGISTICS}, "agentCode"),
}


@dataclass
class Incoming:
    kind: str
    guid: str
    head: dict[str, str] = field(default_factory=dict)
    lines: list[dict[str, str]] = field(default_factory=list)
    refusal: tuple[str, dict[str, Any]] | None = None


@dataclass
class Outcome:
    receipts: list[Receipt]
    signed: bool = True
    batch: Batch | None = None


_public = lru_cache(maxsize=1024)(public_key)


def batch_signed(*, sender: Organisation, body: bytes, key_id: str | None, signature: str | None) -> bool:
    """Whether one of the sender organisation's active keys signed these exact bytes."""
    key = SenderKey.objects.filter(organisation=sender, key_id=key_id or "", active=True).only("public_key").first()
    return key is not None and verify(body, signature, _public(key.public_key))


def _batch_refused(sender: Organisation, code: str, now: datetime, **params: Any) -> Outcome:
    receipt = Receipt.objects.create(sender=sender, kind=MessageType.BATCH, status=ReceiptStatus.RETURNED,
                                     code=code, info=reason(code, **params), at=now)  # fmt: skip
    return Outcome([receipt], signed=code != "signature")


def _parse(body: bytes) -> etree._Element:
    refuse_big_or_dtd(body, max_bytes=MAX_BATCH_BYTES)
    try:
        root = etree.fromstring(body, safe_xml_parser())
    except etree.XMLSyntaxError as error:
        raise UntrustedFile(str(error), "malformed") from None
    if root.tag != NS + BATCH_ROOT or root.getroottree().docinfo.doctype:
        raise UntrustedFile("", "wrong_root")
    return root


def _read(root: etree._Element) -> list[Incoming]:
    """Each message of the batch, with its refusal if its schema or its own sums fail."""
    whole_valid = batch_valid(root)
    found: list[Incoming] = []
    for element in root:
        if not isinstance(element.tag, str):
            continue
        spec = BY_ROOT.get(element.tag)
        guid = str(element.get("guid") or "")[:36]
        if spec is None or (not whole_valid and not schema().validate(element)):
            detail = str(schema().error_log.last_error) if not whole_valid else element.tag
            found.append(
                Incoming(spec.kind if spec else MessageType.BATCH, guid, refusal=("schema", {"detail": detail[:300]}))
            )
            continue
        head, lines = message_values(element, spec)
        item = Incoming(spec.kind, guid, head, lines)
        if head.get("guid") != guid:
            item.refusal = ("guid_mismatch", {})
        else:
            item.refusal = message_refusal(spec.kind, head, lines)
        found.append(item)
    return found


def _sender_codes(sender: Organisation) -> dict[str, str]:
    return dict(EnterpriseFiling.objects.filter(organisation=sender).values_list("code", "role"))


def _refuse_not_yours(items: list[Incoming], codes: dict[str, str]) -> None:
    for item in _open(items):
        roles, element = SENDERS[item.kind]
        if codes.get(item.head[element]) not in roles:
            role = ", ".join(str(Role(r).label) for r in sorted(roles))
            item.refusal = ("not_yours", {"code": item.head[element], "role": role})


def _open(items: Iterable[Incoming], kind: str | None = None) -> list[Incoming]:
    return [i for i in items if i.refusal is None and (kind is None or i.kind == kind)]


def _refuse_duplicates(items: list[Incoming], sender: Organisation, batch: Batch, now: datetime) -> list[Incoming]:
    """Guids twice in the batch or seen before (each new one claimed here: `_claim`), orders and payments
    already sent, waybill numbers in use, a second live inventory for an order: one query per kind.
    Returns the messages whose guid was claimed (one refused afterwards gives it back: `_unclaim`)."""
    seen: set[str] = set()
    for item in _open(items):
        if item.guid in seen:
            item.refusal = ("duplicate_guid", {})
        seen.add(item.guid)
    claimed = _claim(items, sender, batch, now)
    _refuse_taken(_open(items, MessageType.ORDER), ("ebpCode", "orderNo"), "order_exists",
                  set(_keys(Order, ("ebp_code", "order_no"), _open(items, MessageType.ORDER), ("ebpCode", "orderNo"))))  # fmt: skip
    payments = _open(items, MessageType.PAYMENT)
    paid = set(_keys(Payment, ("ebp_code", "order_no"), payments, ("ebpCode", "orderNo")))
    transactions = set(_keys(Payment, ("pay_code", "pay_transaction_id"), payments, ("payCode", "payTransactionId")))
    _refuse_taken(payments, ("ebpCode", "orderNo"), "payment_exists", paid)
    _refuse_taken(_open(items, MessageType.PAYMENT), ("payCode", "payTransactionId"), "payment_exists", transactions)
    waybills = _open(items, MessageType.WAYBILL)
    since = now - WAYBILL_MONTHS
    used = set(_keys(Waybill, ("logistics_code", "logistics_no"), waybills, ("logisticsCode", "logisticsNo"),
                     ("current AND received_at > %s", [since]), current=True, received_at__gt=since))  # fmt: skip
    _refuse_taken(waybills, ("logisticsCode", "logisticsNo"), "waybill_reused", used)
    inventories = _open(items, MessageType.INVENTORY)
    _refuse_taken(inventories, ("ebpCode", "orderNo"), "inventory_exists",
                  set(_keys(Inventory, ("ebp_code", "order_no"), inventories, ("ebpCode", "orderNo"),
                            ("state = ANY(%s::varchar[])", [LIVE]), state__in=LIVE)))  # fmt: skip
    return claimed


def _keys(model: type[Model], columns: tuple[str, str], items: list[Incoming], elements: tuple[str, str],
          condition: tuple[str, list[Any]] = ("TRUE", []), **filters: Any) -> list[tuple[str, str]]:  # fmt: skip
    """The (first, second) pairs the items name that the model's rows (those of the condition, in SQL and
    as ORM filters) already hold: on PostgreSQL an index probe per pair (bulk.pairs_lookup: a semi-join
    with the unnested pairs was planned as a scan of the whole table once it held a few runs' rows),
    elsewhere an OR of the pairs."""
    if not items:
        return []
    wanted = sorted({(i.head[elements[0]], i.head[elements[1]]) for i in items})
    if connection.vendor == "postgresql":
        sql, params = condition
        with bulk.pg_cursor() as cursor:
            cursor.execute(bulk.pairs_lookup(model._meta.db_table, *columns, ", ".join(columns), sql),
                           [*bulk.pairs_arrays(wanted), *params])  # fmt: skip
            return [(a, b) for a, b in cursor.fetchall()]
    query = Q()
    for first in {a for a, _b in wanted}:
        query |= Q(**{columns[0]: first, f"{columns[1]}__in": [b for a, b in wanted if a == first]})
    return list(model._default_manager.filter(query, **filters).values_list(*columns))


def _refuse_taken(items: list[Incoming], elements: tuple[str, str], code: str, taken: set[tuple[str, str]]) -> None:
    for item in items:
        key = (item.head[elements[0]], item.head[elements[1]])
        if key in taken:
            item.refusal = (code, {"no": key[1]})
        taken.add(key)  # the second in the same batch is refused too


def _claim(items: list[Incoming], sender: Organisation, batch: Batch, now: datetime) -> list[Incoming]:
    """Claim each open message's guid (one statement: the claim is the lookup); one already taken, by an
    earlier message or a racing batch, is a duplicate. Returns the messages that claimed theirs. In guid
    order: two batches carrying the same guids claim them in the same order, so neither waits on the other
    in a cycle (a deadlock)."""
    todo = sorted(_open(items), key=lambda item: item.guid)
    if not todo:
        return []
    if connection.vendor == "postgresql":  # two arrays, bound on the server, not five placeholders a message
        with bulk.pg_cursor() as cursor:
            cursor.execute(
                "INSERT INTO ecommerce_message (guid, sender_id, kind, batch_id, received_at) "
                "SELECT g, %s, k, %s, %s FROM unnest(%s::varchar[], %s::varchar[]) AS u(g, k) "
                "ON CONFLICT (guid) DO NOTHING RETURNING guid",
                [sender.pk, batch.pk, now, [i.guid for i in todo], [i.kind for i in todo]],
            )
            claimed = {row[0] for row in cursor.fetchall()}
    else:
        with connection.cursor() as cursor:
            values = ",".join(["(%s, %s, %s, %s, %s)"] * len(todo))
            cursor.execute(
                f"INSERT INTO ecommerce_message (guid, sender_id, kind, batch_id, received_at) VALUES {values} "  # noqa: S608
                "ON CONFLICT (guid) DO NOTHING RETURNING guid",
                [v for i in todo for v in (i.guid, sender.pk, i.kind, batch.pk, now)],
            )
            claimed = {row[0] for row in cursor.fetchall()}
    for item in todo:
        if item.guid not in claimed:
            item.refusal = ("duplicate_guid", {})
    return [item for item in _open(items) if item.refusal is None]


def _unclaim(claimed: list[Incoming]) -> None:
    """Give back the guids of claimed messages refused since: a refused message changes nothing."""
    refused = [item.guid for item in claimed if item.refusal is not None]
    if refused:
        Message.objects.filter(guid__in=refused).delete()


def _d(value: str | None) -> Decimal:
    return Decimal(value or "0")


def _store(items: list[Incoming], sender: Organisation, now: datetime) -> list[int]:
    """The open messages' rows, one statement per table (ecommerce/bulk.py); returns the new inventories'
    ids (what matching needs)."""
    s, deadline = sender.pk, now + matching.window()
    orders = [
        dict(guid=i.guid, sender_id=s, ebp_code=h["ebpCode"], ebp_name=h["ebpName"], ebc_code=h["ebcCode"],
             ebc_name=h["ebcName"], order_no=h["orderNo"], goods_value=_d(h["goodsValue"]), freight=_d(h["freight"]),
             discount=_d(h["discount"]), tax_total=_d(h["taxTotal"]), actural_paid=_d(h["acturalPaid"]),
             buyer_reg_no=h["buyerRegNo"], buyer_name=h["buyerName"], buyer_id_number=h["buyerIdNumber"].upper(),
             buyer_telephone=h["buyerTelephone"], pay_code=h.get("payCode", ""),
             pay_transaction_id=h.get("payTransactionId", ""), consignee=h["consignee"],
             consignee_telephone=h["consigneeTelephone"], consignee_address=h["consigneeAddress"],
             lines=i.lines, received_at=now)
        for i in _open(items, MessageType.ORDER) for h in [i.head]
    ]  # fmt: skip
    payments = [
        dict(guid=i.guid, sender_id=s, pay_code=h["payCode"], pay_transaction_id=h["payTransactionId"],
             ebp_code=h["ebpCode"], order_no=h["orderNo"], payer_id_number=h["payerIdNumber"].upper(),
             payer_name=h["payerName"], amount_paid=_d(h["amountPaid"]),
             identity_check=h.get("identityCheck", IdentityCheck.NONE), received_at=now)
        for i in _open(items, MessageType.PAYMENT) for h in [i.head]
    ]  # fmt: skip
    waybills = [
        dict(guid=i.guid, sender_id=s, logistics_code=h["logisticsCode"], logistics_name=h["logisticsName"],
             logistics_no=h["logisticsNo"], bill_no=h.get("billNo", ""), freight=_d(h["freight"]),
             weight=_d(h["weight"]), consignee=h["consignee"], consignee_telephone=h["consigneeTelephone"],
             consignee_address=h["consigneeAddress"], current=True, received_at=now)
        for i in _open(items, MessageType.WAYBILL) for h in [i.head]
    ]  # fmt: skip
    inventories = [
        dict(guid=i.guid, sender_id=s, cop_no=h["copNo"], trade_mode=h["tradeMode"], ebp_code=h["ebpCode"],
             ebp_name=h["ebpName"], ebc_code=h["ebcCode"], ebc_name=h["ebcName"], order_no=h["orderNo"],
             logistics_code=h["logisticsCode"], logistics_no=h["logisticsNo"], agent_code=h["agentCode"],
             assure_code=h["assureCode"], ems_no=h.get("emsNo", ""), customs_code=h["customsCode"],
             port_code=h["portCode"], buyer_id_number=h["buyerIdNumber"].upper(), buyer_name=h["buyerName"],
             freight=_d(h["freight"]), insured_fee=_d(h["insuredFee"]), gross_weight=_d(h["grossWeight"]),
             net_weight=_d(h["netWeight"]), lines=i.lines,
             dutiable=sum((_d(line["totalPrice"]) for line in i.lines), _d(h["freight"]) + _d(h["insuredFee"])),
             state=InventoryState.WAITING, deadline=deadline, received_at=now)
        for i in _open(items, MessageType.INVENTORY) for h in [i.head]
    ]  # fmt: skip
    if waybills:  # a number older than six months is retired before the carrier uses it again
        pairs = sorted({(str(w["logistics_code"]), str(w["logistics_no"])) for w in waybills})
        if connection.vendor == "postgresql":  # an index lookup per pair, as in _keys
            with bulk.pg_cursor() as cursor:
                lookup = bulk.pairs_lookup("ecommerce_waybill", "logistics_code", "logistics_no", "id", "current")
                cursor.execute(f"UPDATE ecommerce_waybill SET current = FALSE WHERE id IN ({lookup})",  # noqa: S608
                               bulk.pairs_arrays(pairs))  # fmt: skip
        else:
            query = Q()
            for code, number in pairs:
                query |= Q(logistics_code=code, logistics_no=number)
            Waybill.objects.filter(query, current=True).update(current=False)
    bulk.rows_insert(Order, orders)
    bulk.rows_insert(Payment, payments)
    bulk.rows_insert(Waybill, waybills)
    return bulk.rows_insert(Inventory, inventories, returning="id")


def _answers(items: list[Incoming], sender: Organisation, now: datetime) -> list[Receipt]:
    receipts = []
    for item in items:
        if item.refusal is not None:
            code, params = item.refusal
            receipts.append(Receipt.answer(sender_id=sender.pk, guid=item.guid, kind=item.kind,
                                           status=ReceiptStatus.RETURNED, code=code, info=reason(code, **params),
                                           at=now))  # fmt: skip
        elif item.kind in (MessageType.ORDER, MessageType.PAYMENT, MessageType.WAYBILL):
            receipts.append(Receipt.answer(sender_id=sender.pk, guid=item.guid, kind=item.kind,
                                           status=ReceiptStatus.ACCEPTED, at=now))  # fmt: skip
    return receipts


def batch_receive(*, sender: Organisation, body: bytes, key_id: str | None, signature: str | None,
                  now: datetime | None = None) -> Outcome:  # fmt: skip
    """One signed batch from a sender organisation, answered by one receipt per message (or one for the
    batch when it cannot be read at all). All in one transaction: a batch is stored whole or not at all,
    but its refused messages are answered and change nothing."""
    now = now or timezone.now()
    if not batch_signed(sender=sender, body=body, key_id=key_id, signature=signature):
        return _batch_refused(sender, "signature", now)
    try:
        root = _parse(body)
    except UntrustedFile as refused:
        params: dict[str, Any] = {"detail": str(refused)[:300]} if refused.code == "malformed" else {}
        if refused.code == "too_large":
            params = {"mb": MAX_BATCH_BYTES // 2**20}
        return _batch_refused(sender, refused.code if refused.code in ("malformed", "too_large", "dtd",
                                                                       "wrong_root") else "malformed", now, **params)  # fmt: skip
    items = _read(root)
    with transaction.atomic():
        batch = Batch.objects.create(sender=sender, sha256=hashlib.sha256(body).hexdigest(), messages=len(items))
        _refuse_not_yours(items, _sender_codes(sender))
        items, amending = amendments.amendments_split(items)  # appType 2/3: ecommerce/amendments.py
        claimed = _refuse_duplicates(items, sender, batch, now)
        lifecycle.refuse_unknown(items, sender)
        _unclaim(claimed)
        inventory_ids = _store(items, sender, now)
        receipts = _answers(items, sender, now)
        receipts += matching.inventories_match(
            new=inventory_ids,
            orders=[(i.head["ebpCode"], i.head["orderNo"]) for i in _open(items, MessageType.ORDER)]
            + [(i.head["ebpCode"], i.head["orderNo"]) for i in _open(items, MessageType.PAYMENT)],
            waybills=[(i.head["logisticsCode"], i.head["logisticsNo"]) for i in _open(items, MessageType.WAYBILL)],
            now=now,
        )
        receipts += lifecycle.cancellations(_open(items, MessageType.CANCEL), sender, now)
        receipts += lifecycle.returns_applied(_open(items, MessageType.RETURN), sender, now)
        receipts += amendments.amendments_apply(amending, sender=sender, batch=batch, now=now)
        credit_records.returns_recorded(receipts)  # returns that matter to credit: ecommerce/credit_records.py
        bulk.instances_insert(receipts)
    return Outcome(receipts, batch=batch)
