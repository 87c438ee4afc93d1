"""Agencies send credit records over the API (one, or a CSV file); the agency is who is signed in; bad
input is refused with the field named and nothing stored; firms read only their own classes."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from credit.models import Classification, CreditRecord
from singlewindow.choices import Agency
from singlewindow.models import Organisation, User

from .. import factories
from ..clients import web

pytestmark = pytest.mark.django_db


def api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return client


def penalty(firm: Organisation, record_id: str = "CUS-2026-001", **changes: Any) -> dict[str, Any]:
    return {"uscc": firm.uscc, "record_id": record_id, "kind": "penalty", "penalty_type": "fine",
            "amount": "20000.00", "legal_basis": "《海关行政处罚实施条例》第十五条", "decided_at": "2026-11-02",
            **changes}  # fmt: skip


@pytest.fixture
def firm() -> Organisation:
    return factories.enterprise()


def test_an_agency_posts_a_penalty_and_the_firm_turns_red_at_once(firm: Organisation) -> None:
    answer = api(factories.officer(Agency.CUSTOMS)).post(
        "/api/v1/credit/records/", penalty(firm, source_agency="inspection"), format="json"
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["source_agency"] == "customs"  # who signed in, not what the body claims
    classes = api(factories.clerk(firm)).get(f"/api/v1/credit/classes/{firm.uscc}/").json()["classes"]
    public = next(c for c in classes if c["scheme"] == "public")
    assert (public["class"], public["colour"], public["rule"]) == ("red", "red", "penalties_not_warnings")
    assert [r["record_id"] for r in public["records"]] == ["CUS-2026-001"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"uscc": "91310000MA1FL0000X"}, "uscc"),  # a wrong check character
        ({"decided_at": "2999-01-01"}, "decided_at"),
        ({"kind": "rumour"}, "kind"),
        ({"amount": "-5"}, "amount"),
    ],
)
def test_bad_records_are_refused_with_the_field_named(firm: Organisation, changes: dict[str, str], field: str) -> None:
    answer = api(factories.officer()).post("/api/v1/credit/records/", penalty(firm, **changes), format="json")
    assert answer.status_code == 400
    assert [e["field"] for e in answer.json()["errors"]] == [field]
    assert CreditRecord.objects.count() == 0


def test_a_record_for_an_unknown_firm_or_sent_twice_changes_nothing(firm: Organisation) -> None:
    from stdnum.cn import uscc

    officer = api(factories.officer())
    unknown = "91310000MA1FL0000" + uscc.calc_check_digit("91310000MA1FL0000")
    answer = officer.post("/api/v1/credit/records/", penalty(firm, uscc=unknown), format="json")
    assert answer.status_code == 400 and "No enterprise" in answer.json()["errors"][0]["message"]
    assert officer.post("/api/v1/credit/records/", penalty(firm), format="json").status_code == 201
    again = officer.post("/api/v1/credit/records/", penalty(firm, amount="9999999"), format="json")
    assert again.status_code == 400 and again.json()["errors"][0]["code"] == "duplicate"
    assert CreditRecord.objects.get().amount == 20000  # the first stands
    assert Classification.objects.get(uscc=firm.uscc, scheme_key="public", current=True).klass == "red"


def test_only_agencies_send_records_and_a_firm_reads_only_its_own_classes(firm: Organisation) -> None:
    clerk = api(factories.clerk(firm))
    assert clerk.post("/api/v1/credit/records/", penalty(firm), format="json").status_code == 404
    other = factories.enterprise()
    assert clerk.get(f"/api/v1/credit/classes/{other.uscc}/").status_code == 404
    assert api(factories.officer(Agency.INSPECTION)).get(f"/api/v1/credit/classes/{other.uscc}/").status_code == 200
    assert APIClient().get(f"/api/v1/credit/classes/{firm.uscc}/").status_code in (401, 403)


def csv_file(*rows: str) -> SimpleUploadedFile:
    header = "uscc,record_id,kind,penalty_type,amount,decided_at"
    return SimpleUploadedFile("records.csv", "\n".join([header, *rows]).encode("utf-8-sig"), "text/csv")


def test_a_batch_file_is_stored_whole_or_not_at_all(firm: Organisation) -> None:
    officer = api(factories.officer(Agency.INSPECTION))
    bad = csv_file(f"{firm.uscc},F-1,penalty,warning,,2026-10-01", f"{firm.uscc},F-2,penalty,fine,abc,2026-10-02")
    answer = officer.post("/api/v1/credit/records/file/", {"file": bad}, format="multipart")
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["field"] == "rows[1].amount"
    assert CreditRecord.objects.count() == 0
    good = csv_file(f"{firm.uscc},F-1,penalty,warning,,2026-10-01", f"{firm.uscc},F-2,performance,,,2026-10-02")
    answer = officer.post("/api/v1/credit/records/file/", {"file": good}, format="multipart")
    assert answer.status_code == 201 and answer.json() == {"stored": 2}
    assert set(CreditRecord.objects.values_list("source_agency", "channel")) == {("inspection", "file")}
    assert Classification.objects.get(uscc=firm.uscc, scheme_key="public", current=True).klass == "yellow"


def test_the_firm_reads_its_classes_with_the_rule_and_records_on_its_organisation_page(firm: Organisation) -> None:
    from django.test import Client

    api(factories.officer(Agency.CUSTOMS)).post("/api/v1/credit/records/", penalty(firm), format="json")
    page = Client(headers={"accept-language": "zh-hans"})
    page.force_login(factories.clerk(firm))
    html = page.get("/organisation/").content.decode()
    assert 'id="credit-public"' in html and "失信" in html
    assert "受到非警告类行政处罚" in html and "《海关行政处罚实施条例》第十五条" in html


def test_the_admin_shows_credit_but_cannot_alter_it(firm: Organisation, admin_user: Any) -> None:
    admin_client = web(admin_user)  # with the second factor verified
    api(factories.officer()).post("/api/v1/credit/records/", penalty(firm), format="json")
    record = CreditRecord.objects.get()
    assert admin_client.get("/admin/credit/creditrecord/").status_code == 200
    assert admin_client.get("/admin/credit/creditrecord/add/").status_code == 403
    assert admin_client.post(f"/admin/credit/creditrecord/{record.pk}/delete/", {"post": "yes"}).status_code == 403
    assert CreditRecord.objects.filter(pk=record.pk).exists()


def test_a_file_says_public_as_a_cell_empty_meaning_public(firm: Organisation) -> None:
    officer = api(factories.officer())
    header = "uscc,record_id,kind,decided_at,public"
    rows = [f"{firm.uscc},P-1,performance,2026-10-01,", f"{firm.uscc},P-2,performance,2026-10-01,否"]
    upload = SimpleUploadedFile("r.csv", "\n".join([header, *rows]).encode(), "text/csv")
    assert officer.post("/api/v1/credit/records/file/", {"file": upload}, format="multipart").status_code == 201
    assert dict(CreditRecord.objects.values_list("record_id", "public")) == {"P-1": True, "P-2": False}
    bad = SimpleUploadedFile("r.csv", f"{header}\n{firm.uscc},P-3,performance,2026-10-01,maybe".encode(), "text/csv")
    answer = officer.post("/api/v1/credit/records/file/", {"file": bad}, format="multipart")
    assert answer.status_code == 400 and answer.json()["errors"][0]["field"] == "rows[0].public"


def test_a_well_formed_date_that_is_no_day_is_refused_naming_the_field(firm: Organisation) -> None:
    from credit import services

    with pytest.raises(services.RecordRefused) as refused:
        services.record_add(agency="customs", channel="api", values=penalty(firm, decided_at="2026-13-01"))
    assert refused.value.field == "decided_at"
