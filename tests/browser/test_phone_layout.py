"""What a clerk sees on a phone (390 px wide), and what a port officer sees scanning a certificate's QR code.

The list is a stack of cards, the header a menu, the fields big enough to type into without the phone
zooming, every tap target at least 44 px high; the verification page's verdict is large and in colour.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from declarations import services as declaration_services
from vessels import certificate
from vessels import services as vessel_services
from vessels.models import PortClearance

from .. import factories
from ..vessels.test_filing import release_everywhere
from .test_clerk_declares import log_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
TAP = 44  # px: the smallest comfortable tap target (WCAG 2.5.5, Apple's and Google's guidelines)
GREEN, RED, AMBER = "rgb(30, 122, 60)", "rgb(179, 38, 30)", "rgb(161, 74, 0)"


def css(locator: Locator, prop: str, pseudo: str | None = None) -> str:
    value: str = locator.evaluate(
        "(el, [p, pseudo]) => getComputedStyle(el, pseudo).getPropertyValue(p)", [prop, pseudo]
    )
    return value


def px(locator: Locator, prop: str) -> float:
    return float(css(locator, prop).removesuffix("px"))


def height(locator: Locator) -> float:
    box = locator.bounding_box()
    assert box is not None, f"{locator} is not shown"
    return box["height"]


def test_on_a_phone_the_list_is_cards_the_header_a_menu_and_fields_do_not_zoom(
    live_server: LiveServer, page: Page
) -> None:
    clerk = factories.clerk()
    submitted = factories.valid_draft(clerk, lines=1)
    declaration_services.declaration_submit(declaration=submitted, user=clerk)
    submitted.refresh_from_db()
    draft = factories.valid_draft(clerk, lines=1)
    page.set_viewport_size(PHONE)

    # 1. Logging in: the fields' text is 16 px or more, so the phone does not zoom into them.
    page.goto(f"{live_server.url}/accounts/login/")
    assert px(page.locator("#id_username"), "font-size") >= 16
    assert height(page.locator("#id_username")) >= TAP
    log_in(page, clerk)

    # 2. The declarations: no squeezed table but one card per declaration, its number on top and each
    # cell under its column's name; the table's header row is gone.
    table = page.locator("#declarations")
    expect(table.locator("thead")).to_be_hidden()
    card = table.locator("tbody tr", has_text=submitted.pre_entry_no)
    number, status = card.locator("td").nth(0), card.locator("td[data-label='状态']")
    expect(number).to_be_visible()
    expect(status).to_contain_text("已申报")
    assert css(status, "content", "::before") == '"状态"'  # the column's name, next to the status
    number_box, status_box, card_box = number.bounding_box(), status.bounding_box(), card.bounding_box()
    assert number_box and status_box and card_box
    assert status_box["y"] >= number_box["y"] + number_box["height"] - 1, "the status is not under the number"
    assert card_box["width"] >= PHONE["width"] - 60, "the card does not take the phone's width"
    expect(card.locator("td[data-label='进出口类型']")).to_be_hidden()  # the lesser columns stay on the desktop
    expect(card.locator("td[data-label='监管部门']")).to_be_visible()
    expect(card.locator("td[data-label='更新时间']")).to_be_visible()
    # What a clerk recognises a shipment by stays on the card: its bill of lading and overseas party.
    expect(card.locator("td[data-label='提运单号']")).to_contain_text(submitted.bill_of_lading)
    expect(card.locator("td[data-label='境外收发货人']")).to_contain_text(submitted.overseas_party_name)
    expect(card.locator("td[data-label='申报时间']")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "the page scrolls sideways"

    # 3. The header folds into a menu: the links show once it is opened, each one a 44 px tap target.
    nav = page.locator("header nav")
    menu = page.get_by_role("button", name="菜单")
    expect(nav).to_be_hidden()
    expect(menu).to_have_attribute("aria-expanded", "false")
    assert height(menu) >= TAP
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(nav).to_be_visible()
    links = nav.get_by_role("link")
    assert links.count() >= 5
    for link in links.all():
        assert height(link) >= TAP, f"{link.inner_text()} is {height(link)} px high"
    assert height(page.get_by_role("button", name="退出登录")) >= TAP
    nav.get_by_role("link", name="新建申报").click()

    # 4. A form: inputs and selects at 16 px and 44 px high, buttons 44 px high.
    page.goto(f"{live_server.url}/declarations/{draft.pk}/edit/")
    expect(nav).to_be_hidden()  # folded again on the next page
    for field in ("#id_lines-0-hs_code", "#id_lines-0-name", "#id_kind"):
        assert px(page.locator(field), "font-size") >= 16, field
        assert height(page.locator(field)) >= TAP, field
    assert height(page.locator("#add-line")) >= TAP
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "the form scrolls sideways"

    # 5. The dashboard's charts take the phone's width: the page does not scroll sideways.
    page.goto(f"{live_server.url}/dashboard/")
    expect(page.locator(".dashboard")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "the dashboard scrolls sideways"
    chart = page.locator(".dashboard > *").first.bounding_box()
    assert chart and chart["x"] + chart["width"] <= PHONE["width"], "a chart is wider than the phone"

    # 6. Every page ends with who runs the portal and its help line.
    footer = page.locator("footer")
    expect(footer).to_contain_text("运营单位 国际贸易单一窗口运营中心 (demo)")
    expect(footer).to_contain_text("服务热线")
    expect(footer.get_by_role("link", name="12360")).to_have_attribute("href", "tel:12360")
    icon = page.request.get(f"{live_server.url}/favicon.ico")  # what the browser asks for first
    assert icon.ok and icon.headers["content-type"].startswith("image/svg+xml")


def test_the_verification_page_shows_its_verdict_large_and_in_colour(live_server: LiveServer, page: Page) -> None:
    agent = factories.ship_agent()
    declaration = factories.vessel_draft(agent)
    vessel_services.vessel_submit(declaration=declaration, user=agent)
    release_everywhere(declaration)
    clearance = PortClearance.objects.get(declaration=declaration)
    genuine = urlsplit(certificate.verify_url_for(vessel_services.clearance_facts(clearance))).path
    forged = f"/verify/port-clearance/{quote(clearance.number, safe='')}/AAAAAAAAAAAAAAAA/"
    page.set_viewport_size(PHONE)

    def verdict_at(path: str) -> Locator:
        page.goto(live_server.url + path)
        verdict = page.locator("#verdict")
        expect(verdict).to_be_visible()
        assert px(verdict, "font-size") >= 24, "the verdict is not large"
        box = verdict.bounding_box()
        assert box and box["width"] >= PHONE["width"] - 80, "the verdict does not span the phone's width"
        return verdict

    # Genuine: green, with a tick besides the words.
    verdict = verdict_at(genuine)
    expect(verdict).to_have_text("真实有效")
    assert css(verdict, "background-color") == GREEN
    assert "✓" in css(verdict, "content", "::before")

    # A token that does not match the facts on record: red, with a cross.
    verdict = verdict_at(forged)
    expect(verdict).to_have_text("非真实证书：与签发记录不符")
    assert css(verdict, "background-color") == RED
    assert "✕" in css(verdict, "content", "::before")

    # Revoked by maritime safety: amber, with an exclamation mark.
    vessel_services.clearance_revoke(clearance=clearance, user=factories.officer("maritime"), reason="未完成防污染检查")
    verdict = verdict_at(genuine)
    expect(verdict).to_have_text("已被签发机关撤销")
    assert css(verdict, "background-color") == AMBER
    assert "!" in css(verdict, "content", "::before")
