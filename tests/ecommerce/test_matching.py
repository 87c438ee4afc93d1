"""三单对碰: the four messages in any order, each reason an inventory is returned, and the window."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ecommerce import tasks
from ecommerce.choices import IdentityCheck, InventoryState, MessageType, ReceiptStatus
from ecommerce.examples import Parcel, parcel_messages
from ecommerce.models import Inventory, Receipt

from .senders import World

KINDS = [MessageType.ORDER, MessageType.PAYMENT, MessageType.WAYBILL, MessageType.INVENTORY]
SENDER_OF = {MessageType.ORDER: "platform", MessageType.PAYMENT: "payment", MessageType.WAYBILL: "logistics",
             MessageType.INVENTORY: "declarant"}  # fmt: skip


def send_in_order(world: World, parcel: Parcel, order: tuple[str, ...]) -> None:
    messages = parcel_messages(parcel)
    for kind in order:
        getattr(world, SENDER_OF[kind]).send(messages[kind])


@pytest.mark.parametrize("order", list(itertools.permutations(KINDS)), ids=lambda o: "-".join(k[3:] for k in o))
def test_every_arrival_order_ends_accepted_with_one_decision(world: World, order: tuple[str, ...]) -> None:
    send_in_order(world, Parcel("ORD-P", "LN-P"), order)
    inventory = Inventory.objects.get()
    assert inventory.state == InventoryState.ACCEPTED
    decisions = Receipt.objects.filter(guid=inventory.guid).exclude(status=ReceiptStatus.DECLARING)
    assert list(decisions.values_list("status", flat=True)) == [ReceiptStatus.ACCEPTED]


MISMATCHES = {
    "payment_amount": {"amount_paid": Decimal("1.00")},
    "consignee_mismatch": {"waybill_consignee_address": "上海市浦东新区"},
    "payer_not_buyer": {"payer_id": "110101198001011111", "payer_name": "李四"},
    "product_not_filed": {"items": [{"itemNo": "SKU-NONE", "gcode": "1901101000", "gname": "奶粉", "qty": "1",
                                     "price": "100.00"}]},
    "product_hs": {"items": [{"itemNo": "SKU-MILK-1", "gcode": "0402100000", "gname": "奶粉", "qty": "1",
                              "price": "100.00"}]},
    "not_positive_list": {"items": [{"itemNo": "SKU-RIFLE-1", "gcode": "9303201000", "gname": "猎枪", "qty": "1",
                                     "price": "100.00"}]},
    "over_transaction_limit": {"items": [{"itemNo": "SKU-MILK-1", "gcode": "1901101000", "gname": "奶粉", "qty": "20",
                                          "price": "300.00"}]},
}  # fmt: skip


@pytest.mark.parametrize("code", list(MISMATCHES))
def test_each_disagreement_returns_the_inventory_with_its_reason(world: World, code: str) -> None:
    send_in_order(world, Parcel("ORD-M", "LN-M", **MISMATCHES[code]), tuple(KINDS))
    inventory = Inventory.objects.get()
    assert (inventory.state, inventory.reason_code) == (InventoryState.RETURNED, code)
    receipt = Receipt.objects.get(guid=inventory.guid, status=ReceiptStatus.RETURNED)
    assert receipt.code == code and receipt.info


def test_an_inventory_line_that_is_not_an_order_line_is_returned(world: World) -> None:
    messages = parcel_messages(Parcel("ORD-L", "LN-L"))
    other = parcel_messages(Parcel("ORD-L", "LN-L", items=[{"itemNo": "SKU-MILK-1", "gcode": "1901101000",
                                                             "gname": "奶粉", "qty": "3", "price": "150.00"}]))  # fmt: skip
    world.platform.send(messages[MessageType.ORDER])
    world.payment.send(messages[MessageType.PAYMENT])
    world.logistics.send(messages[MessageType.WAYBILL])
    world.declarant.send(other[MessageType.INVENTORY])
    assert Inventory.objects.get().reason_code == "line_mismatch"


def test_the_buyer_must_be_the_orders(world: World) -> None:
    messages = parcel_messages(Parcel("ORD-B", "LN-B"))
    other = parcel_messages(Parcel("ORD-B", "LN-B", buyer_name="王五"))
    for kind in KINDS[:3]:
        getattr(world, SENDER_OF[kind]).send(messages[kind])
    world.declarant.send(other[MessageType.INVENTORY])
    assert Inventory.objects.get().reason_code == "buyer_mismatch"


def test_a_payer_who_is_not_the_buyer_passes_when_the_payment_firm_checked_the_buyer(world: World) -> None:
    parcel = Parcel("ORD-I", "LN-I", payer_id="110101198001011111", payer_name="李四",
                    identity_check=IdentityCheck.PASSED)  # fmt: skip
    send_in_order(world, parcel, tuple(KINDS))
    assert Inventory.objects.get().state == InventoryState.ACCEPTED


@pytest.mark.parametrize("missing", [MessageType.ORDER, MessageType.PAYMENT, MessageType.WAYBILL])
def test_after_the_window_the_sweep_returns_the_inventory_once_naming_what_is_missing(
    world: World, missing: str, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.CBEC_MATCH_WINDOW_SECONDS = 60
    send_in_order(world, Parcel("ORD-W", "LN-W"), tuple(k for k in KINDS if k != missing))
    inventory = Inventory.objects.get()
    [waiting] = Receipt.objects.filter(guid=inventory.guid)
    assert waiting.status == ReceiptStatus.DECLARING
    tasks.sweep()  # within the window: still waiting
    assert Inventory.objects.get().state == InventoryState.WAITING
    Inventory.objects.update(deadline=timezone.now() - timedelta(seconds=1))
    assert tasks.sweep() == 1
    assert tasks.sweep() == 0  # exactly once
    inventory.refresh_from_db()
    assert (inventory.state, inventory.reason_code) == (InventoryState.RETURNED, "missing")
    assert Receipt.objects.filter(guid=inventory.guid, status=ReceiptStatus.RETURNED).count() == 1


def test_the_sweep_accepts_an_inventory_whose_last_message_came_while_it_was_decided(world: World) -> None:
    """A racing batch may commit the missing message after this one looked: the sweep re-matches."""
    messages = parcel_messages(Parcel("ORD-R", "LN-R"))
    for kind in (MessageType.INVENTORY, MessageType.ORDER, MessageType.PAYMENT):
        getattr(world, SENDER_OF[kind]).send(messages[kind])
    from ecommerce.models import Waybill

    world.logistics.send(messages[MessageType.WAYBILL])
    Inventory.objects.update(state=InventoryState.WAITING, invt_no="")  # as if the waybill's batch had missed it
    assert Waybill.objects.exists()
    tasks.sweep()
    assert Inventory.objects.get().state == InventoryState.ACCEPTED
