"""A browser test of the ship agent's path, from filing to printing.

With the agency simulator and a Celery worker running as real processes, the ship agent files a
departure in Chromium, fixes the IMO number validation names, imports the crew list from Excel,
submits, watches the four agencies release the vessel, prints the port clearance certificate and
opens the verification page its QR code points to.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
import zxingcpp
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader
from pytest_django.live_server_helper import LiveServer

from declarations.models import Declaration
from declarations.registry import agencies_receiving
from vessels.choices import VESSEL
from vessels.examples import example_crew_xlsx
from vessels.models import PortClearance

from .. import factories
from ..processes import Simulator, Worker
from .test_clerk_declares import log_in

pytestmark = pytest.mark.browser

WRONG_IMO = "9321484"  # EMMA MAERSK's number with the wrong check digit
IMO_PROBLEM = "IMO 船舶识别号无效（7 位数字，最后一位为校验位）。"
RELEASE_TIMEOUT_MS = 25_000
# FAL 1 of the container ship EMMA MAERSK leaving Shanghai for Singapore, as the agent types it.
CALL = {
    "vessel_name": "EMMA MAERSK",
    "imo_number": "9321483",
    "call_sign": "OYGR2",
    "flag_state": "DNK",
    "gross_tonnage": "170794",
    "port": "CNSHA",
    "voyage_no": "509W",
    "next_port": "SGSIN",
    "master_name": "HANSEN LARS",
}


def test_ship_agent_files_a_departure_and_prints_a_port_clearance_that_verifies(
    live_server: LiveServer,
    page: Page,
    simulator: Simulator,
    worker: Worker,
    tmp_path: Path,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    agencies = agencies_receiving(VESSEL)
    settings.AGENCY_ENDPOINTS = {a: f"{simulator.url}/agencies/{a}/messages" for a in agencies}
    settings.PORTAL_BASE_URL = live_server.url  # the QR code points at this portal
    simulator.configure(**{a: {"delay_ms": 300} for a in agencies})  # time to see 办理中 first
    agent = factories.ship_agent()
    sailing = timezone.localtime(timezone.now() + timedelta(days=1)).replace(hour=10, minute=0)

    # 1. The ship agent logs in and opens 船舶.
    page.goto(f"{live_server.url}/accounts/login/")
    log_in(page, agent)
    page.locator("header nav").get_by_role("link", name="船舶", exact=True).click()
    expect(page).to_have_url(re.compile(r"/vessels/$"))

    # 2. A new departure.
    page.locator("#new-vessel").click()
    page.locator("input[name=direction][value=export]").check()
    page.locator("#create").click()
    expect(page).to_have_url(re.compile(r"/vessels/\d+/edit/$"))
    pk = int(re.search(r"/vessels/(\d+)/edit/", page.url)[1])  # type: ignore[index]

    # 3. The general declaration (FAL 1), with a wrong IMO check digit: validating names it.
    form = page.locator("#vessel-form")
    typed = {**CALL, "imo_number": WRONG_IMO, "expected_at": sailing.strftime("%Y-%m-%dT%H:%M")}
    for name, value in typed.items():
        form.locator(f"#id_{name}").fill(value)
    page.locator("#validate").click()
    problems = page.locator("#problems")
    expect(problems.locator('li[data-field="imo_number"]')).to_contain_text(IMO_PROBLEM)
    expect(problems.locator('li[data-field="crew"]')).to_be_visible()  # no crew list yet
    expect(page.locator("#id_vessel_name")).to_have_value(CALL["vessel_name"])  # the draft was kept

    # 4. The right check digit: the IMO problem is gone.
    page.locator("#id_imo_number").fill(CALL["imo_number"])
    page.locator("#validate").click()
    expect(problems.locator('li[data-field="crew"]')).to_be_visible()
    expect(problems.locator('li[data-field="imo_number"]')).to_have_count(0)

    # 5. The crew list (25 seafarers) imported from an Excel workbook.
    workbook = tmp_path / "crew.xlsx"
    workbook.write_bytes(example_crew_xlsx(25, on=sailing.date()))
    crew_import = page.locator("#crew-import")
    crew_import.locator("input[type=file]").set_input_files(workbook)
    crew_import.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("已导入 25 行。")
    expect(page.locator("fieldset#crew legend")).to_contain_text("(25)")

    # 6. Submitting lands on the detail page; the four agencies release the vessel.
    page.locator("#submit").click()
    expect(page).to_have_url(re.compile(rf"/vessels/{pk}/(#\w*)?$"))  # the import's #crew may stay
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("办理中")  # in progress: the agencies have not answered yet
    poll_url = timeline.get_attribute("hx-get")
    assert poll_url, "the timeline is not polled"
    with page.expect_response(lambda r: r.url.endswith(poll_url)) as polled:
        pass
    assert polled.value.status == 200, f"the timeline poll {poll_url} answered {polled.value.status}"
    expect(timeline).to_contain_text("各监管部门均已放行", timeout=RELEASE_TIMEOUT_MS)  # polled
    expect(timeline.locator(".branch.released")).to_have_count(len(agencies))
    assert Declaration.objects.get(pk=pk).status == "released"

    # 7. The port clearance certificate, issued by maritime safety with the last release: the page
    # brings its section up by itself (the last poll refreshes it), the agent reloads nothing.
    clearance = PortClearance.objects.get(declaration_id=pk)
    section = page.locator("#clearance")
    expect(section).to_contain_text("国际航行船舶出口岸许可证")
    expect(section).to_contain_text(clearance.number)
    expect(page.locator("#clearance-state")).to_have_text("已签发")

    # 8. Printing gives the PDF: the certificate's title and the vessel's name.
    with page.expect_response(re.compile(r"/port-clearance\.pdf$")) as printed:
        page.locator("#print-clearance").click()
    opened = printed.value
    assert opened.status == 200 and opened.headers["content-type"] == "application/pdf"
    # Chromium shows it in its PDF viewer; the same request with the agent's session gives the bytes.
    fetched = page.context.request.get(opened.url)
    assert fetched.status == 200
    pdf = fetched.body()
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    text = reader.pages[0].extract_text()
    assert "国际航行船舶出口岸许可证" in text
    assert CALL["vessel_name"] in text
    assert clearance.number in text

    # 9. The QR code opens the public verification page, which says the certificate is genuine.
    images = reader.pages[0].images
    assert len(images) == 1
    codes = zxingcpp.read_barcodes(images[0].image)
    assert len(codes) == 1
    verify_url = codes[0].text
    assert verify_url.startswith(f"{live_server.url}/verify/port-clearance/{clearance.number}/")
    response = page.goto(verify_url)
    assert response is not None and response.status == 200
    expect(page.locator("#verdict")).to_have_text("真实有效")
    expect(page.locator("#verification")).to_contain_text(CALL["vessel_name"])
    expect(page.locator("#verification")).to_contain_text(CALL["imo_number"])
