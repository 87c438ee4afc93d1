"""axe-core finds no serious or critical WCAG 2.1 AA violation on the portal's main pages, in Chinese, on a
desktop (1280 px) and on a phone (390 px).

One browser context per person (signed in once, with the session a test client makes: the login form is
tested elsewhere); each page is opened at both widths. Every violation of every page is collected first,
so one failure lists them all, each with the elements to fix.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from declarations import services as declaration_services
from singlewindow.choices import Agency
from singlewindow.models import User
from vessels import certificate
from vessels import services as vessel_services
from vessels.models import PortClearance

from .. import factories
from ..clients import web
from ..vessels.test_filing import release_everywhere
from . import axe
from .conftest import TIMEOUT_MS

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}

# The dashboard's pages, seen by a trade firm's clerk. A new page under /dashboard/ (or another person's
# dashboard) goes here and is checked like the others.
DASHBOARD_PATHS = ["/dashboard/"]


class Browsing:
    """Chinese browser contexts, each with one person's session, whose pages record what the
    Content-Security-Policy refused (as the `page` fixture does)."""

    def __init__(self, browser: Browser, live_server: LiveServer) -> None:
        self.browser, self.base = browser, live_server.url
        self.contexts: list[BrowserContext] = []
        self.refused: list[str] = []

    def page_for(self, user: User | None, locale: str = "zh-CN") -> Page:
        context = self.browser.new_context(locale=locale, timezone_id="Asia/Shanghai", viewport=WIDTHS["desktop"])
        context.set_default_timeout(TIMEOUT_MS)
        self.contexts.append(context)
        if user is not None:
            session = web(user).cookies["sessionid"].value
            context.add_cookies([{"name": "sessionid", "value": session, "url": self.base}])
        page = context.new_page()
        page.on("console", lambda m: self.refused.append(m.text) if "Content Security Policy" in m.text else None)
        return page

    def audit(self, page: Page, paths: Iterable[str]) -> list[str]:
        """Each path at both widths: the serious and critical violations axe finds."""
        found: list[str] = []
        for path in paths:
            for name, size in WIDTHS.items():
                page.set_viewport_size(size)
                response = page.goto(self.base + path)
                assert response is not None and response.status < 500, f"{path} answered {response and response.status}"
                found.extend(f"{name}: {line}" for line in axe.serious(page))
        return found


@pytest.fixture
def browsing(browser: Browser, live_server: LiveServer) -> Iterator[Browsing]:
    browsing = Browsing(browser, live_server)
    yield browsing
    for context in browsing.contexts:
        context.close()
    assert not browsing.refused, "the Content-Security-Policy refused: " + "\n".join(browsing.refused)


def test_the_clerks_pages_have_no_serious_accessibility_violation(browsing: Browsing) -> None:
    clerk = factories.clerk()
    submitted = factories.valid_draft(clerk, lines=2)
    declaration_services.declaration_submit(declaration=submitted, user=clerk)  # its page has a timeline
    draft = factories.valid_draft(clerk, lines=1)
    page = browsing.page_for(clerk)
    paths = [
        "/declarations/",
        "/declarations/new/",
        f"/declarations/{draft.pk}/edit/",
        f"/declarations/{submitted.pk}/",
        "/notifications/",
        *DASHBOARD_PATHS,
    ]
    found = browsing.audit(page, paths)
    assert not found, "\n".join(found)


def test_the_ship_agents_pages_and_the_verification_pages_have_no_serious_accessibility_violation(
    browsing: Browsing,
) -> None:
    agent = factories.ship_agent()
    released = factories.vessel_draft(agent)
    vessel_services.vessel_submit(declaration=released, user=agent)
    release_everywhere(released)  # its port clearance is issued
    draft = factories.vessel_draft(agent, crew=3)  # the FAL tables' inputs, one row each and an empty one
    clearance = PortClearance.objects.get(declaration=released)
    genuine = urlsplit(certificate.verify_url_for(vessel_services.clearance_facts(clearance))).path
    forged = f"/verify/port-clearance/{quote(clearance.number, safe='')}/AAAAAAAAAAAAAAAA/"

    found = browsing.audit(
        browsing.page_for(agent), ["/vessels/", f"/vessels/{draft.pk}/edit/", f"/vessels/{released.pk}/"]
    )
    found += browsing.audit(browsing.page_for(None), [genuine, forged])  # the port officer scanning the QR code
    assert not found, "\n".join(found)


def test_a_page_showing_a_flash_message_has_no_serious_accessibility_violation(browsing: Browsing) -> None:
    """The message after an action (here 校验 on a draft) is announced, and the list holding it stays a list."""
    clerk = factories.clerk()
    draft = factories.valid_draft(clerk, lines=1)
    page = browsing.page_for(clerk)
    found: list[str] = []
    for name, size in WIDTHS.items():
        page.set_viewport_size(size)
        page.goto(f"{browsing.base}/declarations/{draft.pk}/edit/")
        page.locator("#validate").click()
        expect(page.locator(".messages li")).to_contain_text("校验未发现问题")
        found.extend(f"{name}: {line}" for line in axe.serious(page))
    assert not found, "\n".join(found)
    live = page.locator(".messages").evaluate("el => el.closest('[aria-live], [role=status]') !== null")
    assert live, "the message is not in a live region"


@pytest.mark.parametrize("agency", [Agency.COMMERCE, Agency.CUSTOMS])
def test_an_officers_longest_menu_fits_the_desktop_header_in_english(browsing: Browsing, agency: str) -> None:
    """The officers' menu is the longest, and English the wider language: at 1280 px every link stays inside
    the dark header (readable, not cut off) and the page does not scroll sideways."""
    officer = factories.officer(agency)
    page = browsing.page_for(officer, locale="en-US")
    for path in ("/declarations/", "/licences/"):
        response = page.goto(browsing.base + path)
        assert response is not None and response.status == 200, path
        expect(page.locator("header nav")).to_contain_text("API")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= WIDTHS["desktop"]["width"], f"{path} scrolls sideways to {width} px"
        header = page.locator("header.topbar").bounding_box()
        assert header is not None
        for link in page.locator("header nav a").all():
            box = link.bounding_box()
            assert box is not None, link.inner_text()
            assert box["x"] >= header["x"] and box["x"] + box["width"] <= header["x"] + header["width"], (
                f"“{link.inner_text()}” runs off the header"
            )
            assert box["y"] + box["height"] <= header["y"] + header["height"], f"“{link.inner_text()}” below the header"
        found = axe.serious(page)
        assert not found, "\n".join(found)
