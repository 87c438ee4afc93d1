"""A sender's signed batch: each message answered, refusals that change nothing else."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from ecommerce import receiving
from ecommerce.choices import InventoryState, MessageType, ReceiptStatus
from ecommerce.examples import Parcel, new_guid, parcel_messages
from ecommerce.messages import NS, batch_bytes, schema, schema_text
from ecommerce.models import Inventory, Message, Order, Receipt, Waybill

from .senders import World


def test_the_committed_schema_is_the_one_the_field_lists_describe() -> None:
    from ecommerce.messages import SCHEMA_FILE

    assert SCHEMA_FILE.read_text() == schema_text()


def test_a_parcel_in_four_batches_is_accepted_with_an_inventory_number(world: World) -> None:
    m = parcel_messages(Parcel("ORD-1", "LN-1"))
    assert [r.status for r in world.platform.send(m[MessageType.ORDER])] == [ReceiptStatus.ACCEPTED]
    assert [r.status for r in world.payment.send(m[MessageType.PAYMENT])] == [ReceiptStatus.ACCEPTED]
    assert [r.status for r in world.logistics.send(m[MessageType.WAYBILL])] == [ReceiptStatus.ACCEPTED]
    [receipt] = world.declarant.send(m[MessageType.INVENTORY])
    assert receipt.status == ReceiptStatus.ACCEPTED, receipt.info
    inventory = Inventory.objects.get()
    assert inventory.state == InventoryState.ACCEPTED
    assert len(inventory.invt_no) == 18 and receipt.invt_no == inventory.invt_no
    assert str(inventory.tax) == "28.21"  # (300 + 10) × 13 % × 70 %


def test_an_unsigned_batch_gets_a_receipt_and_stores_nothing(world: World) -> None:
    m = parcel_messages(Parcel("ORD-1", "LN-1"))
    body = batch_bytes([m[MessageType.ORDER]])
    other = world.payment.signed(body)  # signed, but by another organisation's key
    outcome = receiving.batch_receive(sender=world.platform.organisation, body=body, **other)
    assert not outcome.signed and [(r.status, r.code) for r in outcome.receipts] == [(100, "signature")]
    assert not Order.objects.exists() and not Message.objects.exists()


def test_malformed_xml_and_entities_are_refused_whole(world: World) -> None:
    for body, code in ((b"<ceb:CebBatch xmlns:ceb='http://www.chinaport.gov.cn/ceb'><oops>", "malformed"),
                       (b'<!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>', "dtd"),
                       (b"<other/>", "wrong_root")):  # fmt: skip
        outcome = receiving.batch_receive(sender=world.platform.organisation, body=body, **world.platform.signed(body))
        assert [(r.status, r.code) for r in outcome.receipts] == [(100, code)]
    assert not Message.objects.exists()


def test_a_duplicate_guid_is_returned_and_the_first_stands(world: World) -> None:
    m = parcel_messages(Parcel("ORD-1", "LN-1"))
    world.platform.send(m[MessageType.ORDER])
    again = parcel_messages(Parcel("ORD-2", "LN-2"))[MessageType.ORDER]
    guid = m[MessageType.ORDER].get("guid")
    again.set("guid", guid)
    again.find(f"{NS}Order/{NS}OrderHead/{NS}guid").text = guid
    [receipt] = world.platform.send(again)
    assert (receipt.status, receipt.code) == (100, "duplicate_guid")
    assert list(Order.objects.values_list("order_no", flat=True)) == ["ORD-1"]


def test_an_order_of_another_platform_is_refused(world: World) -> None:
    m = parcel_messages(Parcel("ORD-1", "LN-1"))
    [receipt] = world.seller.send(m[MessageType.ORDER])  # the seller is not the platform the order names
    assert (receipt.status, receipt.code) == (100, "not_yours")
    assert not Order.objects.exists()


def test_actural_paid_must_add_up(world: World) -> None:
    order = parcel_messages(Parcel("ORD-1", "LN-1"))[MessageType.ORDER]
    order.find(f"{NS}Order/{NS}OrderHead/{NS}acturalPaid").text = "1.00"
    assert [(r.status, r.code) for r in world.platform.send(order)] == [(100, "actural_paid")]


def test_a_schema_error_in_one_message_leaves_the_others(world: World) -> None:
    good = parcel_messages(Parcel("ORD-1", "LN-1"))[MessageType.ORDER]
    bad = parcel_messages(Parcel("ORD-2", "LN-2"))[MessageType.ORDER]
    bad.find(f"{NS}Order/{NS}OrderHead/{NS}currency").text = "502"
    receipts = world.platform.send(good, bad)
    assert [(r.status, r.code) for r in receipts] == [(120, ""), (100, "schema")]
    assert list(Order.objects.values_list("order_no", flat=True)) == ["ORD-1"]
    assert schema().validate(good)


def test_a_waybill_number_is_the_carriers_for_six_months(world: World) -> None:
    first = parcel_messages(Parcel("ORD-1", "LN-1"))[MessageType.WAYBILL]
    world.logistics.send(first, now=timezone.now() - timedelta(days=100))
    [receipt] = world.logistics.send(parcel_messages(Parcel("ORD-2", "LN-1"))[MessageType.WAYBILL])
    assert (receipt.status, receipt.code) == (100, "waybill_reused")
    Waybill.objects.update(received_at=timezone.now() - timedelta(days=200))
    [receipt] = world.logistics.send(parcel_messages(Parcel("ORD-3", "LN-1"))[MessageType.WAYBILL])
    assert receipt.status == ReceiptStatus.ACCEPTED
    assert Waybill.objects.filter(current=True).count() == 1


def test_receipts_are_stored_for_the_sender_only(world: World) -> None:
    m = parcel_messages(Parcel("ORD-1", "LN-1"))
    world.platform.send(m[MessageType.ORDER])
    assert set(Receipt.objects.values_list("sender", flat=True)) == {world.platform.organisation.pk}
    assert new_guid() != new_guid()
