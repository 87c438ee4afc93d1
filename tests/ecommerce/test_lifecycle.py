"""After matching: release against a guarantee (exhausted, restored), returns restoring the quota,
cancellation giving the reservation back."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from ecommerce import lifecycle
from ecommerce.choices import InventoryState, MessageType, ReceiptStatus
from ecommerce.examples import Parcel, new_guid
from ecommerce.messages import message_xml
from ecommerce.models import Guarantee, Inventory, QuotaLedger, Receipt

from .senders import World
from .test_matching import KINDS, send_in_order


def accepted(world: World, n: int) -> Inventory:
    send_in_order(world, Parcel(f"ORD-{n}", f"LN-{n}"), tuple(KINDS))
    return Inventory.objects.get(order_no=f"ORD-{n}")


def test_releases_draw_the_guarantee_wait_when_it_runs_out_and_go_when_tax_is_paid(world: World) -> None:
    first, second = accepted(world, 1), accepted(world, 2)  # 28.21 tax each
    lifecycle.guarantee_lodge(organisation=world.declarant.organisation, assure_code=world.parties.declarant,
                              amount=Decimal("50.00"))  # fmt: skip
    assert lifecycle.inventories_release(ids=[first.pk, second.pk]) == 1
    guarantee = Guarantee.objects.get()
    assert guarantee.balance == Decimal("21.79")
    second.refresh_from_db()
    assert second.state == InventoryState.ACCEPTED and second.awaiting_guarantee
    assert lifecycle.guarantee_tax_paid(assure_code=world.parties.declarant, amount=Decimal("28.21")) == 1
    second.refresh_from_db()
    assert second.state == InventoryState.RELEASED and not second.awaiting_guarantee
    assert list(guarantee.entries.values_list("kind", flat=True).order_by("pk")) == [
        "opened", "drawn", "restored", "drawn"]  # fmt: skip
    assert QuotaLedger.objects.get().used == Decimal("620.00")


def return_message(inv: Inventory) -> object:
    head = {"guid": new_guid(), "appType": "1", "appTime": "20261205100000", "appStatus": "2",
            "customsCode": inv.customs_code, "orderNo": inv.order_no, "ebpCode": inv.ebp_code, "ebpName": "平台",
            "ebcCode": inv.ebc_code, "ebcName": "店", "logisticsNo": inv.logistics_no,
            "logisticsCode": inv.logistics_code, "logisticsName": "物流", "copNo": inv.cop_no, "invtNo": inv.invt_no,
            "buyerIdType": "1", "buyerIdNumber": inv.buyer_id_number, "buyerName": inv.buyer_name,
            "buyerTelephone": "13800000000", "agentCode": inv.agent_code, "agentName": "报关", "reason": "不想要了"}  # fmt: skip
    return head


def test_a_return_within_30_days_with_goods_back_within_45_restores_the_quota(world: World) -> None:
    inv = accepted(world, 1)
    lifecycle.inventories_release(ids=[inv.pk], at=timezone.now() - timedelta(days=10))
    assert QuotaLedger.objects.get().used == Decimal("310.00")
    head = return_message(Inventory.objects.get(pk=inv.pk))
    lines = [{"gnum": 1, "gcode": "1901101000", "gname": "奶粉", "qty": "2", "unit": "122"}]
    [receipt] = world.declarant.send(message_xml(MessageType.RETURN, head, lines, cop_code=world.parties.declarant))
    assert receipt.status == ReceiptStatus.ACCEPTED
    lifecycle.return_goods_arrived(inventory=inv)
    inv.refresh_from_db()
    assert inv.state == InventoryState.GOODS_RETURNED
    assert QuotaLedger.objects.get().used == 0
    assert Receipt.objects.filter(guid=head["guid"], status=ReceiptStatus.CONCLUDED).exists()


def test_a_return_after_30_days_is_refused(world: World) -> None:
    inv = accepted(world, 1)
    lifecycle.inventories_release(ids=[inv.pk], at=timezone.now() - timedelta(days=31))
    head = return_message(Inventory.objects.get(pk=inv.pk))
    lines = [{"gnum": 1, "gcode": "1901101000", "gname": "奶粉", "qty": "2", "unit": "122"}]
    [receipt] = world.declarant.send(message_xml(MessageType.RETURN, head, lines, cop_code=world.parties.declarant))
    assert (receipt.status, receipt.code) == (ReceiptStatus.RETURNED, "not_returnable")


def test_cancelling_before_release_gives_the_reservation_back(world: World) -> None:
    inv = accepted(world, 1)
    assert QuotaLedger.objects.get().reserved == Decimal("310.00")
    head = return_message(inv)
    [receipt] = world.declarant.send(message_xml(MessageType.CANCEL, head, cop_code=world.parties.declarant))
    assert receipt.status == ReceiptStatus.ACCEPTED
    assert QuotaLedger.objects.get().reserved == 0
    assert Inventory.objects.get().state == InventoryState.CANCELLED


def test_another_declarants_inventory_cannot_be_cancelled(world: World) -> None:
    inv = accepted(world, 1)
    head = return_message(inv)
    head["agentCode"] = world.parties.platform  # the platform is a sender too, but did not declare it
    [receipt] = world.platform.send(message_xml(MessageType.CANCEL, head, cop_code=world.parties.platform))
    assert (receipt.status, receipt.code) == (ReceiptStatus.RETURNED, "unknown_inventory")
    assert Inventory.objects.get().state == InventoryState.ACCEPTED
