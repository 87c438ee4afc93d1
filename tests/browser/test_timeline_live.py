"""The shipment's timeline fills in live, without reloading, as the agencies answer."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from declarations.models import Declaration

from .. import factories
from ..processes import Simulator
from .test_clerk_declares import log_in

pytestmark = pytest.mark.browser


def test_the_timeline_updates_live_and_shows_one_joint_inspection(
    live_server: LiveServer,
    page: Page,
    simulator: Simulator,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    settings.AGENCY_ENDPOINTS = {a: f"{simulator.url}/agencies/{a}/messages" for a in ("customs", "inspection")}
    inspect_laptops = {"delay_ms": 400, "rules": [{"hs_chapter": "84", "decision": "inspect"}]}
    simulator.configure(customs=inspect_laptops, inspection=inspect_laptops)
    clerk = factories.clerk()
    declaration = factories.valid_draft(clerk, lines=2)
    page.goto(f"{live_server.url}/accounts/login/")
    log_in(page, clerk)

    page.goto(f"{live_server.url}/declarations/{declaration.pk}/edit/")
    page.get_by_role("button", name="向监管部门申报").click()
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("办理中")  # in progress: the agencies have not answered yet
    page.evaluate("window.__same_page = true")

    expect(timeline).to_contain_text("各监管部门均已放行", timeout=20_000)
    expect(page.locator("#status-badge")).to_have_text("已放行")
    assert page.evaluate("window.__same_page") is True, "the page was reloaded"
    expect(timeline).to_contain_text("联合查验")
    expect(timeline.locator(".joint")).to_contain_text("统一预约")
    expect(timeline.locator(".duties")).to_contain_text("已缴")
    assert Declaration.objects.get(pk=declaration.pk).status == "released"
