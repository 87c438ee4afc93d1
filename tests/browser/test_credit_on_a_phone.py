"""A clerk reads the firm's credit on a phone (390 px wide): /credit/mine/ does not scroll sideways, a wide
table scrolls in its own box (as the portal's other tables do), and a commitment's text reads as lines of
text, not one character a line."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from credit import commitments, services

from .. import factories
from .test_clerk_declares import log_in
from .test_phone_layout import PHONE

pytestmark = pytest.mark.browser

PROMISE = "本企业承诺如实申报进出口货物的商品编码、价格和原产地，按期缴纳税款，接受海关稽查，并主动披露违规情况。"


def test_on_a_phone_the_firm_s_credit_page_does_not_scroll_sideways(live_server: LiveServer, page: Page) -> None:
    clerk = factories.clerk()
    today = timezone.localdate()
    services.record_add(agency="customs", channel="api", values={
        "uscc": clerk.organisation.uscc, "record_id": "PEN-PHONE", "kind": "penalty", "penalty_type": "fine",
        "amount": "20000", "legal_basis": "《中华人民共和国海关行政处罚实施条例》第十五条",
        "decided_at": today - timedelta(days=3)})  # fmt: skip
    commitments.commitment_file(user=clerk, kind="self_disclosure", text=PROMISE, agency="customs",
                                starts_on=today, ends_on=today + timedelta(days=365))  # fmt: skip
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/accounts/login/")
    log_in(page, clerk)
    page.goto(f"{live_server.url}/credit/mine/")

    table = page.locator("#own-commitments")
    expect(table).to_contain_text("主动披露承诺")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "the page scrolls sideways"
    assert table.evaluate("t => getComputedStyle(t.parentElement).overflowX") == "auto", "no scroll box of its own"
    text = table.locator("td", has_text=PROMISE[:10])
    box = text.bounding_box()
    assert box is not None and box["width"] >= 120, f"the commitment's text is squeezed to {box} px"


def test_on_a_phone_an_officer_s_credit_records_and_commitments_do_not_scroll_sideways(
    live_server: LiveServer, page: Page
) -> None:
    """An officer's /credit/records/ and /credit/commitments/ are cards on a phone: the page stays 390 px wide,
    the tables sit in their own scroll box, and a commitment's kind reads as a line, not a character a line."""
    officer = factories.officer()
    clerk = factories.clerk()
    today = timezone.localdate()
    services.record_add(agency="customs", channel="api", values={
        "uscc": clerk.organisation.uscc, "record_id": "PEN-PHONE-OFFICER", "kind": "penalty",
        "penalty_type": "fine", "amount": "20000",
        "legal_basis": "《中华人民共和国海关行政处罚实施条例》第十五条",
        "decided_at": today - timedelta(days=3)})  # fmt: skip
    commitments.commitment_file(user=clerk, kind="self_regulation", text=PROMISE, agency="customs",
                                starts_on=today, ends_on=today + timedelta(days=365))  # fmt: skip
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/accounts/login/")
    log_in(page, officer)

    for path, table_id, wanted in (("/credit/records/", "#records", "PEN-PHONE-OFFICER"),
                                   ("/credit/commitments/", "#commitments", "行业自律承诺")):  # fmt: skip
        page.goto(f"{live_server.url}{path}")
        table = page.locator(table_id)
        expect(table).to_contain_text(wanted)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} scrolls sideways: {width} px"
        assert table.evaluate("t => getComputedStyle(t.parentElement).overflowX") == "auto", f"{path}: no scroll box"
        expect(table.locator("thead")).to_be_hidden()
        cell = table.locator("td", has_text=wanted)
        box = cell.bounding_box()
        assert box is not None and box["width"] >= 120, f"{path}: {wanted} is squeezed to {box} px"
