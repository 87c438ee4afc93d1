"""三单对碰: an inventory is accepted only when its order, payment and waybill exist and agree (reference
C3), its products are filed and on the positive list, and the buyer's limits allow it (C4).

Messages arrive in any order, so an inventory waits (state "waiting") for what is missing until its
deadline (`CBEC_MATCH_WINDOW_SECONDS` after it arrived). Matching runs for the inventories a batch adds
and for those waiting on an order, payment or waybill the batch brings; the beat sweep
(`ecommerce.sweep`) re-runs it for everything still waiting (a message may have come in a batch that
committed while this one was deciding) and returns, once, those whose deadline has passed. Every
decision is made under the inventory's row lock with the state still "waiting", so it is made once.

Set-based: the inventories there is something to decide for are locked and read with their order,
payment and waybill in one statement (`_lock_pg`), decided in memory, the quota reserved in one statement
group (quota.py), the decisions written in one UPDATE."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection
from django.db.models import Q

from . import bulk
from .bonded import books_draw
from .catalogue import inventory_tax, on_positive_list
from .choices import IdentityCheck, InventoryState, MessageType, ReceiptStatus
from .forwarding import inventories_forward
from .models import Inventory, Order, Payment, ProductFiling, Receipt, Waybill
from .quota import TRANSACTION_LIMIT, Want, quota_reserve, quota_year
from .reasons import missing_text, reason

SWEEP_LIMIT = 5000


def window() -> timedelta:
    return timedelta(seconds=settings.CBEC_MATCH_WINDOW_SECONDS)


class OrderRow(NamedTuple):
    buyer_id_number: str
    buyer_name: str
    ebc_code: str
    pay_code: str
    pay_transaction_id: str
    actural_paid: Decimal
    consignee: str
    consignee_telephone: str
    consignee_address: str
    lines: list[dict[str, Any]]


class PaymentRow(NamedTuple):
    pay_code: str
    pay_transaction_id: str
    amount_paid: Decimal
    payer_id_number: str
    payer_name: str
    identity_check: str


class WaybillRow(NamedTuple):
    consignee: str
    consignee_telephone: str
    consignee_address: str


class ProductRow(NamedTuple):
    hs_code: str
    positive_list: bool


DECIDED_FIELDS = ["state", "reason_code", "reason", "quota_year", "full_tax", "tariff", "vat", "consumption_tax",
                  "tax", "accepted_at", "invt_no"]  # fmt: skip


_DECIDED_TYPES = ["varchar", "varchar", "varchar", "smallint", "boolean", "numeric", "numeric", "numeric", "numeric",
                  "timestamptz", "varchar"]  # fmt: skip


@dataclass(slots=True)
class Waiting:
    """A waiting inventory as matching reads it (the columns it decides on, not a model instance: building
    those cost more than the matching) and, once decided, the decision `_write` stores."""

    pk: int
    lines: list[dict[str, Any]]
    guid: str
    sender_id: int
    trade_mode: str
    ebp_code: str
    order_no: str
    ebc_code: str
    logistics_code: str
    logistics_no: str
    ems_no: str
    customs_code: str
    buyer_id_number: str
    buyer_name: str
    freight: Decimal
    insured_fee: Decimal
    dutiable: Decimal
    due: bool  # past its deadline (read as such: no timestamp to parse)
    state: str = InventoryState.WAITING
    reason_code: str = ""
    reason: str = ""
    quota_year: int | None = None
    full_tax: bool = False
    tariff: Decimal = Decimal(0)
    vat: Decimal = Decimal(0)
    consumption_tax: Decimal = Decimal(0)
    tax: Decimal = Decimal(0)
    accepted_at: datetime | None = None
    invt_no: str = ""


_WAITING_COLUMNS = [f for f in Waiting.__dataclass_fields__ if f not in ("lines", "pk", "due", *DECIDED_FIELDS)]
# A waiting inventory with its three documents as they are read: None for one not received.
Read = tuple[Waiting, OrderRow | None, PaymentRow | None, WaybillRow | None]


@dataclass
class Found:
    orders: dict[tuple[str, str], OrderRow]
    payments: dict[tuple[str, str], PaymentRow]
    waybills: dict[tuple[str, str], WaybillRow]


def _pairs_query(pairs: Iterable[tuple[str, str]], first: str, second: str) -> Q:
    query = Q(pk__in=[])
    grouped: dict[str, list[str]] = {}
    for a, b in pairs:
        grouped.setdefault(a, []).append(b)
    for a, bs in grouped.items():
        query |= Q(**{first: a, f"{second}__in": bs})
    return query


# What matching reads of each document: (table, its two key columns, the row's columns, extra condition).
_READS: dict[str, tuple[str, tuple[str, str], tuple[str, ...], str]] = {
    "orders": ("ecommerce_order t", ("t.ebp_code", "t.order_no"), OrderRow._fields, "TRUE"),
    "payments": ("ecommerce_payment t", ("t.ebp_code", "t.order_no"), PaymentRow._fields, "TRUE"),
    "waybills": ("ecommerce_waybill t", ("t.logistics_code", "t.logistics_no"), WaybillRow._fields, "t.current"),
    "products": ("ecommerce_productfiling t JOIN ecommerce_enterprisefiling f ON f.id = t.seller_id",
                 ("f.code", "t.item_no"), ProductRow._fields, "TRUE"),
}  # fmt: skip
_ROWS: dict[str, Any] = {"orders": OrderRow, "payments": PaymentRow, "waybills": WaybillRow, "products": ProductRow}


def _read_pg(name: str, pairs: set[tuple[str, str]]) -> dict[tuple[str, str], Any]:
    """One kind's rows for a set of key pairs (an index lookup per pair: bulk.pairs_lookup), read as
    plain tuples (no model instances: building them cost more than the query)."""
    if not pairs:
        return {}
    table, (first, second), columns, condition = _READS[name]
    selected = ", ".join("t.lines::text" if c == "lines" else f"t.{c}" for c in columns)
    row = _ROWS[name]
    with bulk.pg_cursor() as cursor:
        cursor.execute(bulk.pairs_lookup(table, first, second, f"{first}, {second}, {selected}", condition),
                       bulk.pairs_arrays(sorted(pairs)))  # fmt: skip
        found = cursor.fetchall()
    if "lines" in columns:
        at = columns.index("lines") + 2
        return {(r[0], r[1]): row(*r[2:at], json.loads(r[at]), *r[at + 1 :]) for r in found}
    return {(r[0], r[1]): row(*r[2:]) for r in found}


def _find(inventories: Sequence[Waiting]) -> Found:
    """The documents of these inventories through the ORM (elsewhere than PostgreSQL)."""
    orders = {(i.ebp_code, i.order_no) for i in inventories}
    waybills = {(i.logistics_code, i.logistics_no) for i in inventories}
    return Found(
        orders={(r[0], r[1]): OrderRow(*r[2:]) for r in Order.objects.filter(
            _pairs_query(orders, "ebp_code", "order_no")).values_list("ebp_code", "order_no", *OrderRow._fields)},
        payments={(r[0], r[1]): PaymentRow(*r[2:]) for r in Payment.objects.filter(
            _pairs_query(orders, "ebp_code", "order_no")).values_list("ebp_code", "order_no", *PaymentRow._fields)},
        waybills={(r[0], r[1]): WaybillRow(*r[2:]) for r in Waybill.objects.filter(
            _pairs_query(waybills, "logistics_code", "logistics_no"), current=True).values_list(
                "logistics_code", "logistics_no", *WaybillRow._fields)},
    )  # fmt: skip


def _products(items: set[tuple[str, str]]) -> dict[tuple[str, str], ProductRow]:
    """The filed products these (seller code, item number) pairs name."""
    if connection.vendor == "postgresql":
        return _read_pg("products", items)
    return {(r[0], r[1]): ProductRow(*r[2:]) for r in ProductFiling.objects.filter(
        _pairs_query(items, "seller__code", "item_no")).values_list("seller__code", "item_no", *ProductRow._fields)}  # fmt: skip


Verdict = tuple[str, dict[str, Any]] | None  # (code, params) when returned; None when it agrees


def _disagreement(inv: Waiting, order: OrderRow, payment: PaymentRow, waybill: WaybillRow,
                  products: dict[tuple[str, str], ProductRow]) -> Verdict:  # fmt: skip
    """The first way the four documents and the filings disagree, or None."""
    if (inv.buyer_id_number, inv.buyer_name) != (order.buyer_id_number, order.buyer_name):
        return "buyer_mismatch", {}
    if inv.ebc_code != order.ebc_code:
        return "seller_mismatch", {}
    order_lines = {str(line["gnum"]): line for line in order.lines}
    for line in inv.lines:
        mine = order_lines.get(str(line["gnum"]))
        if mine is None or (mine.get("itemNo", ""), Decimal(mine["qty"]), Decimal(mine["price"])) != (
            line["itemNo"], Decimal(line["qty"]), Decimal(line["price"])):  # fmt: skip
            return "line_mismatch", {"gnum": line["gnum"]}
    if (payment.pay_code, payment.pay_transaction_id) != (order.pay_code, order.pay_transaction_id):
        return "payment_mismatch", {}
    if payment.amount_paid != order.actural_paid:
        return "payment_amount", {"paid": payment.amount_paid, "due": order.actural_paid}
    if (waybill.consignee, waybill.consignee_telephone, waybill.consignee_address) != (
        order.consignee, order.consignee_telephone, order.consignee_address):  # fmt: skip
        return "consignee_mismatch", {}
    payer_is_buyer = (payment.payer_id_number, payment.payer_name) == (order.buyer_id_number, order.buyer_name)
    if not payer_is_buyer and payment.identity_check != IdentityCheck.PASSED:
        return "payer_not_buyer", {}
    for line in inv.lines:
        product = products.get((inv.ebc_code, line["itemNo"]))
        if product is None:
            return "product_not_filed", {"item": line["itemNo"]}
        if product.hs_code != line["gcode"]:
            return "product_hs", {"item": line["itemNo"], "filed": product.hs_code, "given": line["gcode"]}
        if not product.positive_list or not on_positive_list(line["gcode"]):
            return "not_positive_list", {"hs": line["gcode"]}
    return None


def _indivisible(inv: Waiting) -> bool:
    """One line of one item: what may go above the per-transaction limit, taxed in full."""
    return len(inv.lines) == 1 and Decimal(inv.lines[0]["qty"]) == 1


def _waiting(inv: Inventory, now: datetime) -> Waiting:
    values = [getattr(inv, name) for name in _WAITING_COLUMNS] + [inv.deadline <= now]
    return Waiting(inv.pk, inv.lines, *values)


def _lock(query: Q | None, now: datetime) -> list[Read]:
    """_lock_pg elsewhere than PostgreSQL (SQLite under `make run`): the ORM's lock on every waiting
    inventory the query names, then their documents read by _find."""
    rows = Inventory.objects.filter(state=InventoryState.WAITING)
    if query is not None:
        rows = rows.filter(query)
    inventories = [_waiting(inv, now) for inv in rows.order_by("pk").select_for_update(skip_locked=True)[:SWEEP_LIMIT]]
    found = _find(inventories)
    return [(inv, found.orders.get((inv.ebp_code, inv.order_no)), found.payments.get((inv.ebp_code, inv.order_no)),
             found.waybills.get((inv.logistics_code, inv.logistics_no))) for inv in inventories]  # fmt: skip


def _document(alias: str, name: str) -> tuple[str, list[str], str]:
    """The LEFT JOIN LATERAL reading one kind of document of each inventory (an index lookup per row:
    OFFSET 0, as in bulk.pairs_lookup), its selected columns (the first says whether it was found), and
    the EXISTS telling whether there is one: the filter asks those first and stops at the first missing,
    so an inventory still waiting costs no read of its documents."""
    table, (first, second), columns, condition = _READS[name]
    own = {"orders": ("ebp_code", "order_no"), "payments": ("ebp_code", "order_no"),
           "waybills": ("logistics_code", "logistics_no")}[name]  # fmt: skip
    select = ", ".join("t.lines::text AS lines" if c == "lines" else f"t.{c}" for c in columns)
    where = f"WHERE {first} = i.{own[0]} AND {second} = i.{own[1]} AND {condition}"
    join = f"LEFT JOIN LATERAL (SELECT TRUE AS found, {select} FROM {table} {where} OFFSET 0) AS {alias} ON TRUE"  # noqa: S608
    return join, [f"{alias}.found", *(f"{alias}.{c}" for c in columns)], f"EXISTS (SELECT FROM {table} {where})"


def _lock_pg(new: Sequence[int], orders: Sequence[tuple[str, str]], waybills: Sequence[tuple[str, str]],
             now: datetime, sweep: bool) -> list[Read]:  # fmt: skip
    """One statement: the waiting inventories the batch added (`new`) or whose order, payment or waybill
    it brought (each found by an index lookup per key), or with `sweep` every waiting one; of those, the
    ones there is something to decide or answer (new, past their deadline, or with all three documents),
    locked oldest first (SKIP LOCKED: a racing batch's are left to it or to the sweep) and read with their
    documents. An inventory still missing a document and not new is neither locked nor read: nothing
    would be decided or answered for it."""
    joins, selects, exist = zip(*(_document(alias, name) for alias, name in (("o", "orders"), ("p", "payments"),
                                                                              ("w", "waybills"))), strict=True)  # fmt: skip
    columns = ", ".join(["i.id", "i.lines::text", *(f"i.{c}" for c in _WAITING_COLUMNS), "i.deadline <= %s"]
                        + [c for group in selects for c in group])  # fmt: skip
    params: list[Any] = [now]
    if sweep:
        where = "i.state = %s"
        params.append(InventoryState.WAITING)
    else:
        lookups = [bulk.pairs_lookup("ecommerce_inventory", "ebp_code", "order_no", "id", "state = %s"),
                   bulk.pairs_lookup("ecommerce_inventory", "logistics_code", "logistics_no", "id", "state = %s")]  # fmt: skip
        # A primary-key lookup per candidate (ANY(ARRAY(…))); the state is checked on the rows found (IS TRUE
        # keeps the planner off the state index, whose "waiting" entries the decided rows leave until vacuum).
        where = (f"i.id = ANY(ARRAY(SELECT unnest(%s::bigint[]) UNION {lookups[0]} UNION {lookups[1]})) "
                 "AND (i.state = %s) IS TRUE")  # fmt: skip
        params += [list(new), *bulk.pairs_arrays(orders), InventoryState.WAITING, *bulk.pairs_arrays(waybills),
                   InventoryState.WAITING, InventoryState.WAITING]  # fmt: skip
    params += [list(new), now, SWEEP_LIMIT]
    with bulk.pg_cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM ecommerce_inventory AS i {' '.join(joins)} WHERE {where} "  # noqa: S608 (our names)
            f"AND (i.id = ANY(%s::bigint[]) OR i.deadline <= %s OR ({' AND '.join(exist)})) "
            "ORDER BY i.id LIMIT %s FOR UPDATE OF i SKIP LOCKED",
            params,
        )
        rows = cursor.fetchall()
    width = 3 + len(_WAITING_COLUMNS)
    sizes = [len(OrderRow._fields), len(PaymentRow._fields), len(WaybillRow._fields)]
    read: list[Read] = []
    for row in rows:
        inv = Waiting(row[0], json.loads(row[1]), *row[2:width])
        at = width
        order = payment = waybill = None
        if row[at]:
            values = row[at + 1 : at + 1 + sizes[0]]
            order = OrderRow._make([*values[:-1], json.loads(values[-1])])
        at += 1 + sizes[0]
        if row[at]:
            payment = PaymentRow(*row[at + 1 : at + 1 + sizes[1]])
        at += 1 + sizes[1]
        if row[at]:
            waybill = WaybillRow(*row[at + 1 : at + 1 + sizes[2]])
        read.append((inv, order, payment, waybill))
    return read


def inventories_match(*, new: Sequence[int] = (), orders: Sequence[tuple[str, str]] = (),
                      waybills: Sequence[tuple[str, str]] = (), now: datetime, sweep: bool = False) -> list[Receipt]:  # fmt: skip
    """Decide the inventories given (new ones by id, waiting ones by the order or waybill a batch
    brought, or with sweep every waiting one, returning those past their deadline). Receipts are
    returned unsaved; the caller stores them in its transaction."""
    if not (sweep or new or orders or waybills):
        return []
    if connection.vendor == "postgresql":
        read = _lock_pg(new, orders, waybills, now, sweep)
    elif sweep:
        read = _lock(None, now)
    else:
        query = Q(pk__in=list(new))
        if orders:
            query |= _pairs_query(orders, "ebp_code", "order_no")
        if waybills:
            query |= _pairs_query(waybills, "logistics_code", "logistics_no")
        read = _lock(query, now)
    if not read:
        return []
    products = _products({(inv.ebc_code, line["itemNo"]) for inv, *_docs in read for line in inv.lines})
    decided: list[Waiting] = []
    wants: list[Want] = []
    receipts: list[Receipt] = []
    fresh = set(new)
    for inv, order, payment, waybill in read:
        missing = [name for name, row in (("order", order), ("payment", payment), ("waybill", waybill)) if row is None]
        if missing:
            if inv.due:
                _return(inv, "missing", {"missing": missing_text(missing)}, now)
                decided.append(inv)
            elif inv.pk in fresh:
                receipts.append(Receipt.answer(sender_id=inv.sender_id, guid=inv.guid, kind=MessageType.INVENTORY,
                                               status=ReceiptStatus.DECLARING, code="waiting",
                                               info=missing_text(missing), at=now))  # fmt: skip
            continue
        assert order is not None and payment is not None and waybill is not None
        verdict = _disagreement(inv, order, payment, waybill, products)
        if verdict is None and inv.dutiable > TRANSACTION_LIMIT and not _indivisible(inv):
            verdict = "over_transaction_limit", {"value": inv.dutiable}
        if verdict is not None:
            _return(inv, *verdict, now)
        else:
            inv.quota_year = quota_year(now)
            wants.append(Want(inv.pk, inv.buyer_id_number, inv.quota_year, inv.dutiable))
        decided.append(inv)
    refused = quota_reserve(wants)
    short = books_draw([inv for inv in decided if inv.pk in refused and refused[inv.pk] is None])  # 1210 books
    for inv in decided:
        if inv.pk not in refused:
            pass
        elif refused[inv.pk] is not None:
            _return(inv, "over_yearly_quota", {"left": refused[inv.pk]}, now)
            inv.quota_year = None
        elif inv.pk in short:  # the account book cannot cover it (bonded.py gave the reservation back)
            _return(inv, *short[inv.pk], now)
            inv.quota_year = None
        else:
            _accept(inv, now)
    _write(decided)
    inventories_forward([inv for inv in decided if inv.state == InventoryState.ACCEPTED], now=now)
    receipts += [_receipt(inv, now) for inv in decided]
    return receipts


def _return(inv: Waiting, code: str, params: dict[str, Any], now: datetime) -> None:
    inv.state, inv.reason_code, inv.reason = InventoryState.RETURNED, code, reason(code, **params)


def _accept(inv: Waiting, now: datetime) -> None:
    inv.full_tax = inv.dutiable > TRANSACTION_LIMIT
    tax = inventory_tax(inv.lines, inv.freight, inv.insured_fee, full=inv.full_tax)
    inv.tariff, inv.vat, inv.consumption_tax, inv.tax = tax.tariff, tax.vat, tax.consumption, tax.total
    inv.state, inv.accepted_at = InventoryState.ACCEPTED, now
    inv.invt_no = f"{inv.customs_code}{inv.quota_year}I{inv.pk:09d}"


def _receipt(inv: Waiting, now: datetime) -> Receipt:
    accepted = inv.state == InventoryState.ACCEPTED
    return Receipt.answer(sender_id=inv.sender_id, guid=inv.guid, kind=MessageType.INVENTORY,
                          status=ReceiptStatus.ACCEPTED if accepted else ReceiptStatus.RETURNED,
                          code="" if accepted else inv.reason_code, info=inv.reason, invt_no=inv.invt_no, at=now)  # fmt: skip


def _write(decided: list[Waiting]) -> None:
    """Every decision in one UPDATE … FROM unnest(one array per field), bound on the server: Django's
    bulk_update builds a CASE per field and row, and a VALUES list of twelve placeholders a row costs
    more to quote and split on the client than the statement costs the server."""
    if not decided:
        return
    if connection.vendor != "postgresql":  # SQLite under `make run`: an UPDATE per inventory
        for inv in decided:
            Inventory.objects.filter(pk=inv.pk).update(**{name: getattr(inv, name) for name in DECIDED_FIELDS})
        return
    arrays = ", ".join(f"%s::{kind}[]" for kind in ["bigint", *_DECIDED_TYPES])
    assignments = ", ".join(f"{name} = v.{name}" for name in DECIDED_FIELDS)
    with bulk.pg_cursor() as cursor:
        cursor.execute(
            f"UPDATE ecommerce_inventory AS i SET {assignments} FROM unnest({arrays}) "  # noqa: S608
            f"AS v(id, {', '.join(DECIDED_FIELDS)}) WHERE i.id = v.id",
            [[inv.pk for inv in decided], *([getattr(inv, name) for inv in decided] for name in DECIDED_FIELDS)],
        )


def inventories_sweep(*, now: datetime) -> list[Receipt]:
    """What the beat sweep does: re-match everything waiting, return what is past its deadline."""
    return inventories_match(now=now, sweep=True)
