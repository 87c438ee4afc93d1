"""What the edit page reads like beyond the fields: the validation summary's lines start with a capital in
English, and the agencies a draft goes to are read (and copied) as separate words."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from singlewindow.models import User

from .. import factories
from ..clients import web
from .conftest import TIMEOUT_MS

pytestmark = pytest.mark.browser


@pytest.fixture
def open_as(browser: Browser, live_server: LiveServer) -> Iterator:
    """A page signed in as the user (the session a test client makes), in the browser language given."""
    contexts = []

    def page_for(user: User, locale: str) -> Page:
        context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(TIMEOUT_MS)
        context.add_cookies(
            [{"name": "sessionid", "value": web(user).cookies["sessionid"].value, "url": live_server.url}]
        )
        contexts.append(context)
        return context.new_page()

    yield page_for
    for context in contexts:
        context.close()


def test_the_english_summary_starts_each_line_with_a_capital(live_server: LiveServer, open_as) -> None:  # type: ignore[no-untyped-def]
    clerk = factories.clerk()
    draft = factories.valid_draft(clerk, lines=1, net_weight=Decimal("3000.000"))  # more than the gross weight
    page = open_as(clerk, "en-US")
    page.goto(f"{live_server.url}/declarations/{draft.pk}/edit/")
    page.locator("#validate").click()
    problem = page.locator("#problems li", has_text="Net weight cannot exceed gross weight")
    expect(problem).to_be_visible()
    assert problem.inner_text().startswith("Net weight (kg) — "), problem.inner_text()


def test_the_agencies_a_draft_goes_to_are_separate_words(live_server: LiveServer, open_as) -> None:  # type: ignore[no-untyped-def]
    clerk = factories.clerk()
    draft = factories.valid_draft(clerk, lines=1)  # to customs and to inspection and quarantine
    # Chinese separates with 、 (Django's own catalogue has ，for ", " until the portal's translates it)
    expected_zh = {"申报至 海关、检验检疫", "申报至 海关，检验检疫"}
    for locale, expected in (("zh-CN", expected_zh), ("en-US", {"Goes to Customs, Inspection and quarantine"})):
        page = open_as(clerk, locale)
        page.goto(f"{live_server.url}/declarations/{draft.pk}/edit/")
        goes_to = page.locator(".page-head .muted", has=page.locator(".chip"))
        chips = goes_to.locator(".chip")
        expect(chips).to_have_count(2)
        assert " ".join(goes_to.inner_text().split()) in expected  # as copied, and as a screen reader reads it
        first, second = chips.nth(0).bounding_box(), chips.nth(1).bounding_box()
        assert first and second and second["x"] - (first["x"] + first["width"]) < 12, "the separator shows"
