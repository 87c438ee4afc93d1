"""A consumer traces a parcel in a real browser (Debian's Chromium through Playwright, as in
tests/browser/conftest.py): by order number, then by ID number with a name, seeing only their own items."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from ecommerce import lifecycle
from ecommerce.examples import Parcel
from ecommerce.models import Inventory

from .senders import World
from .test_matching import KINDS, send_in_order

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])  # fmt: skip
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(10_000)
    page = context.new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    yield page
    context.close()
    assert not refused


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
