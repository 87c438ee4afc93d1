"""An agency officer logs in with a second factor in a real browser: the first time, scans the QR code
(here: reads the key under it) and types the app's code; the next time, types the current code after the
password. All under the portal's Content-Security-Policy (the page fixture fails on anything it refuses)."""

from __future__ import annotations

import base64
import re
import time

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from singlewindow.choices import Agency

from .. import factories
from .test_clerk_declares import PASSWORD, log_in

pytestmark = pytest.mark.browser


def app_code(key_base32: str) -> str:
    """What an authenticator app shows for this key now."""
    totp = TOTP(base64.b32decode(key_base32))
    totp.time = time.time()
    return f"{totp.token():06d}"


def test_an_officer_enrols_an_app_then_logs_in_with_its_code(page: Page, live_server: LiveServer) -> None:
    officer = factories.officer(Agency.CUSTOMS)

    # 1. Password first; the portal asks for an app before anything else, showing the QR code.
    page.goto(f"{live_server.url}/declarations/")
    page.locator("#id_username").fill(officer.username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page).to_have_url(re.compile(r"/accounts/second-factor/enrol/\?next=%2Fdeclarations%2F$"))
    expect(page.locator("#otp-qr")).to_be_visible()
    key = page.locator("#otp-key").inner_text()

    # 2. A wrong code is refused, on the same page.
    page.locator("#id_token").fill("000000")
    page.locator("form button.primary").click()
    expect(page.locator(".field.invalid .error")).to_be_visible()

    # 3. The app's code confirms it, and the officer lands where they were going.
    time.sleep(1.1)  # django-otp makes the next try wait a second after a wrong code
    page.locator("#id_token").fill(app_code(key))
    page.locator("form button.primary").click()
    expect(page).to_have_url(re.compile(r"/declarations/$"))

    # 4. Next time: password, then the current code.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    log_in(page, officer)
    expect(page.locator("header .who")).to_contain_text(officer.username)


def test_the_api_docs_page_works_under_the_policy(page: Page, live_server: LiveServer) -> None:
    clerk = factories.clerk()
    page.goto(f"{live_server.url}/accounts/login/")
    log_in(page, clerk)
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Single Window API")
    expect(page.locator(".opblock").first).to_be_visible()
