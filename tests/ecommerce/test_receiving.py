"""A sender's signed batch: each message answered, refusals that change nothing else."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from lxml import etree

from ecommerce import receiving
from ecommerce.choices import InventoryState, MessageType, ReceiptStatus
from ecommerce.examples import Parcel, new_guid, parcel_messages
from ecommerce.messages import NS, batch_bytes, schema, schema_in_order, schema_text
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


def test_a_refused_message_leaves_its_guid_free_and_a_guid_twice_in_a_batch_is_refused_once(world: World) -> None:
    world.platform.send(parcel_messages(Parcel("ORD-1", "LN-1"))[MessageType.ORDER])
    resent = parcel_messages(Parcel("ORD-1", "LN-2"))[MessageType.ORDER]  # the same order number, a new guid
    [receipt] = world.platform.send(resent)
    assert (receipt.status, receipt.code) == (100, "order_exists")
    assert not Message.objects.filter(guid=resent.get("guid")).exists()
    fixed = parcel_messages(Parcel("ORD-2", "LN-2"))[MessageType.ORDER]
    twice = parcel_messages(Parcel("ORD-3", "LN-3"))[MessageType.ORDER]
    for message in (fixed, twice):  # the refused message's guid, corrected, then once more in the same batch
        message.set("guid", resent.get("guid"))
        message.find(f"{NS}Order/{NS}OrderHead/{NS}guid").text = resent.get("guid")
    receipts = world.platform.send(fixed, twice)
    assert [(r.status, r.code) for r in receipts] == [(120, ""), (100, "duplicate_guid")]
    assert sorted(Order.objects.values_list("order_no", flat=True)) == ["ORD-1", "ORD-2"]


def test_receipts_are_built_in_the_fields_order() -> None:
    at = timezone.now()
    receipt = Receipt.answer(sender_id=7, guid="G", kind=MessageType.INVENTORY, status=ReceiptStatus.RETURNED,
                             code="missing", info="why", invt_no="N", at=at)  # fmt: skip
    assert (receipt.pk, receipt.sender_id, receipt.guid, receipt.kind, receipt.status, receipt.code, receipt.info,
            receipt.invt_no, receipt.at) == (None, 7, "G", MessageType.INVENTORY, 100, "missing", "why", "N", at)  # fmt: skip


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


def test_a_second_payment_or_live_inventory_for_an_order_is_refused(world: World) -> None:
    first, again = parcel_messages(Parcel("ORD-1", "LN-1")), parcel_messages(Parcel("ORD-1", "LN-1"))
    world.payment.send(first[MessageType.PAYMENT])
    [waiting] = world.declarant.send(first[MessageType.INVENTORY])  # waits for its order and waybill: live
    assert waiting.status == ReceiptStatus.DECLARING
    [paid_twice] = world.payment.send(again[MessageType.PAYMENT])
    [declared_twice] = world.declarant.send(again[MessageType.INVENTORY])
    assert [(r.status, r.code) for r in (paid_twice, declared_twice)] == [(100, "payment_exists"),
                                                                           (100, "inventory_exists")]  # fmt: skip
    assert Inventory.objects.get().guid == first[MessageType.INVENTORY].get("guid")


def test_the_elements_of_a_message_may_come_in_any_order(world: World) -> None:
    in_order = parcel_messages(Parcel("ORD-1", "LN-1"))[MessageType.ORDER]
    shuffled = parcel_messages(Parcel("ORD-2", "LN-2"))[MessageType.ORDER]
    head = shuffled.find(f"{NS}Order/{NS}OrderHead")
    head[:] = list(reversed(head))
    assert not schema_in_order().validate(as_batch(shuffled)) and schema().validate(shuffled)
    receipts = world.platform.send(in_order, shuffled)
    assert [(r.status, r.code) for r in receipts] == [(120, ""), (120, "")]
    assert sorted(Order.objects.values_list("order_no", flat=True)) == ["ORD-1", "ORD-2"]


def as_batch(*messages: etree._Element) -> etree._Element:
    """The messages as the parsed batch the portal validates."""
    return etree.fromstring(batch_bytes(list(messages)))


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
