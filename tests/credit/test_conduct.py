"""The prohibited-conduct catalogue (S12, Hengqin): anyone searches the published items by industry, entity
type and keywords, then inside the results, grouped into the seven categories with counts, and exports
them to Excel; platform staff import the real list from CSV (all rows or none) and take each item through
draft → reviewed → published → superseded; a penalty record cites the item it punishes."""

from __future__ import annotations

import io
from datetime import date, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone, translation
from openpyxl import load_workbook

from credit import conduct, services
from credit.choices import ConductCategory, ConductState
from credit.models import ConductItem, CreditRecord
from singlewindow.choices import OrganisationKind, Role
from singlewindow.models import AuditEntry, User

from .. import factories
from ..clients import api, web

pytestmark = pytest.mark.django_db

HEADER = ",".join(conduct.COLUMNS)


def row(code: str, **values: Any) -> dict[str, Any]:
    return {"code": code, "title_zh": f"测试行为{code}", "title_en": f"Test conduct {code}", "law": "《测试法》",
            "article": "第一条", "clause": "", "penalty_basis": "《测试法》第九条", "category": "advertising",
            "industries": "", "entity_types": "", "keywords": "测试词", "source_agency": "市场监督管理部门",
            "effective_from": "2020-01-01", "repealed_at": "", **values}  # fmt: skip


def staff() -> User:
    org = factories.OrganisationFactory(kind=OrganisationKind.PLATFORM, customs_code="", inspection_code="")
    return factories.UserFactory(organisation=org, role=Role.ADMIN, is_staff=True, is_superuser=True)


def published(*rows: dict[str, Any]) -> list[ConductItem]:
    """Items imported, reviewed and published by platform staff, as the admin does it."""
    user = staff()
    stored, errors = conduct.conduct_import(rows=rows, user=user)
    assert errors == [] and stored == len(rows)
    items = ConductItem.objects.filter(code__in=[r["code"] for r in rows], state=ConductState.DRAFT)
    conduct.conduct_review(items=items, user=user)
    conduct.conduct_publish(items=ConductItem.objects.filter(code__in=[r["code"] for r in rows]), user=user)
    return list(ConductItem.objects.filter(code__in=[r["code"] for r in rows], state=ConductState.PUBLISHED))


def codes(**query: str) -> set[str]:
    groups = conduct.conduct_search(conduct.Criteria.from_query(query))
    return {item.code for g in groups for item in g.items if item.code.startswith("T-")}


def page(**query: str) -> str:
    response = Client(headers={"accept-language": "zh-hans"}).get("/credit/conduct/", query)
    assert response.status_code == 200
    return response.content.decode()


# The shipped sample set ---------------------------------------------------------------------------


def test_the_sample_set_is_published_clearly_labelled_and_covers_the_seven_categories() -> None:
    samples = ConductItem.objects.filter(sample=True)
    assert samples.count() == 28
    assert set(samples.values_list("state", flat=True)) == {ConductState.PUBLISHED}
    assert all(i.title_zh.startswith("【示例】") and i.title_en.startswith("[Sample]") for i in samples)
    assert set(samples.values_list("category", flat=True)) == set(ConductCategory.values)
    html = page(q="SAMPLE-20")
    assert 'id="conduct-SAMPLE-20"' in html and "示例" in html and "《广告法》（2021年修正）第五十七条" in html


def test_the_sample_migration_loads_once_and_unloads_what_no_record_cites() -> None:
    cited = ConductItem.objects.get(code="SAMPLE-26")
    firm = factories.enterprise()
    services.record_add(agency="customs", channel="api", values={
        "uscc": firm.uscc, "record_id": "R1", "kind": "penalty", "penalty_type": "fine", "amount": "1000",
        "decided_at": timezone.localdate(), "conduct_code": "SAMPLE-26"})  # fmt: skip
    assert conduct.load_sample(ConductItem) == 0  # already there: nothing added
    conduct.unload_sample(ConductItem)
    assert list(ConductItem.objects.filter(sample=True)) == [cited]
    assert conduct.load_sample(ConductItem) == 27
    assert ConductItem.objects.filter(sample=True).count() == 28


# Search -------------------------------------------------------------------------------------------


def test_an_industry_finds_its_own_items_its_sections_and_those_for_every_industry() -> None:
    published(row("T-RETAIL", industries="F52"), row("T-TRADE", industries="F"),
              row("T-ALL"), row("T-FOOD", industries="C14"))  # fmt: skip
    assert codes(industry="F52") == {"T-RETAIL", "T-TRADE", "T-ALL"}
    assert codes(industry="52") == {"T-RETAIL", "T-TRADE", "T-ALL"}  # the division alone names its section
    assert codes(industry="F51") == {"T-TRADE", "T-ALL"}
    assert codes(industry="F") == {"T-RETAIL", "T-TRADE", "T-ALL"}
    assert codes(industry="C") == {"T-FOOD", "T-ALL"}
    assert codes(industry="C52") == codes()  # not a code: left out, never an error


def test_entity_types_and_keywords_narrow_and_search_inside_narrows_again() -> None:
    published(row("T-LLC", entity_types="llc", keywords="包装;标签"), row("T-IND", entity_types="individual"),
              row("T-ANY", keywords="包装"))  # fmt: skip
    assert codes(entity_type="llc") == {"T-LLC", "T-ANY"}
    assert codes(q="包装") == {"T-LLC", "T-ANY"}
    assert codes(q="包装", within="标签") == {"T-LLC"}
    assert codes(q="测试词 t-ind") == {"T-IND"}  # every word, case aside, in the code, titles, law or keywords


def test_results_are_grouped_into_the_seven_categories_with_counts() -> None:
    published(row("T-A1"), row("T-A2"), row("T-Q1", category="product_quality"))
    groups = conduct.conduct_search(conduct.Criteria.from_query({"q": "测试词"}))
    assert [g.key for g in groups] == list(ConductCategory.values)
    assert {g.key: g.count for g in groups} == {key: {"advertising": 2, "product_quality": 1}.get(key, 0)
                                                for key in ConductCategory.values}  # fmt: skip
    html = page(q="测试词")
    assert 'id="count-advertising" data-count="2"' in html and 'id="category-product_quality"' in html
    html = page(q="测试词", category="product_quality")  # one category: only its items listed
    assert 'id="conduct-T-Q1"' in html and 'id="conduct-T-A1"' not in html


def test_a_category_lists_twenty_on_the_search_page_and_all_on_its_own() -> None:
    published(*[row(f"T-{n:03d}") for n in range(25)])
    all_groups = conduct.conduct_search(conduct.Criteria.from_query({"q": "测试词"}))
    advertising = next(g for g in all_groups if g.key == "advertising")
    assert (advertising.count, len(advertising.items)) == (25, conduct.SHOWN_PER_CATEGORY) == (25, 20)
    assert len(codes(q="测试词", category="advertising")) == 25


def test_only_published_items_in_effect_are_public() -> None:
    today = timezone.localdate()
    published(row("T-LIVE"), row("T-REPEALED", repealed_at=str(today)),
              row("T-FUTURE", effective_from=str(today + timedelta(days=1))))  # fmt: skip
    conduct.conduct_import(rows=[row("T-DRAFT")], user=None)
    assert codes(q="测试词") == {"T-LIVE"}
    assert "T-DRAFT" not in page(q="测试词") and "T-REPEALED" not in page(q="测试词")


def test_the_page_needs_no_login_and_speaks_both_languages() -> None:
    published(row("T-1"))
    with translation.override("en"):
        html = Client(headers={"accept-language": "en"}).get("/credit/conduct/", {"q": "测试词"}).content.decode()
        assert str(ConductCategory.ADVERTISING.label) in html
    assert Client().get("/credit/conduct/", {"industry": "x\x00", "q": "a\x00b"}).status_code in (200, 400)


def test_the_results_export_to_excel_with_formula_like_text_kept_as_text() -> None:
    published(row("T-X1", title_zh='=HYPERLINK("http://evil")', industries="F52"), row("T-X2"))
    response = Client().get("/credit/conduct/export.xlsx", {"q": "测试词", "industry": "F52"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    found = {r[1]: r for r in rows[1:]}
    assert set(found) == {"T-X1", "T-X2"} and len(rows[0]) == 13
    cell = next(c for c in sheet["D"] if c.value == '=HYPERLINK("http://evil")')
    assert cell.data_type == "s"  # text, never a formula
    assert "F52" in found["T-X1"][7]


# Import and the workflow ------------------------------------------------------------------------


def test_a_bad_row_imports_nothing_and_each_refusal_names_its_row_and_field() -> None:
    rows = [row("T-OK"), row("T-BAD-CAT", category="lies"), row("T-BAD-IND", industries="C52"),
            row("T-OK"), row("", title_zh=""), row("T-DATE", effective_from="2020-13-01")]  # fmt: skip
    stored, errors = conduct.conduct_import(rows=rows, user=None)
    assert stored == 0 and not ConductItem.objects.filter(code__startswith="T-").exists()
    assert [(e["row"], e["field"]) for e in errors] == [
        ("2", "category"),
        ("3", "industries"),
        ("4", "code"),
        ("5", "code"),
        ("6", "effective_from"),
    ]


def test_a_known_code_comes_in_as_its_next_version_and_publishing_supersedes_the_old() -> None:
    (first,) = published(row("T-V"))
    user = staff()
    assert conduct.conduct_import(rows=[row("T-V", title_zh="新的表述")], user=user) == (1, [])
    assert conduct.conduct_import(rows=[row("T-V")], user=user)[1][0]["field"] == "code"  # one open version
    draft = ConductItem.objects.get(code="T-V", version=2)
    assert draft.state == ConductState.DRAFT and codes(q="测试词") == {"T-V"}
    assert conduct.conduct_publish(items=ConductItem.objects.filter(pk=draft.pk), user=user) == 0  # not reviewed
    conduct.conduct_review(items=ConductItem.objects.filter(pk=draft.pk), user=user)
    conduct.conduct_publish(items=ConductItem.objects.filter(pk=draft.pk), user=user)
    first.refresh_from_db()
    draft.refresh_from_db()
    assert (first.state, draft.state, draft.published_by) == (ConductState.SUPERSEDED, ConductState.PUBLISHED, user)
    assert "新的表述" in page(q="测试词")
    actions = set(AuditEntry.objects.filter(object_id=str(draft.pk)).values_list("action", flat=True))
    assert {"credit.conduct_imported", "credit.conduct_reviewed", "credit.conduct_published"} <= actions


def test_only_a_draft_is_edited_and_a_published_item_changes_by_a_new_version() -> None:
    (item,) = published(row("T-E"))
    item.title_zh = "改过"
    with pytest.raises(conduct.ConductRefused):
        conduct.conduct_save(item=item, user=None)
    draft = conduct.conduct_new_version(item=ConductItem.objects.get(pk=item.pk), user=staff())
    assert (draft.version, draft.state, draft.title_zh) == (2, ConductState.DRAFT, "测试行为T-E")
    with pytest.raises(conduct.ConductRefused):
        conduct.conduct_new_version(item=item, user=staff())


def test_the_management_command_imports_a_file_or_nothing(tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text(HEADER + "\nT-C1,行为一,,《测试法》,第一条,,第九条,other,F52;C,llc,测,局,2020-01-01,\n",
                    encoding="utf-8")  # fmt: skip
    out = StringIO()
    call_command("import_conduct", str(good), stdout=out)
    item = ConductItem.objects.get(code="T-C1")
    assert (item.industries, item.sections, item.state) == (["C", "F52"], ["C", "F"], ConductState.DRAFT)
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "\nT-C2,行为二,,《测试法》,第一条,,第九条,other,,,,局,2020-01-01,\n"
                   "T-C3,行为三,,《测试法》,第一条,,第九条,other,,robot,,局,2020-01-01,\n", encoding="utf-8")  # fmt: skip
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_conduct", str(bad), stderr=err)
    assert "row 2 entity_types" in err.getvalue()
    assert not ConductItem.objects.filter(code__in=["T-C2", "T-C3"]).exists()


def test_platform_staff_import_review_and_publish_in_the_admin() -> None:
    admin = web(staff())
    upload = io.BytesIO((HEADER + "\nT-ADM,行为,,《测试法》,第一条,,第九条,other,,,,局,2020-01-01,\n").encode())
    upload.name = "list.csv"
    assert admin.post("/admin/credit/conductitem/import/", {"file": upload}).status_code == 302
    item = ConductItem.objects.get(code="T-ADM")
    bad = io.BytesIO((HEADER + "\nT-ADM2,行为,,《测试法》,第一条,,第九条,nope,,,,局,2020-01-01,\n").encode())
    bad.name = "bad.csv"
    refused = admin.post("/admin/credit/conductitem/import/", {"file": bad}).content.decode()
    assert 'id="import-errors"' in refused and not ConductItem.objects.filter(code="T-ADM2").exists()
    for action in ("review", "publish"):
        admin.post("/admin/credit/conductitem/", {"action": action, "_selected_action": [item.pk]})
    item.refresh_from_db()
    assert item.state == ConductState.PUBLISHED
    assert 'name="title_zh"' not in admin.get(f"/admin/credit/conductitem/{item.pk}/change/").content.decode()
    clerk = web(factories.clerk())
    assert clerk.get("/admin/credit/conductitem/import/").status_code == 302  # to the admin's login


def test_an_edit_in_the_admin_is_checked_like_an_imported_row() -> None:
    admin = web(staff())
    conduct.conduct_import(rows=[row("T-ED")], user=None)
    item = ConductItem.objects.get(code="T-ED")
    form = {**row("T-ED"), "industries": "F52; C99"}
    assert admin.post(f"/admin/credit/conductitem/{item.pk}/change/", form).status_code == 200  # refused
    form["industries"] = "F52; C14"
    assert admin.post(f"/admin/credit/conductitem/{item.pk}/change/", form).status_code == 302
    item.refresh_from_db()
    assert (item.industries, item.sections) == (["C14", "F52"], ["C", "F"])


# Penalty records cite the conduct they punish --------------------------------------------------------


def penalty(firm: Any, record_id: str, **values: Any) -> dict[str, Any]:
    return {"uscc": firm.uscc, "record_id": record_id, "kind": "penalty", "penalty_type": "fine", "amount": "5000",
            "decided_at": timezone.localdate() - timedelta(days=3), **values}  # fmt: skip


def test_a_penalty_cites_the_conduct_it_punishes_and_the_firm_sees_it() -> None:
    (item,) = published(row("T-P", title_zh="销售过期食品测试"))
    firm = factories.enterprise()
    record = services.record_add(agency="customs", channel="api", values=penalty(firm, "P1", conduct_code="T-P"))
    assert record.conduct == item
    own = web(factories.clerk(firm)).get("/credit/mine/").content.decode()
    assert "销售过期食品测试" in own and 'class="small conduct-cited"' in own
    assert "销售过期食品测试" in Client().get("/credit/", {"q": firm.uscc}).content.decode()


def test_a_citation_must_be_a_penalty_and_a_published_code() -> None:
    published(row("T-P2", effective_from=str(timezone.localdate() - timedelta(days=1))))
    firm = factories.enterprise()
    for values, field in (
        (penalty(firm, "P2", kind="performance", conduct_code="T-P2"), "conduct_code"),
        (penalty(firm, "P3", conduct_code="NO-SUCH"), "conduct_code"),
        (penalty(firm, "P4", conduct_code="T-P2", decided_at=timezone.localdate() - timedelta(days=5)), "conduct_code"),
    ):
        with pytest.raises(services.RecordRefused) as refused:
            services.record_add(agency="customs", channel="api", values=values)
        assert refused.value.field == field
    assert not CreditRecord.objects.filter(uscc=firm.uscc).exists()


def test_a_penalty_decided_under_an_older_version_cites_that_version() -> None:
    (old,) = published(row("T-OLD", effective_from="2020-01-01"))
    user = staff()
    conduct.conduct_import(rows=[row("T-OLD", effective_from=str(date.today()))], user=user)
    new = ConductItem.objects.get(code="T-OLD", version=2)
    conduct.conduct_review(items=ConductItem.objects.filter(pk=new.pk), user=user)
    conduct.conduct_publish(items=ConductItem.objects.filter(pk=new.pk), user=user)
    firm = factories.enterprise()
    record = services.record_add(agency="customs", channel="api", values=penalty(firm, "P5", conduct_code="T-OLD"))
    assert record.conduct == old  # decided three days ago: the version in effect then


def test_the_api_takes_and_returns_the_code() -> None:
    published(row("T-API"))
    firm = factories.enterprise()
    client = api(factories.officer())
    body = {**penalty(firm, "P6", conduct_code="T-API"), "decided_at": str(timezone.localdate())}
    response = client.post("/api/v1/credit/records/", body, format="json")
    assert response.status_code == 201 and response.json()["conduct_code"] == "T-API"
    plain = client.post("/api/v1/credit/records/", {**body, "record_id": "P7", "conduct_code": ""}, format="json")
    assert plain.status_code == 201 and plain.json()["conduct_code"] is None
