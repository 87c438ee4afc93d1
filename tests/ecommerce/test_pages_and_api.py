"""The message channel over HTTP, the receipts a sender reads back, the public trace page and the
buyer's quota lookup."""

from __future__ import annotations

from django.test import Client
from django.utils import translation

from ecommerce import lifecycle
from ecommerce.choices import MessageType
from ecommerce.examples import Parcel, parcel_messages
from ecommerce.messages import batch_bytes
from ecommerce.models import Inventory, Order
from ecommerce.reasons import reason

from .. import factories
from ..clients import api, web
from .senders import World
from .test_matching import KINDS, send_in_order


def post_batch(world: World, who: str, body: bytes, *, signer: str | None = None):  # type: ignore[no-untyped-def]
    sender = getattr(world, who)
    client = api(factories.clerk(sender.organisation))
    signed = getattr(world, signer or who).signed(body)
    return client.post("/api/v1/ecommerce/messages/", data=body, content_type="application/xml",
                       HTTP_X_KEY_ID=signed["key_id"], HTTP_X_SIGNATURE=signed["signature"])  # fmt: skip


def test_a_signed_batch_over_http_is_answered_with_its_receipts(world: World) -> None:
    body = batch_bytes([parcel_messages(Parcel("ORD-1", "LN-1"))[MessageType.ORDER]])
    response = post_batch(world, "platform", body)
    assert response.status_code == 202
    assert [r["status"] for r in response.json()["receipts"]] == [120]


def test_a_batch_signed_with_another_firms_key_is_401_with_a_reason(world: World) -> None:
    body = batch_bytes([parcel_messages(Parcel("ORD-1", "LN-1"))[MessageType.ORDER]])
    response = post_batch(world, "platform", body, signer="payment")
    assert response.status_code == 401
    [receipt] = response.json()["receipts"]
    with translation.override("zh-hans"):
        assert (receipt["code"], receipt["info"]) == ("signature", reason("signature"))
    assert not Order.objects.exists()


def test_a_sender_reads_its_own_receipts_and_gets_404_for_anothers(world: World) -> None:
    body = batch_bytes([parcel_messages(Parcel("ORD-1", "LN-1"))[MessageType.ORDER]])
    receipt_id = post_batch(world, "platform", body).json()["receipts"][0]["id"]
    mine = api(factories.clerk(world.platform.organisation))
    theirs = api(factories.clerk(world.payment.organisation))
    assert [r["id"] for r in mine.get("/api/v1/ecommerce/receipts/").json()["results"]] == [receipt_id]
    assert theirs.get("/api/v1/ecommerce/receipts/").json()["results"] == []
    assert mine.get(f"/api/v1/ecommerce/receipts/{receipt_id}/").status_code == 200
    assert theirs.get(f"/api/v1/ecommerce/receipts/{receipt_id}/").status_code == 404


def test_a_seller_files_a_product_once_and_sees_the_positive_list_flag(world: World) -> None:
    client = api(factories.clerk(world.seller.organisation))
    body = {"item_no": "SKU-NEW", "hs_code": "3304990000", "name": "面霜", "origin": "392", "producer": "Shiseido"}
    response = client.post("/api/v1/ecommerce/products/", body, format="json")
    assert response.status_code == 201 and response.json()["positive_list"] is True
    assert client.post("/api/v1/ecommerce/products/", body, format="json").json()["errors"][0]["code"] == "duplicate"


def released(world: World, n: int, **kwargs: object) -> Inventory:
    send_in_order(world, Parcel(f"ORD-{n}", f"LN-{n}", **kwargs), tuple(KINDS))  # type: ignore[arg-type]
    inv = Inventory.objects.get(order_no=f"ORD-{n}")
    lifecycle.inventories_release(ids=[inv.pk])
    return inv


def test_the_trace_page_shows_at_least_18_facts_by_order_number(world: World) -> None:
    inv = released(world, 1)
    page = Client().get("/ecommerce/trace/", {"order_no": "ORD-1"}).content.decode()
    assert inv.invt_no in page and "Morinaga Milk Industry" in page
    assert page.count("<th>") >= 18
    assert "110101199001011234" not in page  # the buyer's ID number is masked


def test_an_id_number_query_needs_the_name_and_shows_only_that_buyers_items(world: World) -> None:
    released(world, 1)
    released(world, 2, buyer_id="110101198502021234", buyer_name="李四")
    client = Client()
    assert "ORD-1" not in client.get("/ecommerce/trace/", {"id_number": "110101199001011234"}).content.decode()
    page = client.get("/ecommerce/trace/", {"id_number": "110101199001011234", "name": "张三"}).content.decode()
    assert "ORD-1" in page and "ORD-2" not in page


def test_a_buyer_sees_the_years_quota_with_id_name_and_an_order_number(world: World) -> None:
    released(world, 1)
    client = Client()
    page = client.post("/ecommerce/quota/", {"id_number": "110101199001011234", "name": "张三",
                                             "order_no": "ORD-1"}).content.decode()  # fmt: skip
    assert 'id="used">310.00<' in page and 'id="left">25690.00<' in page
    wrong = client.post("/ecommerce/quota/", {"id_number": "110101199001011234", "name": "李四", "order_no": "ORD-1"})
    assert 'id="no-quota"' in wrong.content.decode()


def test_only_customs_officers_see_the_inventory_list(world: World) -> None:
    released(world, 1)
    assert web(factories.officer()).get("/ecommerce/inventories/").status_code == 200
    assert web(factories.clerk(world.declarant.organisation)).get("/ecommerce/inventories/").status_code == 404
