"""appType 2 (change) and 3 (delete): a message not yet decided is replaced or withdrawn and the parcel
matched again; once its inventory is decided both are refused with the reason."""

from __future__ import annotations

from typing import cast

from lxml import etree

from ecommerce.choices import InventoryState, MessageType, ReceiptStatus
from ecommerce.examples import Parcel, parcel_messages
from ecommerce.messages import NS, message_xml
from ecommerce.models import Inventory, Order

from .senders import World
from .test_lifecycle import accepted, return_message
from .test_matching import send_in_order

ADDRESS_B = "上海市浦东新区世纪大道100号"


def amending(element: etree._Element, app_type: str) -> etree._Element:
    """The same message as a change (2) or a deletion (3), with its own new guid."""
    for node in element.iter(NS + "appType"):
        node.text = app_type
    return element


def test_a_changed_order_replaces_the_earlier_one_and_the_waiting_inventory_matches_it(world: World) -> None:
    first = parcel_messages(Parcel("ORD-1", "LN-1"))  # consignee address A
    world.platform.send(first[MessageType.ORDER])
    world.payment.send(first[MessageType.PAYMENT])
    world.declarant.send(first[MessageType.INVENTORY])
    changed = parcel_messages(Parcel("ORD-1", "LN-1", consignee_address=ADDRESS_B))
    [receipt] = world.platform.send(amending(changed[MessageType.ORDER], "2"))
    assert (receipt.status, receipt.code) == (ReceiptStatus.ACCEPTED, "amended")
    assert Order.objects.get().consignee_address == ADDRESS_B and Inventory.objects.get().state == "waiting"
    world.logistics.send(changed[MessageType.WAYBILL])  # the waybill names address B: it agrees with the change
    assert Inventory.objects.get().state == InventoryState.ACCEPTED


def test_a_changed_inventory_waits_again_under_its_new_guid_and_is_matched_with_its_new_content(world: World) -> None:
    messages = parcel_messages(Parcel("ORD-1", "LN-1"))
    for who, kind in (("platform", MessageType.ORDER), ("payment", MessageType.PAYMENT)):
        getattr(world, who).send(messages[kind])
    world.declarant.send(messages[MessageType.INVENTORY])
    changed = amending(parcel_messages(Parcel("ORD-1", "LN-1"))[MessageType.INVENTORY], "2")
    for node in changed.iter(NS + "grossWeight"):
        node.text = "1.5"
    [receipt] = world.declarant.send(changed)
    assert (receipt.guid, receipt.status) == (changed.get("guid"), ReceiptStatus.DECLARING)
    world.logistics.send(messages[MessageType.WAYBILL])
    inventory = Inventory.objects.get()
    assert (inventory.guid, inventory.state, str(inventory.gross_weight)) == (changed.get("guid"), "accepted", "1.5000")


def test_a_deleted_inventory_is_withdrawn_and_a_new_one_for_the_order_can_follow(world: World) -> None:
    messages = parcel_messages(Parcel("ORD-1", "LN-1"))
    world.declarant.send(messages[MessageType.INVENTORY])
    [receipt] = world.declarant.send(amending(parcel_messages(Parcel("ORD-1", "LN-1"))[MessageType.INVENTORY], "3"))
    assert (receipt.status, receipt.code) == (ReceiptStatus.ACCEPTED, "withdrawn")
    assert Inventory.objects.get().state == InventoryState.WITHDRAWN
    send_in_order(world, Parcel("ORD-1", "LN-1"), (MessageType.ORDER, MessageType.PAYMENT, MessageType.WAYBILL,
                                                    MessageType.INVENTORY))  # fmt: skip
    assert sorted(Inventory.objects.values_list("state", flat=True)) == ["accepted", "withdrawn"]


def test_a_deleted_waybill_is_withdrawn_and_the_inventory_waits_for_another(world: World) -> None:
    messages = parcel_messages(Parcel("ORD-1", "LN-1"))
    world.logistics.send(messages[MessageType.WAYBILL])
    world.declarant.send(messages[MessageType.INVENTORY])
    [receipt] = world.logistics.send(amending(parcel_messages(Parcel("ORD-1", "LN-1"))[MessageType.WAYBILL], "3"))
    assert (receipt.status, receipt.code) == (ReceiptStatus.ACCEPTED, "withdrawn")
    world.platform.send(messages[MessageType.ORDER])
    world.payment.send(messages[MessageType.PAYMENT])
    assert Inventory.objects.get().state == InventoryState.WAITING


def test_changes_and_deletions_after_the_inventory_is_decided_are_refused_and_change_nothing(world: World) -> None:
    send_in_order(world, Parcel("ORD-1", "LN-1"), (MessageType.ORDER, MessageType.PAYMENT, MessageType.WAYBILL,
                                                    MessageType.INVENTORY))  # fmt: skip
    later = parcel_messages(Parcel("ORD-1", "LN-1", consignee_address=ADDRESS_B))
    [order] = world.platform.send(amending(later[MessageType.ORDER], "2"))
    [inventory] = world.declarant.send(amending(later[MessageType.INVENTORY], "3"))
    for receipt in (order, inventory):
        assert (receipt.status, receipt.code) == (ReceiptStatus.RETURNED, "amend_decided")
        assert "CEB623" in receipt.info and "CEB625" in receipt.info
    assert Order.objects.get().consignee_address != ADDRESS_B
    assert Inventory.objects.get().state == InventoryState.ACCEPTED


def test_a_change_of_something_never_sent_is_refused(world: World) -> None:
    [receipt] = world.platform.send(amending(parcel_messages(Parcel("ORD-9", "LN-9"))[MessageType.ORDER], "2"))
    assert (receipt.status, receipt.code) == (ReceiptStatus.RETURNED, "amend_unknown")
    assert not Order.objects.exists()


def test_a_cancellation_is_still_only_taken_as_a_new_message(world: World) -> None:
    inv = accepted(world, 1)
    head = {**cast(dict[str, str], return_message(inv)), "appType": "2"}
    [receipt] = world.declarant.send(message_xml(MessageType.CANCEL, head, cop_code=world.parties.declarant))
    assert (receipt.status, receipt.code) == (ReceiptStatus.RETURNED, "app_type")
