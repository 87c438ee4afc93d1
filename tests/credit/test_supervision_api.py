"""The API twins of the credit pages: the prohibited-conduct catalogue (public, the page's filters), double-
random spot checks (officers: list, draw, detail with the re-draw, results written back) and the credit
report (a PDF for the firm itself and for officers; anyone else 404)."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader
from rest_framework.test import APIClient

from credit import services
from credit.models import CreditRecord, SpotCheckFirm
from singlewindow.choices import Agency

from .. import factories
from ..clients import api

pytestmark = pytest.mark.django_db


def test_the_catalogue_is_public_and_filters_like_the_page() -> None:
    everything = APIClient().get("/api/v1/credit/conduct/")
    assert everything.status_code == 200
    total = everything.json()["total"]
    assert total >= 20 and len(everything.json()["categories"]) == 7
    found = APIClient().get("/api/v1/credit/conduct/", {"q": "SAMPLE-20"}).json()
    items = [item for group in found["categories"] for item in group["items"]]
    assert found["total"] == 1 and [i["code"] for i in items] == ["SAMPLE-20"] and items[0]["sample"] is True
    advertising = APIClient().get("/api/v1/credit/conduct/", {"category": "advertising"}).json()
    counts = {group["key"]: group["count"] for group in advertising["categories"]}
    shown = {group["key"]: len(group["items"]) for group in advertising["categories"]}
    assert shown["advertising"] == counts["advertising"] and sum(shown.values()) == counts["advertising"]


def test_an_officer_draws_reads_and_writes_back_a_spot_check_through_the_api() -> None:
    firm = factories.enterprise()
    officer = factories.officer(Agency.CUSTOMS)
    client = api(officer)
    drawn = client.post("/api/v1/credit/spot-checks/", {"title": "年度抽查", "ratio": "1", "seed": "api-seed",
                                                        "inspectors_per_firm": 1}, format="json")  # fmt: skip
    assert drawn.status_code == 201, drawn.content
    body = drawn.json()
    assert body["seed"] == "api-seed" and body["verification"]["same_as_stored"] is True
    row = next(f for f in body["firms"] if f["uscc"] == firm.uscc)
    assert row["inspectors"] == [officer.username] and row["outcome"] == "pending"
    listed = client.get("/api/v1/credit/spot-checks/").json()
    assert [c["id"] for c in listed["results"]] == [body["id"]]
    assert (
        client.get(f"/api/v1/credit/spot-checks/{body['id']}/").json()["population_digest"] == body["population_digest"]
    )
    result = client.post(f"/api/v1/credit/spot-checks/{body['id']}/firms/{row['id']}/result/",
                         {"outcome": "unreachable", "note": "注册地址无人"}, format="json")  # fmt: skip
    assert result.status_code == 200 and result.json()["outcome"] == "unreachable"
    record = CreditRecord.objects.get(pk=result.json()["record"])
    assert (record.uscc, record.kind, record.channel) == (firm.uscc, "abnormal_list", "spot_check")
    again = client.post(f"/api/v1/credit/spot-checks/{body['id']}/firms/{row['id']}/result/",
                        {"outcome": "no_problem"}, format="json")  # fmt: skip
    assert again.status_code == 400 and again.json()["errors"][0]["code"] == "recorded"


def test_spot_checks_are_not_found_for_firms_and_results_not_for_officers_not_drawn() -> None:
    factories.enterprise()
    officer = factories.officer(Agency.CUSTOMS)
    body = api(officer).post("/api/v1/credit/spot-checks/", {"title": "抽查", "ratio": "1", "inspectors_per_firm": 1},
                             format="json").json()  # fmt: skip
    clerk = api(factories.clerk())
    assert clerk.get("/api/v1/credit/spot-checks/").status_code == 404
    assert clerk.get(f"/api/v1/credit/spot-checks/{body['id']}/").status_code == 404
    assert clerk.post("/api/v1/credit/spot-checks/", {"title": "x", "ratio": "1"}, format="json").status_code == 404
    row = SpotCheckFirm.objects.filter(spot_check_id=body["id"]).first()
    assert row is not None
    url = f"/api/v1/credit/spot-checks/{body['id']}/firms/{row.pk}/result/"
    joined_after = factories.officer(Agency.PORT)  # not in the pool the check drew its inspectors from
    assert api(joined_after).post(url, {"outcome": "minor"}, format="json").status_code == 404
    assert clerk.post(url, {"outcome": "minor"}, format="json").status_code == 404


def test_the_report_api_gives_the_firm_its_own_pdf_and_officers_any_and_nobody_else() -> None:
    firm = factories.enterprise(name="上海报告接口测试有限公司")
    services.record_add(agency="customs", channel="api", values={
        "uscc": firm.uscc, "record_id": "R1", "kind": "penalty", "penalty_type": "fine", "amount": "1000",
        "decided_at": timezone.localdate() - timedelta(days=3), "legal_basis": "《海关法》第八十六条"})  # fmt: skip
    own = api(factories.clerk(firm)).post("/api/v1/credit/reports/", {"uscc": firm.uscc}, format="json")
    assert own.status_code == 201 and own["Content-Type"] == "application/pdf"
    text = re.sub(r"\s+", "", PdfReader(io.BytesIO(own.content)).pages[0].extract_text())
    assert firm.uscc in text and "《海关法》第八十六条" in text
    officer = api(factories.officer(Agency.INSPECTION)).post("/api/v1/credit/reports/", {"uscc": firm.uscc},
                                                              format="json")  # fmt: skip
    assert officer.status_code == 201 and officer.content.startswith(b"%PDF")
    other = api(factories.clerk()).post("/api/v1/credit/reports/", {"uscc": firm.uscc}, format="json")
    assert other.status_code == 404 and firm.uscc not in other.content.decode()
