"""Bonded (1210) imports' account books (电子账册): goods enter a bonded warehouse on a book, product by
product (the seller's item number) and quantity; each 1210 inventory draws every one of its lines from
the book its `emsNo` names when it is accepted, all lines or none; a cancellation (CEB623) or goods
returned (CEB625) give the quantities back.

Exact under concurrency: the stock rows an acceptance needs are locked in one order (book, item) by one
SELECT … FOR UPDATE, then each drawn by a conditional UPDATE (`quantity >= drawn`); the table's check
constraint (never below zero) is the last word. An inventory the book cannot cover is returned with the
item, what is left and what was declared."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, Protocol

from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from singlewindow.errors import DomainError
from singlewindow.models import Organisation, User
from singlewindow.services import audit_record

from .choices import BookMovementKind, EcommerceAction, TradeMode
from .models import AccountBook, BookMovement, BookStock, EnterpriseFiling, Inventory
from .quota import quota_unreserve

Refusal = tuple[str, dict[str, Any]]


class BookRefused(DomainError):
    status_code = 400

    def __init__(self, message: str, *, field: str = "", code: str = "invalid") -> None:
        super().__init__(message)
        self.field, self.code = field, code


class Drawing(Protocol):
    """What drawing reads of an inventory about to be accepted (a model instance or matching's row)."""

    @property
    def pk(self) -> Any: ...

    @property
    def sender_id(self) -> Any: ...

    @property
    def trade_mode(self) -> str: ...

    @property
    def ems_no(self) -> str: ...

    @property
    def ebc_code(self) -> str: ...

    @property
    def lines(self) -> Any: ...

    @property
    def buyer_id_number(self) -> str: ...

    @property
    def quota_year(self) -> int | None: ...

    @property
    def dutiable(self) -> Decimal: ...


def _needs(inv: Drawing) -> dict[str, Decimal]:
    """Quantity per item number of an inventory (two lines of one item add up)."""
    needs: dict[str, Decimal] = {}
    for line in inv.lines:
        needs[line["itemNo"]] = needs.get(line["itemNo"], Decimal(0)) + Decimal(line["qty"])
    return needs


def _books_for(inventories: Sequence[Drawing]) -> dict[str, AccountBook]:
    return {b.ems_no: b for b in AccountBook.objects.filter(ems_no__in={i.ems_no for i in inventories})}


def _pairs(pairs: Iterable[tuple[int, str]]) -> Q:
    query = Q(pk__in=[])
    for book_id, item_no in pairs:
        query |= Q(book_id=book_id, item_no=item_no)
    return query


def books_draw(inventories: Iterable[Drawing]) -> dict[int, Refusal]:
    """Draw the bonded inventories among these (about to be accepted, their quota reserved) from their
    books, in the order given. Returns the refusal of each one that could not be drawn (its quota
    reservation is given back here); 9610 inventories are left alone at no cost."""
    bonded = [i for i in inventories if i.trade_mode == TradeMode.BONDED]
    if not bonded:
        return {}
    books = _books_for(bonded)
    sellers = dict(EnterpriseFiling.objects.filter(code__in={i.ebc_code for i in bonded}).values_list(
        "code", "organisation_id"))  # fmt: skip
    short: dict[int, Refusal] = {}
    for inv in bonded:
        book = books.get(inv.ems_no)
        if book is None or book.organisation_id not in (inv.sender_id, sellers.get(inv.ebc_code)):
            short[inv.pk] = ("book_unknown", {"no": inv.ems_no})
    wanted = sorted({(books[i.ems_no].pk, item) for i in bonded if i.pk not in short for item in _needs(i)})
    left: dict[tuple[int, str], tuple[int, Decimal]] = {}
    if wanted:
        rows = BookStock.objects.filter(_pairs(wanted)).order_by("book_id", "item_no").select_for_update()
        left = {(row.book_id, row.item_no): (row.pk, row.quantity) for row in rows}
    drawn: dict[int, Decimal] = {}  # stock row → quantity drawn by this call
    movements: list[BookMovement] = []
    for inv in bonded:
        if inv.pk in short:
            continue
        book = books[inv.ems_no]
        needs = _needs(inv)
        for item, qty in needs.items():
            pk, quantity = left.get((book.pk, item), (0, Decimal(0)))
            available = quantity - drawn.get(pk, Decimal(0))
            if available < qty:
                short[inv.pk] = ("book_short", {"no": inv.ems_no, "item": item, "left": available.normalize(),
                                                "qty": qty.normalize()})  # fmt: skip
                break
        else:
            for item, qty in needs.items():
                pk = left[(book.pk, item)][0]
                drawn[pk] = drawn.get(pk, Decimal(0)) + qty
                movements.append(BookMovement(book=book, item_no=item, kind=BookMovementKind.DRAWN, quantity=qty,
                                              inventory_id=inv.pk))  # fmt: skip
    for pk, qty in sorted(drawn.items()):  # under the rows' locks; the condition is the database's too
        changed = BookStock.objects.filter(pk=pk, quantity__gte=qty).update(quantity=F("quantity") - qty)
        assert changed == 1, "stock changed under its lock"
    BookMovement.objects.bulk_create(movements)
    refused = [i for i in bonded if i.pk in short and i.quota_year is not None]
    quota_unreserve([(i.buyer_id_number, i.quota_year, i.dutiable) for i in refused])  # type: ignore[misc]
    return short


def books_give_back(inventories: Iterable[Inventory]) -> None:
    """A cancelled bonded inventory, or one whose goods came back: what it drew returns to the book."""
    drawn = list(BookMovement.objects.filter(inventory__in=[i.pk for i in inventories], kind=BookMovementKind.DRAWN))
    for movement in sorted(drawn, key=lambda m: (m.book_id, m.item_no)):
        BookStock.objects.filter(book_id=movement.book_id, item_no=movement.item_no).update(
            quantity=F("quantity") + movement.quantity
        )
    BookMovement.objects.bulk_create([BookMovement(book_id=m.book_id, item_no=m.item_no, kind=BookMovementKind.RESTORED,
                                                   quantity=m.quantity, inventory_id=m.inventory_id) for m in drawn])  # fmt: skip


@transaction.atomic
def book_open(*, organisation: Organisation, ems_no: str, customs_code: str, user: User | None = None) -> AccountBook:
    """A bonded warehouse's account book, opened for its operating firm (customs' approval is outside)."""
    ems_no = ems_no.strip().upper()
    if not (ems_no and len(ems_no) <= 12 and ems_no.isalnum()):
        raise BookRefused(_("The account book number is 1 to 12 letters and digits."), field="ems_no")
    if AccountBook.objects.filter(ems_no=ems_no).exists():
        raise BookRefused(_("This account book is already open."), field="ems_no", code="duplicate")
    book = AccountBook.objects.create(organisation=organisation, ems_no=ems_no, customs_code=customs_code)
    audit_record(actor=user, action=EcommerceAction.BOOK_OPENED, obj=book, after={"ems_no": ems_no})
    return book


@transaction.atomic
def book_entry_record(*, book: AccountBook, item_no: str, quantity: Decimal, name: str = "", reference: str = "",
                      user: User | None = None) -> BookMovement:  # fmt: skip
    """Goods entered the bonded warehouse on this book: the item's stock grows by the quantity."""
    item_no = item_no.strip()
    if not item_no or len(item_no) > 40:
        raise BookRefused(_("Give the item number (at most 40 characters)."), field="item_no")
    if quantity <= 0 or quantity >= Decimal("1e14"):
        raise BookRefused(_("The quantity must be more than zero."), field="quantity")
    stock, _created = BookStock.objects.get_or_create(book=book, item_no=item_no, defaults={"name": name[:250]})
    BookStock.objects.filter(pk=stock.pk).update(quantity=F("quantity") + quantity)
    movement = BookMovement.objects.create(book=book, item_no=item_no, kind=BookMovementKind.ENTRY, quantity=quantity,
                                           reference=reference.strip()[:60])  # fmt: skip
    audit_record(actor=user, action=EcommerceAction.BOOK_ENTRY, obj=book,
                 after={"item_no": item_no, "quantity": str(quantity), "reference": movement.reference})  # fmt: skip
    return movement
