"""A clerk who does not know the code types the goods' Chinese name into 商品编号 and picks the code."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests import factories
from tests.browser.test_clerk_declares import htmx_settled, log_in

pytestmark = pytest.mark.browser


def test_typing_coffee_in_the_code_offers_the_coffees_of_0901_in_chinese(live_server: LiveServer, page: Page) -> None:
    clerk = factories.clerk(factories.enterprise())
    page.goto(f"{live_server.url}/accounts/login/")
    log_in(page, clerk)
    page.locator("header nav").get_by_role("link", name="新建申报").click()
    page.get_by_role("button", name="开始填写").click()
    expect(page).to_have_url(re.compile(r"/declarations/\d+/edit/$"))

    page.get_by_role("button", name="添加商品项").click()
    hs_code = page.locator("#id_lines-0-hs_code")
    expect(hs_code).to_be_visible()
    htmx_settled(page)
    hs_code.fill("咖啡")

    roasted = page.locator('#list-hs option[value="090121"]')
    expect(roasted).to_be_attached()
    expect(roasted).to_have_text(re.compile(r"已焙炒"))
    expect(page.locator('#list-hs option[value^="0901"]')).to_have_count(5)

    hs_code.fill("0901210000")  # what choosing the option and adding the national digits leaves
    expect(page.locator("#hint-id_lines-0-hs_code")).to_contain_text("已焙炒")
