"""The one-page credit report: a PDF stating the firm's classes and published records (never a non-public
one) in Chinese and English, with a QR code that decodes to its public verification page, where a genuine
report verifies and an altered, expired or invented one does not. And the public lists of honest model
firms and seriously dishonest ones."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
import zxingcpp
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from credit import report, services
from credit.models import CreditReport
from singlewindow.choices import Agency
from singlewindow.models import Organisation

from .. import factories
from ..clients import web

pytestmark = pytest.mark.django_db


def add(firm: Organisation, record_id: str, **values: Any) -> None:
    services.record_add(agency="customs", channel="api", values={
        "uscc": firm.uscc, "record_id": record_id, "kind": "penalty", "penalty_type": "fine", "amount": "30000",
        "decided_at": timezone.localdate() - timedelta(days=10), **values})  # fmt: skip


@pytest.fixture
def firm() -> Organisation:
    firm = factories.enterprise(name="上海信用报告测试有限公司")
    add(firm, "PUB", legal_basis="《海关行政处罚实施条例》第十五条")
    add(firm, "SECRET", legal_basis="稽查线索（不公开）", public=False)
    return firm


@pytest.fixture
def issued(firm: Organisation) -> tuple[CreditReport, bytes]:
    response = web(factories.clerk(firm)).post("/credit/report/", {"uscc": firm.uscc})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return CreditReport.objects.get(uscc=firm.uscc), response.content


def test_the_report_is_one_page_in_both_languages_with_only_published_records(
    firm: Organisation, issued: tuple[CreditReport, bytes]
) -> None:
    stored, pdf = issued
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = re.sub(r"\s+", "", reader.pages[0].extract_text())  # lines wrap where the layout breaks them
    for expected in ("企业信用报告", "ENTERPRISECREDITREPORT", stored.number, firm.name, firm.uscc, "失信",
                     "Dishonest", "《海关行政处罚实施条例》第十五条", "海关", "Customs"):  # fmt: skip
        assert expected in text, expected
    assert "稽查线索" not in text
    assert re.fullmatch(r"CR\d{8}\d{6}", stored.number)


def test_the_qr_code_decodes_to_the_verification_page_which_says_genuine(issued: tuple[CreditReport, bytes]) -> None:
    stored, pdf = issued
    images = PdfReader(io.BytesIO(pdf)).pages[0].images
    codes = zxingcpp.read_barcodes(images[0].image)
    assert [c.text for c in codes] == [report.verify_url(stored)]
    path = urlsplit(codes[0].text).path
    page = Client().get(path)
    assert page.status_code == 200 and 'id="verdict"' in page.content.decode()
    assert report.report_verdict(number=stored.number, token=path.rstrip("/").rsplit("/", 1)[1])[1] == "valid"


def test_an_altered_expired_or_invented_report_does_not_verify(issued: tuple[CreditReport, bytes]) -> None:
    stored, _pdf = issued
    token = urlsplit(report.verify_url(stored)).path.rstrip("/").rsplit("/", 1)[1]
    assert report.report_verdict(number="CR20260101999999", token=token)[1] == "unknown"
    assert Client().get(f"/credit/reports/CR20260101999999/{token}/").status_code == 404
    CreditReport.objects.filter(pk=stored.pk).update(valid_until=timezone.now() - timedelta(seconds=1))
    assert report.report_verdict(number=stored.number, token=token)[1] == "expired"
    altered = {**stored.facts, "records_total": 0}
    CreditReport.objects.filter(pk=stored.pk).update(facts=altered)
    assert report.report_verdict(number=stored.number, token=token)[1] == "invalid"
    assert "稽查" not in Client().get(f"/credit/reports/{stored.number}/{token}/").content.decode()


def test_a_firm_gets_its_own_report_an_officer_any_and_nobody_else(firm: Organisation) -> None:
    other = factories.clerk()
    assert web(other).post("/credit/report/", {"uscc": firm.uscc}).status_code == 404
    assert web(factories.broker(firm)).post("/credit/report/", {"uscc": firm.uscc}).status_code == 404
    assert web(factories.officer(Agency.INSPECTION)).post("/credit/report/", {"uscc": firm.uscc}).status_code == 200
    assert Client().post("/credit/report/", {"uscc": firm.uscc}).status_code == 302  # to log in
    assert web(factories.clerk(firm)).get("/credit/report/").status_code == 405
    assert CreditReport.objects.count() == 1


def test_the_public_page_lists_honest_model_and_seriously_dishonest_firms() -> None:
    model = factories.enterprise(name="示范企业")
    services.record_add(agency="customs", channel="api", values={
        "uscc": model.uscc, "record_id": "AEO", "kind": "aeo_advanced", "outcome": "favourable",
        "decided_at": timezone.localdate()})  # fmt: skip
    tainted = factories.enterprise(name="高级认证但有警示")
    for record_id, kind, extra in (("AEO2", "aeo_advanced", {"outcome": "favourable"}),
                                   ("W", "penalty", {"penalty_type": "warning"})):  # fmt: skip
        services.record_add(agency="customs", channel="api", values={
            "uscc": tainted.uscc, "record_id": record_id, "kind": kind, "decided_at": timezone.localdate(), **extra})  # fmt: skip
    black = factories.enterprise(name="严重失信企业")
    services.record_add(agency="customs", channel="api", values={
        "uscc": black.uscc, "record_id": "SL", "kind": "serious_list", "decided_at": timezone.localdate()})  # fmt: skip
    html = Client().get("/credit/").content.decode()
    assert f'id="honest-{model.uscc}"' in html and f'id="honest-{tainted.uscc}"' not in html
    assert f'id="dishonest-{black.uscc}"' in html and f'id="dishonest-{model.uscc}"' not in html
    assert "严重失信" in html
