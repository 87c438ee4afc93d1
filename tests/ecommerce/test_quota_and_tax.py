"""Limits and tax: the yearly quota exact under concurrency, the year boundary in Beijing time, the
70 % rate, a single indivisible item above 5,000 yuan taxed in full."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection, transaction

from ecommerce.catalogue import line_tax
from ecommerce.choices import InventoryState, MessageType
from ecommerce.examples import Parcel, parcel_messages
from ecommerce.models import Inventory, QuotaLedger
from ecommerce.quota import Want, quota_reserve, quota_state, quota_year

from .senders import World, inventories_racing
from .test_matching import KINDS, send_in_order


def test_the_cbec_rate_is_seventy_percent_of_vat_and_consumption_tax() -> None:
    assert line_tax("1901101000", Decimal("3000")).total == Decimal("273.00")  # 3,000 × 13 % × 70 %
    perfume = line_tax("3303000000", Decimal("1000"))  # (0.15 + 0.13) / 0.85 × 0.7
    assert perfume.total == (Decimal("1000") * Decimal("0.28") / Decimal("0.85") * Decimal("0.7")).quantize(
        Decimal("0.01")
    )


def test_a_single_indivisible_item_above_5000_is_accepted_and_taxed_in_full(world: World) -> None:
    items = [{"itemNo": "SKU-WATCH-1", "gcode": "9102110000", "gname": "机械手表", "qty": "1", "price": "8000.00"}]
    send_in_order(world, Parcel("ORD-F", "LN-F", items=items, freight=Decimal(0)), tuple(KINDS))
    inventory = Inventory.objects.get()
    assert inventory.state == InventoryState.ACCEPTED and inventory.full_tax
    assert inventory.tariff == Decimal("640.00")  # 8 % MFN
    assert inventory.vat == Decimal("1123.20")  # (8,000 + 640) × 13 %, in full
    assert quota_state(inventory.buyer_id_number, inventory.quota_year).reserved == Decimal("8000.00")


def test_a_buyer_over_the_yearly_limit_is_returned_and_nothing_is_reserved(world: World) -> None:
    QuotaLedger.objects.create(buyer_id_number="110101199001011234", year=quota_year(datetime.now(UTC)),
                               used=Decimal("25900"))  # fmt: skip
    send_in_order(world, Parcel("ORD-Q", "LN-Q"), tuple(KINDS))
    inventory = Inventory.objects.get()
    assert (inventory.state, inventory.reason_code) == (InventoryState.RETURNED, "over_yearly_quota")
    assert QuotaLedger.objects.get().reserved == 0


def test_the_year_is_beijings(world: World) -> None:
    new_year_in_beijing = datetime(2026, 12, 31, 16, 30, tzinfo=UTC)  # 2027-01-01 00:30 in Beijing
    assert quota_year(new_year_in_beijing) == 2027
    assert quota_year(datetime(2026, 12, 31, 15, 59, tzinfo=UTC)) == 2026
    QuotaLedger.objects.create(buyer_id_number="110101199001011234", year=2026, used=Decimal("26000"))
    messages = parcel_messages(Parcel("ORD-Y", "LN-Y"))
    for kind, sender in zip(KINDS, ("platform", "payment", "logistics", "declarant"), strict=True):
        getattr(world, sender).send(messages[kind], now=new_year_in_beijing)
    inventory = Inventory.objects.get()
    assert (inventory.state, inventory.quota_year) == (InventoryState.ACCEPTED, 2027)
    assert inventory.invt_no[4:8] == "2027"


@pytest.mark.django_db(transaction=True)
def test_racing_inventories_for_one_buyer_cannot_together_pass_the_limit() -> None:
    """Twenty threads, each with its own connection, reserve 2,000 yuan for a buyer with 10,000 used:
    the database lets exactly the amount left through."""
    QuotaLedger.objects.create(buyer_id_number="B1", year=2026, used=Decimal("10000"))
    barrier = threading.Barrier(20)
    granted: list[int] = []
    lock = threading.Lock()

    def reserve(key: int) -> None:
        try:
            barrier.wait()
            with transaction.atomic():
                answer = quota_reserve([Want(key, "B1", 2026, Decimal("2000"))])
            if answer[key] is None:
                with lock:
                    granted.append(key)
        finally:
            connection.close()

    threads = [threading.Thread(target=reserve, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    row = QuotaLedger.objects.get(buyer_id_number="B1")
    assert len(granted) == 8 and row.reserved == Decimal("16000") and row.used + row.reserved <= 26000


@pytest.mark.django_db(transaction=True)
def test_two_parcels_for_one_buyer_in_racing_batches_cannot_both_pass(world_tx: World) -> None:
    """Two whole parcels (all four messages each) sent in two batches at once, for a buyer with 4,800
    left: one is accepted, the other returned over quota."""
    QuotaLedger.objects.create(buyer_id_number="110101199001011234", year=quota_year(datetime.now(UTC)),
                               used=Decimal("21200"))  # fmt: skip
    parcels = [parcel_messages(Parcel(f"ORD-{n}", f"LN-{n}", items=[{"itemNo": "SKU-MILK-1", "gcode": "1901101000",
               "gname": "奶粉", "qty": "1", "price": "3000.00"}])) for n in (1, 2)]  # fmt: skip
    for p in parcels:  # order, payment and waybill first; then the inventories race
        world_tx.platform.send(p[MessageType.ORDER])
        world_tx.payment.send(p[MessageType.PAYMENT])
        world_tx.logistics.send(p[MessageType.WAYBILL])
    inventories_racing(world_tx, parcels)
    states = sorted(Inventory.objects.values_list("state", "reason_code"))
    assert states == [(InventoryState.ACCEPTED, ""), (InventoryState.RETURNED, "over_yearly_quota")]
