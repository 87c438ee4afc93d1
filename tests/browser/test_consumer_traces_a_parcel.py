"""A consumer traces a parcel in a real browser (Debian's Chromium, tests/browser/conftest.py): by order
number, then by ID number with a name, seeing only their own items."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from ecommerce import lifecycle
from ecommerce.examples import Parcel
from ecommerce.models import Inventory

from ..ecommerce.senders import World, world_make
from ..ecommerce.test_matching import KINDS, send_in_order

pytestmark = pytest.mark.browser


@pytest.fixture
def world_tx(transactional_db: None) -> World:
    return world_make()


def test_a_consumer_traces_by_order_number_and_by_id_number_with_name(
    live_server: LiveServer, page: Page, world_tx: World
) -> None:
    for n, buyer_id, name in ((1, "110101199001011234", "张三"), (2, "110101198502021234", "李四")):
        send_in_order(world_tx, Parcel(f"ORD-{n}", f"LN-{n}", buyer_id=buyer_id, buyer_name=name), tuple(KINDS))
    lifecycle.inventories_release(ids=list(Inventory.objects.values_list("pk", flat=True)))
    page.goto(f"{live_server.url}/ecommerce/trace/")
    page.locator("#order_no").fill("ORD-1")
    page.locator("#trace-form button").click()
    item = page.locator(".traced-item")
    expect(item).to_have_count(1)
    expect(item.locator("tr")).to_have_count(24)  # at least Guangdong's 18 facts
    expect(item).to_contain_text("Morinaga Milk Industry")
    expect(item).to_contain_text(Inventory.objects.get(order_no="ORD-1").invt_no)
    expect(item).not_to_contain_text("110101199001011234")

    page.goto(f"{live_server.url}/ecommerce/trace/")
    page.locator("#id_number").fill("110101198502021234")
    page.locator("#name").fill("李四")
    page.locator("#trace-form button").click()
    expect(page.locator(".traced-item")).to_have_count(1)
    expect(page.locator(".traced-item")).to_contain_text("ORD-2")
    expect(page.locator(".traced-item")).to_contain_text("李*")
    expect(page.locator("body")).not_to_contain_text("ORD-1")
