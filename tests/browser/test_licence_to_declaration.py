"""A browser test of a licence's life, from the application to its first use.

With the agency simulator and a Celery worker running as real processes, a trade firm's clerk applies for
an automatic import licence for hot-rolled steel plate in Chromium, the commerce department's system (the
simulator) releases the application and the portal issues the licence; the clerk then declares part of the
steel citing the licence on the goods line, the agencies release the declaration, and the licence page
shows one use and the quantity left.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from declarations.models import Declaration
from licensing.models import Licence
from singlewindow.choices import Agency

from .. import factories
from ..processes import Simulator, Worker
from .test_clerk_declares import htmx_settled, log_in

pytestmark = pytest.mark.browser

RELEASE_TIMEOUT_MS = 25_000
APPLIED = Decimal(50000)  # kilograms of hot-rolled steel plate the licence allows
DECLARED = Decimal(20000)  # what the first shipment declares
# The automatic import licence application as the clerk types it.
TERMS = {"trade_mode": "0110", "origin_country": "KOR", "trade_country": "KOR", "use_of_goods": "自用（生产）",
         "place_of_clearance": "2200"}  # fmt: skip
LINE = {"hs_code": "7208510000", "name": "热轧钢板", "specification": "厚度 12 mm", "unit": "035",
        "quantity": "50000", "unit_price": "0.62", "amount": "31000.00", "currency": "USD"}  # fmt: skip


def test_a_firm_applies_for_an_automatic_import_licence_and_its_first_declaration_writes_it_off(
    live_server: LiveServer,
    page: Page,
    simulator: Simulator,
    worker: Worker,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    agencies = (Agency.COMMERCE, Agency.CUSTOMS, Agency.INSPECTION)
    settings.AGENCY_ENDPOINTS = {a: f"{simulator.url}/agencies/{a}/messages" for a in agencies}
    simulator.configure(commerce={"delay_ms": 300})  # time to see 办理中 first
    factories.officer(Agency.COMMERCE)  # the commerce department, the licence's issuer
    org = factories.enterprise()
    clerk = factories.clerk(org)

    # 1. The clerk logs in, opens the licences and starts an automatic import licence application.
    page.goto(f"{live_server.url}/accounts/login/")
    log_in(page, clerk)
    page.locator("#nav-licences").click()
    expect(page).to_have_url(re.compile(r"/licences/$"))
    page.locator("#new-application").click()
    page.locator("input[name=kind][value='7']").check()
    page.locator("#create").click()
    expect(page).to_have_url(re.compile(r"/licences/applications/\d+/edit/$"))
    pk = int(re.search(r"/applications/(\d+)/edit/", page.url)[1])  # type: ignore[index]

    # 2. The importer comes from the master record; the import user too, until changed.
    expect(page.locator("#applicant")).to_contain_text(org.name)
    expect(page.locator("#applicant")).to_contain_text(org.uscc)
    expect(page.locator("#id_party_name")).to_have_value(org.name)

    # 3. The terms and one goods line, with an amount that is not quantity × unit price: validating says so.
    for name, value in TERMS.items():
        page.locator(f"#id_{name}").fill(value)
    for name, value in {**LINE, "amount": "30000.00"}.items():
        page.locator(f"#id_lines-0-{name}").fill(value)
    page.locator("#validate").click()
    expect(page.locator('#problems li[data-field="lines[0].amount"]')).to_contain_text("31000.00")
    expect(page.locator("#id_lines-0-hs_code")).to_have_value(LINE["hs_code"])  # the draft was kept

    # 4. The right amount, and submitted: the detail page follows it on the timeline until commerce releases it.
    page.locator("#id_lines-0-amount").fill(LINE["amount"])
    page.locator("#submit").click()
    expect(page).to_have_url(re.compile(rf"/licences/applications/{pk}/$"))
    expect(page.locator("h1")).to_have_text(re.compile(r"^LA\d{16}$"))
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("办理中")
    expect(timeline).to_contain_text("各监管部门均已放行", timeout=RELEASE_TIMEOUT_MS)  # polled

    # 5. The licence, issued on the release: the page reloads with it.
    licence = Licence.objects.get(application_id=pk)
    expect(page.locator("#licence")).to_contain_text(licence.number)
    assert licence.kind == "7" and licence.holder == org and licence.max_uses == 1
    assert licence.lines.get().quantity == APPLIED

    # 6. A goods declaration of 20 tonnes of the steel, citing the licence on its line.
    draft = factories.valid_draft(clerk, lines=1)
    page.goto(f"{live_server.url}/declarations/{draft.pk}/edit/")
    htmx_settled(page)
    goods = {"hs_code": LINE["hs_code"], "name": LINE["name"], "model": LINE["specification"],
             "declared_quantity": str(DECLARED), "declared_unit": "035", "legal_quantity": str(DECLARED),
             "legal_unit": "035", "unit_price": "0.62", "total_price": "12400.00", "currency": "USD",
             "origin_country": "KOR", "licence_no": licence.number, "licence_line": "1"}  # fmt: skip
    for name, value in goods.items():
        page.locator(f"#id_lines-0-{name}").fill(value)
    page.get_by_role("button", name="向监管部门申报").click()
    expect(page).to_have_url(re.compile(rf"/declarations/{draft.pk}/$"))
    expect(page.locator("#timeline")).to_contain_text("各监管部门均已放行", timeout=RELEASE_TIMEOUT_MS)
    assert Declaration.objects.get(pk=draft.pk).status == "released"

    # 7. The licence page: used once of once, 30 tonnes left on its line, the use in its ledger.
    page.goto(f"{live_server.url}/licences/{licence.number}/")
    expect(page.locator("#uses")).to_have_text("1 / 1")
    expect(page.locator("#line-1 .written-off")).to_have_text(str(DECLARED))
    expect(page.locator("#line-1 .left")).to_have_text(str(APPLIED - DECLARED))
    ledger = page.locator("#ledger tbody tr.use")
    expect(ledger).to_have_count(1)
    expect(ledger).to_contain_text(Declaration.objects.get(pk=draft.pk).pre_entry_no)
