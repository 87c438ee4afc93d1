"""An agency's credit record decides the firm's next inspection, seen in a real browser.

A firm starts in good standing on the public credit page. Customs posts a serious-violation-list record
over the API: the public page, reloaded by anyone, shows the firm as 严重失信, and its customs class
becomes seriously dishonest, whose lane inspects every declaration. With the agency simulator and a
Celery worker running as real processes, the firm's clerk submits a declaration: the customs officer
sees it under supervision and why it was selected, the simulator orders the inspection the lane asked
for and the goods are released; the clerk sees the release mode but not the officer's reason.
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer
from rest_framework.test import APIClient

from credit import services as credit_services
from credit.models import Classification
from declarations import services as declaration_services
from declarations.models import Declaration, Delivery
from singlewindow.choices import Agency

from .. import factories
from ..processes import Simulator, Worker, wait_until
from .test_clerk_declares import log_in

pytestmark = pytest.mark.browser

RELEASE_TIMEOUT_MS = 30_000
SELECTED = re.compile(r"^已布控查验：该信用等级的查验率为 100 %，本申报单的随机抽取值为 [0-9.]+。$")


def test_a_serious_violation_turns_the_firm_black_and_its_next_declaration_is_inspected(
    live_server: LiveServer,
    page: Page,
    simulator: Simulator,
    worker: Worker,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    settings.AGENCY_ENDPOINTS = {a: f"{simulator.url}/agencies/{a}/messages" for a in ("customs", "inspection")}
    release_unless_told = {"rules": [], "default": "release"}  # only the risk lane can ask for an inspection
    simulator.configure(customs=release_unless_told, inspection=release_unless_told)
    clerk = factories.clerk()
    firm = clerk.organisation
    credit_services.reclassify(usccs=[firm.uscc])
    public_page = f"{live_server.url}/credit/?q={firm.uscc}"

    # 1. Anyone, without logging in, finds the firm on the public credit page: 良好, in green.
    page.goto(public_page)
    badge = page.locator(f"#class-{firm.uscc}")
    expect(badge).to_have_text("良好")
    expect(badge).to_have_class(re.compile(r"\bcredit-green\b"))

    # 2. Customs puts the firm on the serious-violation list, over the API.
    officer = factories.officer(Agency.CUSTOMS)
    api = APIClient()
    api.force_authenticate(officer)
    answer = api.post(
        "/api/v1/credit/records/",
        {"uscc": firm.uscc, "record_id": "CUS-SL-2026-001", "kind": "serious_list",
         "legal_basis": "《海关注册登记和备案企业信用管理办法》第十条", "decided_at": timezone.localdate().isoformat()},
        format="json",
    )  # fmt: skip
    assert answer.status_code == 201, answer.content
    customs = Classification.objects.get(uscc=firm.uscc, scheme_key="customs", current=True)
    assert customs.klass == "seriously_dishonest"

    # 3. The public page, reloaded, shows the firm black, with the rule that made it so.
    page.reload()
    expect(badge).to_have_text("严重失信")
    expect(badge).to_have_class(re.compile(r"\bcredit-black\b"))
    entry = page.locator(f"#firm-{firm.uscc}")
    expect(entry).to_contain_text("列入严重违法失信名单")
    expect(entry.locator("tbody tr")).to_have_count(1)  # the record, published

    # 4. The clerk submits the firm's next declaration, with risk lanes on (the live server shares
    # these settings); the agencies get it through the worker and answer through the simulator.
    settings.RISK_LANES = True
    version = declaration_services.declaration_submit(declaration=factories.valid_draft(clerk, lines=2), user=clerk)
    assert version.payload["risk"]["inspect"] is True
    pk = version.declaration_id

    # 5. Once customs' system has it, the customs officer opens it: under supervision, selected for
    # inspection at 100 %; the simulator honours the lane, orders the inspection, and the goods are
    # released in the end.
    wait_until(
        lambda: Delivery.objects.filter(version=version, agency=Agency.CUSTOMS, delivered_at__isnull=False).exists(),
        timeout=30,
        what="the delivery to customs",
    )
    page.goto(f"{live_server.url}/accounts/login/")
    log_in(page, officer)
    page.goto(f"{live_server.url}/declarations/{pk}/")
    timeline = page.locator("#timeline")
    lane = page.locator("#risk-lane")
    expect(lane).to_contain_text("放行方式: 监管放行")
    expect(lane).to_contain_text("海关信用：严重失信企业")
    expect(page.locator("#risk-reason")).to_have_text(SELECTED)
    events = timeline.locator(".events li")
    for agency in ("海关", "检验检疫"):  # both agencies honour the lane: each orders the inspection
        ordered = events.filter(has=page.locator(".who", has_text=agency)).filter(has_text="布控查验")
        expect(ordered).to_have_count(1, timeout=RELEASE_TIMEOUT_MS)
    expect(timeline.locator(".joint")).to_contain_text("联合查验")  # one appointment for both
    expect(timeline).to_contain_text("各监管部门均已放行", timeout=RELEASE_TIMEOUT_MS)
    expect(events.filter(has_text="查验结果")).to_have_count(2)
    expect(page.locator("#risk-reason")).to_have_text(SELECTED)  # still there after the last poll
    assert Declaration.objects.get(pk=pk).status == "released"

    # 6. The firm's clerk sees how the goods were released, not why they were selected.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    log_in(page, clerk)
    page.goto(f"{live_server.url}/declarations/{pk}/")
    expect(page.locator("#timeline")).to_contain_text("各监管部门均已放行")
    expect(page.locator("#risk-lane")).to_contain_text("放行方式: 监管放行")
    expect(page.locator("#risk-reason")).to_have_count(0)
