"""The rejection loop: customs returns a declaration over one field; the clerk, without reloading or
remembering the timeline, is offered 编辑, finds the reason at the top of the form and beside the field,
corrects it, and version 2 is released."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from declarations.models import Declaration

from .. import factories
from ..processes import Simulator
from .test_clerk_declares import field_of, log_in

pytestmark = pytest.mark.browser

REASON = "合同协议号与随附合同不符"


def test_a_returned_declaration_is_corrected_beside_the_field_and_released(
    live_server: LiveServer,
    page: Page,
    simulator: Simulator,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    settings.AGENCY_ENDPOINTS = {a: f"{simulator.url}/agencies/{a}/messages" for a in ("customs", "inspection")}
    wrong_contract = {"field": "DecHead/ContrNo", "equals": "YH-2026-0815", "decision": "reject", "reason": REASON}
    simulator.configure(customs={"delay_ms": 300, "rules": [wrong_contract]}, inspection={"delay_ms": 0})
    clerk = factories.clerk()
    declaration = factories.valid_draft(clerk, lines=2, contract_no="YH-2026-0815")
    page.goto(f"{live_server.url}/accounts/login/")
    log_in(page, clerk)

    page.goto(f"{live_server.url}/declarations/{declaration.pk}/edit/")
    page.get_by_role("button", name="向监管部门申报").click()
    expect(page.locator(".messages")).to_contain_text("已申报")
    page.evaluate("window.__same_page = true")

    # The return arrives: 编辑 is offered and the stale "submitted" message gives way, without a reload.
    edit = page.locator("#edit-action").get_by_role("link", name="编辑")
    expect(edit).to_be_visible(timeout=20_000)
    expect(page.locator(".messages")).to_contain_text("退回")
    expect(page.locator(".messages")).not_to_contain_text("已申报")
    assert page.evaluate("window.__same_page") is True, "the page was reloaded"

    # The edit form says why, at the top and beside 合同协议号.
    edit.click()
    returned = page.locator("#returned")
    expect(returned).to_contain_text(REASON)
    expect(returned).to_contain_text("海关")
    expect(field_of(page, "id_contract_no").locator(".note.returned")).to_contain_text(REASON)
    returned.get_by_role("link", name="合同协议号").click()
    expect(page.locator("#id_contract_no")).to_be_in_viewport()

    # Corrected and submitted again: version 2 is released by both agencies.
    page.locator("#id_contract_no").fill("YH-2026-0815-A")
    page.get_by_role("button", name="向监管部门申报").click()
    expect(page.locator("#timeline")).to_contain_text("各监管部门均已放行", timeout=20_000)
    declaration.refresh_from_db()
    assert (declaration.status, declaration.version_count) == ("released", 2)
    assert Declaration.objects.get(pk=declaration.pk).contract_no == "YH-2026-0815-A"
