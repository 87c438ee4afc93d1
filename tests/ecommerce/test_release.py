"""The release path: accepted inventories go to customs as one filing (one delivery) per batch, the
simulator's customs answers each inventory (800, 500 then 800, 100 with the reason), the portal applies
the answers and the declarant gets its receipts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.test import Client

from agencies.adapters import adapter_for
from agencies.signing import signed_headers
from agencies.simulator.engine import Engine, envelope, normalise_config
from declarations.choices import DeliveryStatus
from declarations.models import Declaration, Delivery
from ecommerce.choices import InventoryState, ReceiptStatus
from ecommerce.examples import Parcel, parcel_messages
from ecommerce.forwarding import CBEC
from ecommerce.models import Inventory, QuotaLedger, Receipt
from singlewindow.signatures import private_key, public_text, sign, signing_key_id

from .. import factories
from ..clients import web
from .senders import World
from .test_matching import KINDS, SENDER_OF

GATEWAY = "/api/v1/agency-gateway/cbec-receipts/"


def send_parcels(world: World, *parcels: Parcel) -> None:
    """Each sender's messages of every parcel in one batch, inventories last."""
    messages = [parcel_messages(p) for p in parcels]
    for kind in KINDS:
        getattr(world, SENDER_OF[kind]).send(*(m[kind] for m in messages))


def customs(**agency: Any) -> Engine:
    config = {"agencies": {"customs": {"delay_ms": 0, **agency}},
              "portal_public_keys": [public_text(settings.PORTAL_SIGNING_KEY)],
              "keys": {"customs": settings.TEST_PRIVATE_KEYS["customs"]}}  # fmt: skip
    return Engine(normalise_config(config))


def deliver(engine: Engine, delivery: Delivery) -> None:
    """What agencies/delivery.py posts, handed to the simulator's customs in process."""
    body = adapter_for("customs").build_message(delivery.version.payload, message_id=delivery.message_id, version=1)
    headers = signed_headers(body)
    answer = engine.handle_message("customs", delivery.message_id, headers["X-Key-Id"], headers["X-Signature"], body)
    assert answer.status == 202, answer.body


def answers(engine: Engine, *, signer: str = "customs") -> bytes:
    return envelope([item.body for item in engine.take_due()], "cbec")


def post(body: bytes, *, signer: str = "customs") -> Any:
    key = private_key(settings.TEST_PRIVATE_KEYS[signer])
    return Client().post(GATEWAY, body, content_type="application/xml", HTTP_X_KEY_ID=signing_key_id(key),
                         HTTP_X_SIGNATURE=sign(body, key))  # fmt: skip


def the_delivery() -> Delivery:
    return Delivery.objects.select_related("version").get(version__declaration__category=CBEC)


def test_accepted_inventories_of_a_batch_go_to_customs_in_one_delivery(world: World) -> None:
    send_parcels(world, Parcel("ORD-R1", "LN-R1"), Parcel("ORD-R2", "LN-R2"), Parcel("ORD-R3", "LN-R3"))
    filing = Declaration.objects.get(category=CBEC)
    delivery = the_delivery()
    assert (filing.owner, delivery.agency, delivery.status) == (world.declarant.organisation, "customs",
                                                               DeliveryStatus.PENDING)  # fmt: skip
    assert sorted(delivery.version.payload["inventories"]) == sorted(Inventory.objects.values_list("pk", flat=True))
    message = adapter_for("customs").build_message(delivery.version.payload, message_id=delivery.message_id, version=1)
    assert message.count(b"<Inventory Guid=") == 3 and b"ORD-R2" in message


def test_customs_release_releases_the_inventory_and_the_declarant_gets_800(world: World) -> None:
    send_parcels(world, Parcel("ORD-R", "LN-R"))
    engine = customs()
    deliver(engine, the_delivery())
    response = post(answers(engine))
    assert response.status_code == 202, response.content
    inventory = Inventory.objects.get()
    assert (inventory.state, inventory.released_at is not None) == (InventoryState.RELEASED, True)
    receipt = Receipt.objects.get(guid=inventory.guid, status=ReceiptStatus.RELEASED)
    assert (receipt.sender, receipt.invt_no) == (world.declarant.organisation, inventory.invt_no)
    ledger = QuotaLedger.objects.get(buyer_id_number=inventory.buyer_id_number)
    assert (ledger.reserved, ledger.used) == (Decimal(0), inventory.dutiable)


def test_customs_returns_an_inventory_with_its_reason_and_the_quota_comes_back(world: World) -> None:
    send_parcels(world, Parcel("ORD-X", "LN-X"))
    engine = customs(rules=[{"hs_chapter": "19", "decision": "reject", "reason": "申报品名与实货不符"}])
    deliver(engine, the_delivery())
    assert post(answers(engine)).status_code == 202
    inventory = Inventory.objects.get()
    assert (inventory.state, inventory.reason_code) == (InventoryState.RETURNED, "customs_returned")
    receipt = Receipt.objects.get(guid=inventory.guid, status=ReceiptStatus.RETURNED)
    assert "申报品名与实货不符" in receipt.info
    ledger = QuotaLedger.objects.get(buyer_id_number=inventory.buyer_id_number)
    assert (ledger.reserved, ledger.used) == (Decimal(0), Decimal(0))


def test_an_inspection_is_answered_500_then_the_release_800(world: World) -> None:
    send_parcels(world, Parcel("ORD-I", "LN-I"))
    engine = customs(rules=[{"hs_chapter": "19", "decision": "inspect"}])
    deliver(engine, the_delivery())
    assert post(answers(engine)).status_code == 202
    inventory = Inventory.objects.get()
    statuses = list(Receipt.objects.filter(guid=inventory.guid).order_by("id").values_list("status", flat=True))
    assert statuses[-2:] == [ReceiptStatus.INSPECTION, ReceiptStatus.RELEASED]
    assert inventory.state == InventoryState.RELEASED


def test_only_customs_and_only_for_what_it_was_sent(world: World) -> None:
    send_parcels(world, Parcel("ORD-S", "LN-S"))
    engine = customs()
    deliver(engine, the_delivery())
    body = answers(engine)
    assert post(body, signer="inspection").status_code == 400  # speaks for customs: refused whole
    assert post(body.replace(the_delivery().message_id.encode(), b"CB2026000000000099-v1-customs")).status_code == 202
    assert Inventory.objects.get().state == InventoryState.ACCEPTED  # that branch never carried it
    assert post(body[:-5]).status_code == 400


def test_the_filing_page_is_the_declarants_and_customs_and_nobody_elses(world: World) -> None:
    send_parcels(world, Parcel("ORD-F", "LN-F"))
    filing = Declaration.objects.get(category=CBEC)
    url = f"/ecommerce/filings/{filing.pk}/"
    inventory = Inventory.objects.get()
    for user, status in ((factories.clerk(world.declarant.organisation), 200), (factories.officer(), 200),
                         (factories.clerk(world.platform.organisation), 404), (factories.clerk(), 404)):  # fmt: skip
        response = web(user).get(url)
        assert response.status_code == status
        assert (inventory.invt_no in response.content.decode()) == (status == 200)
