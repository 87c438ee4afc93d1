"""Reads of the firms' ledgers and summaries, each scoped: a firm sees its own guarantees (先放后征) and
bonded account books and the monthly 9610 summary of its own inventories; customs officers see every
firm's; anyone else nothing (so a page or an API answer is 404 for them).

The 9610 monthly summary (汇总申报): the released direct-purchase (9610) inventories of a month (Beijing
time) that a firm declared or sold, added up per firm (the seller), HS code and currency: inventories,
lines, quantity, value and tax — what the firm's monthly aggregated customs declaration is made from."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook

from singlewindow.models import User
from singlewindow.spreadsheets import SafeCSVWriter, xlsx_row

from .choices import CURRENCY_CNY, InventoryState, TradeMode
from .models import AccountBook, BookMovement, EnterpriseFiling, Guarantee, GuaranteeEntry, Inventory
from .quota import BEIJING
from .selectors import is_customs_officer


def guarantees_visible(user: User) -> QuerySet[Guarantee]:
    """A firm's own guarantees; every guarantee for customs; none for anyone else."""
    rows = Guarantee.objects.select_related("organisation").order_by("assure_code")
    if is_customs_officer(user):
        return rows
    return rows.filter(organisation_id=user.organisation_id or 0)


def guarantee_history(guarantee: Guarantee) -> QuerySet[GuaranteeEntry]:
    """Lodged, drawn by each release, restored by each tax payment: newest first."""
    return guarantee.entries.select_related("inventory").order_by("-id")


def guarantee_waiting(guarantee: Guarantee) -> QuerySet[Inventory]:
    """Releases waiting for the balance, oldest first."""
    return Inventory.objects.filter(assure_code=guarantee.assure_code, awaiting_guarantee=True,
                                    state__in=[InventoryState.ACCEPTED, InventoryState.INSPECTION]).order_by(
        "accepted_at", "pk")  # fmt: skip


def books_visible(user: User) -> QuerySet[AccountBook]:
    """A firm's own bonded account books; every book for customs; none for anyone else."""
    rows = AccountBook.objects.select_related("organisation").order_by("ems_no")
    if is_customs_officer(user):
        return rows
    return rows.filter(organisation_id=user.organisation_id or 0)


def book_movements(book: AccountBook) -> QuerySet[BookMovement]:
    return book.movements.select_related("inventory").order_by("-id")


@dataclass
class SummaryRow:
    seller_code: str
    seller_name: str
    hs_code: str
    currency: str
    inventories: int = 0
    lines: int = 0
    quantity: Decimal = Decimal(0)
    value: Decimal = Decimal(0)
    tax: Decimal = Decimal(0)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return (datetime.combine(first, time.min, tzinfo=BEIJING), datetime.combine(following, time.min, tzinfo=BEIJING))


def summary_inventories(user: User, month: date) -> QuerySet[Inventory]:
    """The released 9610 inventories of the month the user may see: the firm's own (declared by it or
    sold by one of its filings), every firm's for customs."""
    start, end = month_bounds(month)
    rows = Inventory.objects.filter(trade_mode=TradeMode.DIRECT, state=InventoryState.RELEASED,
                                    released_at__gte=start, released_at__lt=end)  # fmt: skip
    if is_customs_officer(user):
        return rows
    codes = EnterpriseFiling.objects.filter(organisation_id=user.organisation_id or 0).values("code")
    return rows.filter(Q(sender_id=user.organisation_id or 0) | Q(ebc_code__in=codes))


def monthly_summary(user: User, month: date) -> list[SummaryRow]:
    """Per seller, HS code and currency: inventories, lines, quantity, value and tax (a line's share of its
    inventory's tax is in proportion to its value)."""
    rows: dict[tuple[str, str, str], SummaryRow] = {}
    counted: set[tuple[int, str, str, str]] = set()
    fields = ("pk", "ebc_code", "ebc_name", "lines", "tax")
    for pk, seller, name, lines, tax in summary_inventories(user, month).values_list(*fields).iterator():
        total = sum((Decimal(line["totalPrice"]) for line in lines), Decimal(0))
        for line in lines:
            key = (seller, line["gcode"], CURRENCY_CNY)
            row = rows.setdefault(key, SummaryRow(seller, name, line["gcode"], CURRENCY_CNY))
            if (pk, *key) not in counted:
                counted.add((pk, *key))
                row.inventories += 1
            value = Decimal(line["totalPrice"])
            row.lines += 1
            row.quantity += Decimal(line["qty"])
            row.value += value
            row.tax += (tax * value / total).quantize(Decimal("0.01")) if total else Decimal(0)
    return [rows[key] for key in sorted(rows)]


def _header() -> list[str]:
    return [_("Seller code"), _("Seller"), _("HS code"), _("Currency"), _("Inventories"),
            _("Goods lines"), _("Quantity"), _("Goods value"), _("Tax")]  # fmt: skip


def _values(row: SummaryRow) -> list[object]:
    return [row.seller_code, row.seller_name, row.hs_code, row.currency, row.inventories, row.lines,
            row.quantity.normalize(), row.value, row.tax]  # fmt: skip


def summary_csv(rows: list[SummaryRow]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = SafeCSVWriter(buffer, quoting=csv.QUOTE_MINIMAL)
    writer.writerow(_header())
    for row in rows:
        writer.writerow(_values(row))
    yield "\ufeff" + buffer.getvalue()  # a BOM: Excel reads the Chinese names as UTF-8


def summary_xlsx(rows: list[SummaryRow], month: date) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(month.strftime("%Y-%m"))
    sheet.append(xlsx_row(sheet, _header()))
    for row in rows:
        sheet.append(xlsx_row(sheet, _values(row)))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
