"""The licence application pages as the firm's clerk sees them: the page title, the goods line errors on
their cells, the labels of the line table, the new-application form."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
import zxingcpp
from pypdf import PdfReader

from licensing import applications
from licensing.choices import LicenceKind
from singlewindow.choices import Role
from singlewindow.models import User

from .. import factories
from ..clients import api, web
from .test_applications import STEEL, application, issued

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(db: None) -> User:
    return factories.clerk()


def _title(html: str) -> str:
    match = re.search(r"<title>(.*?)</title>", html, re.S)
    assert match is not None
    return match.group(1).strip()


def test_the_application_page_title_is_just_the_applications_title(clerk: User) -> None:
    declaration = application(clerk)
    html = web(clerk).get(f"/licences/applications/{declaration.pk}/").content.decode()
    assert _title(html) == f"草稿 #{declaration.pk} · 国际贸易单一窗口"
    assert html.count('id="documents"') == 1


def _edit_data(declaration_pk: int, line: dict[str, object], action: str = "validate") -> dict[str, object]:
    """What the edit page posts: the automatic import licence's items and one goods line."""
    row = {f"lines-0-{k}": v for k, v in line.items() if v is not False}
    return {
        "trade_mode": "0110", "origin_country": "KOR", "trade_country": "KOR", "use_of_goods": "自用（销售）",
        "place_of_clearance": "2200", "party_name": "买家", "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "1000", **row, "action": action,
    }  # fmt: skip


def _cell(html: str, name: str) -> str:
    """The table cell holding the input of this name."""
    match = re.search(rf'<td class="([^"]*)">((?:(?!</td>).)*?<input[^>]*name="{name}".*?)</td>', html, re.S)
    assert match is not None, name
    return f"{match.group(1)}|{match.group(2)}"


@pytest.mark.parametrize(("name", "message"), [("quantity", "数量不能为负数。"), ("unit_price", "单价不能为负数。")])
def test_a_negative_number_on_a_line_is_refused_on_its_cell(clerk: User, name: str, message: str) -> None:
    declaration = application(clerk)
    page = web(clerk).post(
        f"/licences/applications/{declaration.pk}/edit/",
        _edit_data(declaration.pk, {**STEEL, name: "-5"}, action="save"),
    )
    html = page.content.decode()
    assert page.status_code == 400
    cell = _cell(html, f"lines-0-{name}")
    assert cell.startswith("invalid|") and message in cell
    assert "约束" not in html and "licenceapplicationline" not in html
    [line] = declaration.licence_application.lines.all()  # nothing saved: the line as it was
    assert line.quantity == STEEL["quantity"] and line.unit_price == STEEL["unit_price"]


def test_the_service_refuses_a_negative_quantity_on_its_line_and_saves_nothing(clerk: User) -> None:
    declaration = application(clerk)
    with pytest.raises(applications.DeclarationInvalid) as refused:
        applications.application_save(
            declaration=declaration, user=clerk, values={"use_of_goods": "改了"},
            lines=[STEEL, {**STEEL, "quantity": Decimal(-5)}],
        )  # fmt: skip
    negative = "数量不能为负数。"
    assert [(p.field, p.message) for p in refused.value.found] == [("lines[1].quantity", negative)]
    terms = declaration.licence_application
    terms.refresh_from_db()
    assert terms.use_of_goods == "自用（销售）" and terms.lines.count() == 1


def test_the_api_refuses_a_negative_quantity_on_its_line(clerk: User) -> None:
    declaration = application(clerk)
    line = {k: str(v) if isinstance(v, Decimal) else v for k, v in STEEL.items()}
    answer = api(clerk).patch(
        f"/api/v1/licence-applications/{declaration.pk}/", {"lines": [{**line, "quantity": "-5"}]}, format="json"
    )
    assert answer.status_code == 400, answer.content
    assert "quantity" in answer.content.decode() and "licenceapplicationline" not in answer.content.decode()
    assert declaration.licence_application.lines.get().quantity == STEEL["quantity"]


def test_a_qualification_ending_before_it_starts_is_refused_on_its_field_in_the_admin() -> None:
    operator = factories.UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
    firm = factories.enterprise()
    page = web(operator).post(
        "/admin/licensing/qualification/add/",
        {"organisation": firm.pk, "kind": "customs_declarant", "number": "3100123456",
         "valid_from": "2026-05-01", "valid_until": "2026-04-01"},
    )  # fmt: skip
    html = page.content.decode()
    assert page.status_code == 200 and "有效期截止日期不能早于起始日期。" in html
    assert "qualification_validity_ordered" not in html
    assert not firm.qualifications.filter(number="3100123456").exists()


def test_every_input_of_the_goods_line_table_has_a_label_naming_its_column_and_line(clerk: User) -> None:
    declaration = application(clerk)
    html = web(clerk).get(f"/licences/applications/{declaration.pk}/edit/").content.decode()
    ids = re.findall(r'<(?:input|select|textarea)[^>]*\bid="(id_lines-\d+-[a-zA-Z_]+)"', html)
    assert "id_lines-0-quantity" in ids and "id_lines-1-hs_code" in ids  # the line and an empty row
    for id_ in ids:
        label = re.search(rf'<label[^>]*for="{id_}"[^>]*>(.*?)</label>', html, re.S)
        assert label is not None, id_
        assert f"商品项 {int(id_.split('-')[1]) + 1}" in label.group(1), label.group(1)
    assert re.search(r'<label[^>]*for="id_lines-0-quantity"[^>]*>数量 · 商品项 1</label>', html)


def test_the_new_application_page_is_a_labelled_group_of_kinds(clerk: User) -> None:
    html = web(clerk).get("/licences/applications/new/").content.decode()
    assert 'role="radiogroup"' in html and 'aria-labelledby="label-id_kind"' in html
    assert re.search(r'<span class="label" id="label-id_kind">许可证种类</span>', html)
    assert "许可证种类:" not in html and 'class="card narrow"' in html


def test_start_opens_the_users_untouched_empty_draft_of_that_kind_rather_than_another(clerk: User) -> None:
    page = web(clerk)
    first = page.post("/licences/applications/new/", {"kind": LicenceKind.EXPORT})
    again = page.post("/licences/applications/new/", {"kind": LicenceKind.EXPORT})
    assert first.status_code == again.status_code == 302 and first["Location"] == again["Location"]
    mine = applications.Declaration.objects.filter(owner=clerk.organisation, category="licapp")
    assert mine.count() == 1

    other_kind = page.post("/licences/applications/new/", {"kind": LicenceKind.AUTOMATIC_IMPORT})
    assert other_kind["Location"] != first["Location"] and mine.count() == 2

    # Once something is typed in it, the draft is the user's work: 开始 starts a new one.
    draft = mine.get(licence_application__kind=LicenceKind.EXPORT)
    applications.application_save(declaration=draft, user=clerk, values={"contract_no": "HT-2026-01"})
    typed = page.post("/licences/applications/new/", {"kind": LicenceKind.EXPORT})
    assert typed["Location"] != first["Location"] and mine.count() == 3

    # A colleague's empty draft is not this user's to open.
    colleague = factories.clerk(clerk.organisation)
    theirs = web(colleague).post("/licences/applications/new/", {"kind": LicenceKind.AUTOMATIC_IMPORT})
    assert theirs["Location"] != other_kind["Location"] and mine.count() == 4


def test_a_draft_with_a_goods_line_is_not_opened_as_empty(clerk: User) -> None:
    declaration = applications.application_create(user=clerk, kind=LicenceKind.AUTOMATIC_IMPORT, lines=[STEEL])
    again = web(clerk).post("/licences/applications/new/", {"kind": LicenceKind.AUTOMATIC_IMPORT})
    assert again["Location"] != f"/licences/applications/{declaration.pk}/edit/"


def test_the_licence_page_pdf_and_verify_page_name_the_unit(clerk: User, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PORTAL_BASE_URL = "https://sw.example.cn"
    licence = issued(clerk)  # 50000 千克 (unit 035) of hot-rolled steel plate
    page = web(clerk)
    html = page.get(f"/licences/{licence.number}/").content.decode()
    assert re.search(r'<tr id="line-1">.*?<td>千克</td>', html, re.S) and "<td>035</td>" not in html
    english = web(clerk, HTTP_ACCEPT_LANGUAGE="en").get(f"/licences/{licence.number}/").content.decode()
    assert re.search(r'<tr id="line-1">.*?<td>kilogram</td>', english, re.S)

    reader = PdfReader(io.BytesIO(page.get(f"/licences/{licence.number}/pdf/").content))
    text = reader.pages[0].extract_text()
    assert re.search(r"热轧钢板\s*千克\s*50000", text), text
    assert not re.search(r"热轧钢板\s*035", text)  # the unit's code is not printed in its place (a verification
    # URL or a time elsewhere on the page may hold the digits 035 by chance)

    [code] = zxingcpp.read_barcodes(reader.pages[0].images[0].image)
    verify = web(clerk).get(code.text.removeprefix("https://sw.example.cn")).content.decode()
    assert "50000 千克" in verify and "50000 035" not in verify
