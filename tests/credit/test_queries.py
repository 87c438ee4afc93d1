"""Officers query credit (S10) by class, source agency, record kind and period, on the page, in CSV and
Excel exports and over the API; every time someone outside a firm is shown its non-public records, an
access row says who, when and which firm (S9), and platform administrators read those rows in the admin."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from credit import services
from credit.choices import AccessSurface
from credit.models import CreditRecord, RecordAccess
from singlewindow.choices import Agency, OrganisationKind, Role
from singlewindow.models import Organisation, User

from .. import factories
from ..clients import api, web

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def add(firm: Organisation, record_id: str, *, agency: str = Agency.CUSTOMS, **values: Any) -> CreditRecord:
    return services.record_add(agency=agency, channel="api", values={
        "uscc": firm.uscc, "record_id": record_id, "kind": "penalty", "penalty_type": "fine", "amount": "20000",
        "decided_at": TODAY - timedelta(days=30), **values})  # fmt: skip


@pytest.fixture
def world() -> dict[str, Any]:
    red, green = factories.enterprise(name="红色企业"), factories.enterprise(name="绿色企业")
    add(red, "R-FINE")  # a fine: red (dishonest) in the public scheme
    add(red, "R-SECRET", public=False, summary="稽查线索")
    add(green, "G-PERF", kind="performance", outcome="favourable", penalty_type="", amount="")
    add(green, "G-OLD", agency=Agency.INSPECTION, kind="filing", outcome="neutral", penalty_type="", amount="",
        decided_at=TODAY - timedelta(days=400), public=False)  # fmt: skip
    return {"red": red, "green": green, "officer": factories.officer(Agency.INSPECTION)}


def platform_admin() -> User:
    org = factories.OrganisationFactory(kind=OrganisationKind.PLATFORM, customs_code="", inspection_code="")
    return factories.UserFactory(organisation=org, role=Role.ADMIN, is_staff=True, is_superuser=True)


def ids(html: str) -> set[str]:
    return {r.record_id for r in CreditRecord.objects.all() if f'id="record-{r.pk}"' in html}


def test_an_officer_filters_by_class_agency_kind_and_period(world: dict[str, Any]) -> None:
    page = web(world["officer"])
    assert ids(page.get("/credit/records/").content.decode()) == {"R-FINE", "R-SECRET", "G-PERF", "G-OLD"}
    assert ids(page.get("/credit/records/", {"klass": "public:red"}).content.decode()) == {"R-FINE", "R-SECRET"}
    assert ids(page.get("/credit/records/", {"source_agency": "inspection"}).content.decode()) == {"G-OLD"}
    assert ids(page.get("/credit/records/", {"kind": "performance"}).content.decode()) == {"G-PERF"}
    period = {"decided_from": str(TODAY - timedelta(days=500)), "decided_to": str(TODAY - timedelta(days=100))}
    assert ids(page.get("/credit/records/", period).content.decode()) == {"G-OLD"}


def test_each_view_of_non_public_records_is_logged_per_firm(world: dict[str, Any]) -> None:
    officer = world["officer"]
    web(officer).get("/credit/records/")
    logged = {(a.uscc, tuple(a.records), a.surface, a.viewer_id, a.viewer_agency) for a in RecordAccess.objects.all()}
    secret, old = (CreditRecord.objects.get(record_id=i).pk for i in ("R-SECRET", "G-OLD"))
    assert logged == {
        (world["red"].uscc, (secret,), AccessSurface.QUERY_PAGE, officer.pk, "inspection"),
        (world["green"].uscc, (old,), AccessSurface.QUERY_PAGE, officer.pk, "inspection"),
    }
    RecordAccess.objects.all().delete()
    web(officer).get("/credit/records/", {"kind": "performance"})  # only public records shown: nothing logged
    assert not RecordAccess.objects.exists()


def test_exports_carry_the_query_and_are_logged(world: dict[str, Any]) -> None:
    page = web(world["officer"])
    response = page.get("/credit/records/export.csv", {"klass": "public:red"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert response.status_code == 200 and sorted(r[2] for r in rows[1:]) == ["R-FINE", "R-SECRET"]
    response = page.get("/credit/records/export.xlsx", {"source_agency": "inspection"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [r[2] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["G-OLD"]
    assert set(RecordAccess.objects.values_list("surface", "uscc")) == {
        (AccessSurface.CSV_EXPORT, world["red"].uscc), (AccessSurface.XLSX_EXPORT, world["green"].uscc)}  # fmt: skip


def test_formula_like_text_is_exported_as_text(world: dict[str, Any]) -> None:
    add(world["green"], "G-EVIL", summary="=cmd|' /C calc'!A0")
    response = web(world["officer"]).get("/credit/records/export.csv", {"kind": "penalty", "uscc": world["green"].uscc})
    assert "'=cmd" in response.content.decode("utf-8-sig")


def test_the_api_queries_the_same_way_and_logs(world: dict[str, Any]) -> None:
    response = api(world["officer"]).get("/api/v1/credit/records/", {"klass": "public:red", "limit": 1})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2 and len(body["results"]) == 1
    assert api(world["officer"]).get("/api/v1/credit/records/", {"decided_from": "x"}).json()["errors"][0]["field"] == (
        "decided_from"
    )


def test_the_classes_api_logs_an_officer_not_the_firm_itself(world: dict[str, Any]) -> None:
    red = world["red"]
    api(factories.clerk(red)).get(f"/api/v1/credit/classes/{red.uscc}/")
    assert not RecordAccess.objects.exists()
    api(world["officer"]).get(f"/api/v1/credit/classes/{red.uscc}/")
    assert list(RecordAccess.objects.values_list("surface", "uscc")) == [(AccessSurface.CLASSES_API, red.uscc)]


def test_only_officers_query_and_the_log_is_for_platform_administrators(world: dict[str, Any]) -> None:
    for user in (factories.clerk(world["red"]), factories.broker(world["red"]), factories.ship_agent()):
        assert web(user).get("/credit/records/").status_code == 404
        assert web(user).get("/credit/records/export.csv").status_code == 404
        assert api(user).get("/api/v1/credit/records/").status_code == 404
    web(world["officer"]).get("/credit/records/")
    listing = web(platform_admin()).get("/admin/credit/recordaccess/")
    assert listing.status_code == 200 and world["red"].uscc in listing.content.decode()
    assert web(platform_admin()).post(f"/admin/credit/recordaccess/{RecordAccess.objects.first().pk}/delete/",  # type: ignore[union-attr]
                           {"post": "yes"}).status_code == 403  # fmt: skip
