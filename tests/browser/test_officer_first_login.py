"""A new maritime officer's first login, on a phone: the enrolment page shows no menu (every link would lead
back to it), only the language switch and 退出登录; once the app's code is typed, the officer lands on the
vessels they work on, told that the app is set up."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from singlewindow.choices import Agency

from .. import factories
from .test_clerk_declares import PASSWORD
from .test_second_factor import app_code

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def test_a_new_officer_enrols_without_a_menu_and_lands_on_the_vessels(page: Page, live_server: LiveServer) -> None:
    officer = factories.officer(Agency.MARITIME)
    page.set_viewport_size(PHONE)

    # 1. The login page, no `next`: the password, then the portal asks for an app.
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill(officer.username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page).to_have_url(re.compile(r"/accounts/second-factor/enrol/\?next=%2F$"))

    # 2. No menu, no notifications: the language switch and 退出登录 only, shown without opening a menu.
    expect(page.locator("#site-nav")).to_have_count(0)
    expect(page.locator("#menu-toggle")).to_have_count(0)
    expect(page.locator("header .bell")).to_have_count(0)
    expect(page.locator("header form.lang button[name=language]").first).to_be_visible()
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # 3. The app's code: the officer lands on the vessels, told that the app is set up; the menu is back.
    page.locator("#id_token").fill(app_code(page.locator("#otp-key").inner_text()))
    page.locator("form button.primary").click()
    expect(page).to_have_url(re.compile(r"/vessels/$"))
    expect(page.locator(".messages li.success")).to_have_count(1)
    expect(page.locator("#menu-toggle")).to_be_visible()
