"""A trade firm's clerk declares an import in a real browser, from logging in to submission.

Each step is one thing the clerk does and what they then see. Buttons and messages are found by
the Chinese text the clerk reads; inputs by their ids (id_<field>, id_lines-0-<field>, ...).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.shortcuts import resolve_url
from playwright.sync_api import Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from declarations import services
from declarations.choices import DeclarationStatus, DocumentKind
from declarations.examples import blank_pdf, example_containers, example_header, example_line
from declarations.models import Declaration
from singlewindow.menu import landing_page
from singlewindow.models import User
from singlewindow.second_factor import second_factor_required
from tests import factories
from tests.clients import authenticator, current_code

pytestmark = pytest.mark.browser

PASSWORD = "pass-for-tests"


# What the clerk does -------------------------------------------------------------------------


def as_typed(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def log_in(page: Page, user: User) -> None:
    """On the login page: type the user name and password, press 登录 (an officer then types the code
    their authenticator app shows and presses 验证), land on the page of their work (singlewindow/menu.py)."""
    needs_code = second_factor_required(user)
    if needs_code:
        authenticator(user)  # enrolled already
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    if needs_code:
        expect(page).to_have_url(re.compile(r"/accounts/second-factor/"))
        page.locator("#id_token").fill(current_code(user))
        page.locator("form button[type=submit].primary").click()
    expect(page).to_have_url(re.compile(re.escape(resolve_url(landing_page(user))) + "$"))  # their work's page


def htmx_settled(page: Page) -> None:
    """Wait until HTMX has finished its requests and swaps. New content only reacts (hx-get on
    typing, hx-post on submit) once HTMX has settled it, about 20 ms after it appears."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
    )


def field_of(page: Page, input_id: str) -> Locator:
    """The labelled block around one input: its label, the input, its hint and its errors."""
    return page.locator("div.field", has=page.locator(f"#{input_id}"))


def documents_section(page: Page) -> Locator:
    return page.locator("section#documents")


def attach_document(page: Page, kind: str, path: Path) -> None:
    documents = documents_section(page)
    documents.locator("#id_document-kind").select_option(kind)
    documents.locator("#id_document-file").set_input_files(path)
    documents.locator("form.upload button[type=submit]").click()
    htmx_settled(page)


# The clerk's whole path ----------------------------------------------------------------------


def test_clerk_fixes_the_problem_validation_shows_then_submits(
    live_server: LiveServer, page: Page, tmp_path: Path
) -> None:
    org = factories.enterprise()
    clerk = factories.clerk(org)

    # 1. The login page speaks Chinese; the clerk logs in with the form.
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    log_in(page, clerk)

    # 2. A new import, general trade, to customs and inspection (the default).
    page.locator("header nav").get_by_role("link", name="新建申报").click()
    expect(page.locator("input[name=target][value=both]")).to_be_checked()
    page.locator("input[name=target][value=both]").check()
    page.locator("input[name=direction][value=import]").check()
    page.locator("select[name=kind]").select_option("general")
    page.get_by_role("button", name="开始填写").click()
    expect(page).to_have_url(re.compile(r"/declarations/\d+/edit/$"))
    pk = int(re.search(r"/declarations/(\d+)/edit/", page.url)[1])  # type: ignore[index]

    # 3. The enterprise's own details come from its master record.
    expect(page.locator("#id_domestic_party_name")).to_have_value(org.name)
    expect(page.locator("#id_domestic_party_uscc")).to_have_value(org.uscc)

    # 4. The header, with a net weight larger than the gross weight.
    header = {**example_header(), "gross_weight": "100", "net_weight": "150"}
    for name, value in header.items():
        page.locator(f"#id_{name}").fill(as_typed(value))

    # 5. A goods line: typing the HS digits suggests matching codes; a country code is named.
    page.get_by_role("button", name="添加商品项").click()
    hs_code = page.locator("#id_lines-0-hs_code")
    expect(hs_code).to_be_visible()
    htmx_settled(page)
    hs_code.press_sequentially("847130")
    expect(page.locator('#list-hs option[value^="847130"]').first).to_be_attached()
    line = example_line(0)
    origin = line.pop("origin_country")
    for name, value in line.items():
        page.locator(f"#id_lines-0-{name}").fill(as_typed(value))
    page.locator("#id_lines-0-origin_country").fill(origin)
    page.locator("#id_lines-0-origin_country").press("Tab")  # leaving the field checks it
    expect(page.locator("#hint-id_lines-0-origin_country")).to_have_text("德国")

    # 6. A container.
    page.locator("#add-container").click()
    expect(page.locator("#id_containers-0-number")).to_be_visible()
    htmx_settled(page)
    container = example_containers()[0]
    page.locator("#id_containers-0-number").fill(container["number"])
    page.locator("#id_containers-0-size_type").fill(container["size_type"])

    # 7. Saving keeps the draft, goods line and container included.
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".messages")).to_contain_text("草稿已保存。")
    expect(page.locator("#id_lines-0-hs_code")).to_have_value("8471300000")
    expect(page.locator("#id_containers-0-number")).to_have_value("CSQU3054383")

    # 8. The invoice and the packing list are attached as PDFs and listed.
    expect(documents_section(page).get_by_role("heading", name="随附单证")).to_be_visible()
    rows = documents_section(page).locator("table tbody tr")
    for count, kind in enumerate((DocumentKind.INVOICE, DocumentKind.PACKING_LIST), start=1):
        pdf = tmp_path / f"{kind}.pdf"
        pdf.write_bytes(blank_pdf(kind))
        attach_document(page, kind, pdf)
        expect(rows).to_have_count(count)
        expect(rows.nth(count - 1)).to_contain_text(pdf.name)

    # 9. Validating shows the weight problem next to the field and at the top, and submits nothing.
    page.get_by_role("button", name="校验").click()
    expect(field_of(page, "id_net_weight").locator(".error")).to_have_text("净重不能大于毛重。")
    expect(page.locator("#problems")).to_contain_text("净重不能大于毛重。")
    declaration = Declaration.objects.get(pk=pk)
    assert declaration.status == DeclarationStatus.DRAFT
    assert not declaration.versions.exists()

    # 10. With the net weight fixed, submitting gives a pre-entry number and a first version.
    page.locator("#id_net_weight").fill("90")
    page.get_by_role("button", name="向监管部门申报").click()
    expect(page).to_have_url(re.compile(rf"/declarations/{pk}/$"))
    expect(page.locator("h1")).to_have_text(re.compile(r"^\d{18}$"))
    declaration = Declaration.objects.get(pk=pk)
    assert declaration.status == DeclarationStatus.SUBMITTED
    assert declaration.versions.count() == 1
    assert page.locator("h1").inner_text() == declaration.pre_entry_no

    # 11. The English button switches the page to English.
    page.locator("header").get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Submitted versions")).to_be_visible()


def test_another_enterprise_clerk_gets_404_for_a_draft_not_theirs(live_server: LiveServer, page: Page) -> None:
    owner = factories.clerk()
    draft = services.declaration_create(user=owner)
    stranger = factories.clerk()

    page.goto(f"{live_server.url}/accounts/login/")
    log_in(page, stranger)
    response = page.goto(f"{live_server.url}/declarations/{draft.pk}/edit/")

    assert response is not None and response.status == 404
    expect(page.locator("body")).not_to_contain_text(owner.organisation.name)
    expect(page.locator("#id_domestic_party_name")).to_have_count(0)
