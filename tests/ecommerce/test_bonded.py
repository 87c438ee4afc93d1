"""Bonded (1210) account books: goods entered by product and quantity, drawn by accepted 1210
inventories exactly (also when they race), an inventory the book cannot cover returned with the reason,
a cancellation giving the quantity back; the firm's pages."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ecommerce import bonded
from ecommerce.choices import InventoryState, MessageType
from ecommerce.examples import Parcel, parcel_messages
from ecommerce.messages import message_xml
from ecommerce.models import AccountBook, BookStock, Inventory, QuotaLedger

from .. import factories
from ..clients import web
from .senders import World, inventories_racing
from .test_lifecycle import return_message
from .test_matching import KINDS, send_in_order

EMS = "T5165W000001"  # the account book examples.py names for a 1210 parcel


def milk(qty: str) -> list[dict[str, str]]:
    return [{"itemNo": "SKU-MILK-1", "gcode": "1901101000", "gname": "奶粉", "qty": qty, "price": "150.00"}]


def book_with(world: World, quantity: str) -> AccountBook:
    book = bonded.book_open(organisation=world.seller.organisation, ems_no=EMS, customs_code="5165")
    bonded.book_entry_record(book=book, item_no="SKU-MILK-1", quantity=Decimal(quantity), reference="RQ-1")
    return book


def stock(book: AccountBook) -> Decimal:
    return BookStock.objects.get(book=book, item_no="SKU-MILK-1").quantity


def test_a_bonded_inventory_draws_the_book_and_a_cancellation_gives_it_back(world: World) -> None:
    book = book_with(world, "10")
    send_in_order(world, Parcel("ORD-1", "LN-1", trade_mode="1210", items=milk("3")), tuple(KINDS))
    inv = Inventory.objects.get()
    assert inv.state == InventoryState.ACCEPTED and stock(book) == 7
    world.declarant.send(message_xml(MessageType.CANCEL, return_message(inv), cop_code=world.parties.declarant))
    assert stock(book) == 10
    assert list(book.movements.order_by("pk").values_list("kind", "quantity")) == [
        ("entry", Decimal(10)), ("drawn", Decimal(3)), ("restored", Decimal(3))]  # fmt: skip


def test_an_inventory_over_the_stock_is_returned_with_the_reason_and_takes_nothing(world: World) -> None:
    book = book_with(world, "2")
    send_in_order(world, Parcel("ORD-1", "LN-1", trade_mode="1210", items=milk("3")), tuple(KINDS))
    inv = Inventory.objects.get()
    assert (inv.state, inv.reason_code) == (InventoryState.RETURNED, "book_short")
    assert "SKU-MILK-1" in inv.reason and EMS in inv.reason
    assert stock(book) == 2 and QuotaLedger.objects.get().reserved == 0


def test_a_book_of_another_firm_or_none_is_refused(world: World) -> None:
    bonded.book_open(organisation=factories.enterprise(), ems_no=EMS, customs_code="5165")
    send_in_order(world, Parcel("ORD-1", "LN-1", trade_mode="1210", items=milk("1")), tuple(KINDS))
    assert Inventory.objects.get().reason_code == "book_unknown"


def test_direct_purchase_inventories_do_not_touch_a_book(world: World) -> None:
    book = book_with(world, "1")
    send_in_order(world, Parcel("ORD-1", "LN-1", items=milk("3")), tuple(KINDS))
    assert Inventory.objects.get().state == InventoryState.ACCEPTED and stock(book) == 1


@pytest.mark.django_db(transaction=True)
def test_racing_bonded_inventories_draw_exactly_what_the_book_holds(world_tx: World) -> None:
    """Eight parcels of one unit each, their inventories sent at once in eight batches, on a book holding
    five: five are accepted, three returned, the stock is zero and never below."""
    book = book_with(world_tx, "5")
    parcels = [parcel_messages(Parcel(f"ORD-{n}", f"LN-{n}", trade_mode="1210", items=milk("1"))) for n in range(8)]
    for p in parcels:
        world_tx.platform.send(p[MessageType.ORDER])
        world_tx.payment.send(p[MessageType.PAYMENT])
        world_tx.logistics.send(p[MessageType.WAYBILL])
    inventories_racing(world_tx, parcels)
    states = sorted(Inventory.objects.values_list("state", flat=True))
    assert states == ["accepted"] * 5 + ["returned"] * 3
    assert stock(book) == 0 and book.movements.filter(kind="drawn").count() == 5


def test_the_firm_sees_its_book_and_records_goods_entered_another_firm_gets_404(world: World) -> None:
    book = book_with(world, "4")
    send_in_order(world, Parcel("ORD-1", "LN-1", trade_mode="1210", items=milk("1")), tuple(KINDS))
    owner = web(factories.clerk(world.seller.organisation))
    page = owner.get(f"/ecommerce/books/{book.pk}/").content.decode()
    assert EMS in page and Inventory.objects.get().invt_no in page and "RQ-1" in page
    response = owner.post(f"/ecommerce/books/{book.pk}/entries/", {"item_no": "SKU-MILK-1", "quantity": "6",
                                                                   "reference": "RQ-2"})  # fmt: skip
    assert response.status_code == 302 and stock(book) == 9
    assert web(factories.officer()).get(f"/ecommerce/books/{book.pk}/").status_code == 200
    other = web(factories.clerk(world.platform.organisation))
    assert other.get(f"/ecommerce/books/{book.pk}/").status_code == 404
    assert (
        other.post(f"/ecommerce/books/{book.pk}/entries/", {"item_no": "SKU-MILK-1", "quantity": "6"}).status_code
        == 404
    )
    assert stock(book) == 9
