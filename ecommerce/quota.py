"""The buyers' yearly quota (26,000 yuan per person per calendar year in Beijing time): reserved when an
inventory is accepted, moved to used when it is released, given back when it is cancelled or its goods
are returned. Exact under concurrency: the rows of every buyer concerned are locked in one order
(buyer, year) before the conditional UPDATE, so two racing inventories for one buyer are decided one
after the other, and the table's check constraint refuses anything above the limit whatever the code.
The statements are PostgreSQL's; elsewhere (SQLite under `make run`, whose writers take turns) the same
decisions go through the ORM, a row at a time."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import F, Q

from . import bulk
from .models import YEARLY_QUOTA, QuotaLedger

BEIJING = ZoneInfo("Asia/Shanghai")
TRANSACTION_LIMIT = Decimal("5000")


def quota_year(at: datetime) -> int:
    """The calendar year (Beijing time) an inventory accepted at this moment counts to."""
    return at.astimezone(BEIJING).year


@dataclass(frozen=True)
class Want:
    key: int  # the caller's (an inventory's id)
    buyer: str
    year: int
    amount: Decimal


def quota_reserve(wants: Sequence[Want]) -> dict[int, Decimal | None]:
    """Reserve each amount in the order given: key → None when granted, or the amount the buyer had left
    when refused. Runs in the caller's transaction; one INSERT, one locking SELECT and one UPDATE."""
    if not wants:
        return {}
    pairs = sorted({(w.buyer, w.year) for w in wants})
    if connection.vendor != "postgresql":
        return _reserve_portable(wants, pairs)
    keys = [[buyer for buyer, _year in pairs], [year for _buyer, year in pairs]]  # two arrays, bound on the server
    with bulk.pg_cursor() as cursor:
        cursor.execute(
            "INSERT INTO ecommerce_quotaledger (buyer_id_number, year, reserved, used) "
            "SELECT b, y, 0, 0 FROM unnest(%s::varchar[], %s::smallint[]) AS u(b, y) "
            "ON CONFLICT (buyer_id_number, year) DO NOTHING",
            keys,
        )
        cursor.execute(
            "SELECT id, buyer_id_number, year, reserved + used FROM ecommerce_quotaledger "
            "WHERE (buyer_id_number, year) IN (SELECT * FROM unnest(%s::varchar[], %s::smallint[])) "
            "ORDER BY buyer_id_number, year FOR UPDATE",
            keys,
        )
        rows = {(buyer, year): (pk, taken) for pk, buyer, year, taken in cursor.fetchall()}
        added, answer = _decide(wants, rows)
        if added:
            _apply(cursor, "reserved = l.reserved + v.amount", added,
                   condition="l.reserved + l.used + v.amount <= %s", extra=[YEARLY_QUOTA])  # fmt: skip
    return answer


def _decide(
    wants: Sequence[Want], rows: dict[tuple[str, int], tuple[int, Decimal]]
) -> tuple[dict[int, Decimal], dict[int, Decimal | None]]:
    """Against each locked ledger row (buyer, year → id, taken so far), in the wants' order: what each row
    gains, and each want's answer (None: within the quota; else what was left of it)."""
    added: dict[int, Decimal] = {}
    answer: dict[int, Decimal | None] = {}
    for want in wants:
        pk, taken = rows[(want.buyer, want.year)]
        so_far = taken + added.get(pk, Decimal(0))
        if so_far + want.amount <= YEARLY_QUOTA:
            added[pk] = added.get(pk, Decimal(0)) + want.amount
            answer[want.key] = None
        else:
            answer[want.key] = YEARLY_QUOTA - so_far
    return added, answer


def _reserve_portable(wants: Sequence[Want], pairs: list[tuple[str, int]]) -> dict[int, Decimal | None]:
    """quota_reserve through the ORM, for databases without its statements (SQLite under `make run`)."""
    QuotaLedger.objects.bulk_create([QuotaLedger(buyer_id_number=b, year=y) for b, y in pairs], ignore_conflicts=True)
    query = Q(pk__in=[])
    for buyer, year in pairs:
        query |= Q(buyer_id_number=buyer, year=year)
    rows = {(row.buyer_id_number, row.year): (row.pk, row.reserved + row.used)
            for row in QuotaLedger.objects.select_for_update().filter(query).order_by("buyer_id_number", "year")}  # fmt: skip
    added, answer = _decide(wants, rows)
    for pk, amount in sorted(added.items()):
        QuotaLedger.objects.filter(pk=pk, reserved__lte=YEARLY_QUOTA - F("used") - amount).update(
            reserved=F("reserved") + amount
        )
    return answer


def _apply_portable(amounts: dict[int, Decimal], **signs: int) -> None:
    """_apply through the ORM: each row's fields moved by ± its amount (signs: field → 1 or -1)."""
    for pk, amount in sorted(amounts.items()):
        QuotaLedger.objects.filter(pk=pk).update(**{name: F(name) + sign * amount for name, sign in signs.items()})


def _apply(cursor: Any, assignment: str, amounts: dict[int, Decimal], *, condition: str = "TRUE",
           extra: Iterable[object] = ()) -> None:  # fmt: skip
    ordered = sorted(amounts.items())
    cursor.execute(
        f"UPDATE ecommerce_quotaledger AS l SET {assignment} "  # noqa: S608
        f"FROM unnest(%s::bigint[], %s::numeric[]) AS v(id, amount) WHERE l.id = v.id AND {condition}",
        [[pk for pk, _amount in ordered], [amount for _pk, amount in ordered], *extra],
    )


def _by_row(items: Iterable[tuple[str, int, Decimal]]) -> dict[int, Decimal]:
    items = list(items)
    if not items:
        return {}
    ids = {
        (row.buyer_id_number, row.year): row.pk
        for row in QuotaLedger.objects.filter(buyer_id_number__in={b for b, _y, _a in items}).only("pk", "year",
                                                                                                   "buyer_id_number")
    }  # fmt: skip
    amounts: dict[int, Decimal] = {}
    for buyer, year, amount in items:
        pk = ids[(buyer, year)]
        amounts[pk] = amounts.get(pk, Decimal(0)) + amount
    return amounts


def quota_use(items: Iterable[tuple[str, int, Decimal]]) -> None:
    """Released: what was reserved is used (buyer, year, amount)."""
    amounts = _by_row(items)
    if amounts and connection.vendor != "postgresql":
        _apply_portable(amounts, reserved=-1, used=1)
    elif amounts:
        with bulk.pg_cursor() as cursor:
            _apply(cursor, "reserved = l.reserved - v.amount, used = l.used + v.amount", amounts)


def quota_unreserve(items: Iterable[tuple[str, int, Decimal]]) -> None:
    """Cancelled before release: the reservation is given back."""
    amounts = _by_row(items)
    if amounts and connection.vendor != "postgresql":
        _apply_portable(amounts, reserved=-1)
    elif amounts:
        with bulk.pg_cursor() as cursor:
            _apply(cursor, "reserved = l.reserved - v.amount", amounts)


def quota_restore(items: Iterable[tuple[str, int, Decimal]]) -> None:
    """Goods returned: what was used is given back."""
    amounts = _by_row(items)
    if amounts and connection.vendor != "postgresql":
        _apply_portable(amounts, used=-1)
    elif amounts:
        with bulk.pg_cursor() as cursor:
            _apply(cursor, "used = l.used - v.amount", amounts)


@dataclass(frozen=True)
class QuotaState:
    year: int
    used: Decimal
    reserved: Decimal

    @property
    def left(self) -> Decimal:
        return YEARLY_QUOTA - self.used - self.reserved


def quota_state(buyer_id_number: str, year: int) -> QuotaState:
    row = QuotaLedger.objects.filter(buyer_id_number=buyer_id_number, year=year).first()
    return QuotaState(year, row.used if row else Decimal(0), row.reserved if row else Decimal(0))
