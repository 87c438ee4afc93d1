"""The REST API does what the pages do, under the same rules and the same scoping."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from declarations.examples import blank_pdf, example_containers, example_header, example_line
from declarations.models import Declaration
from singlewindow.choices import Agency
from singlewindow.models import User

from .. import factories

pytestmark = pytest.mark.django_db


def payload(lines: int = 2) -> dict:
    header = example_header()
    header["import_export_date"] = header["import_export_date"].isoformat()
    return {
        "target": "both",
        "direction": "import",
        "kind": "general",
        **{k: str(v) if not isinstance(v, int | str) else v for k, v in header.items()},
        "lines": [{k: str(v) for k, v in example_line(i).items()} for i in range(lines)],
        "containers": example_containers(),
    }


def attach_documents(api: APIClient, pk: int) -> None:
    for kind in ("invoice", "packing_list"):
        response = api.post(
            f"/api/v1/declarations/{pk}/documents/",
            {"kind": kind, "file": SimpleUploadedFile(f"{kind}.pdf", blank_pdf(), "application/pdf")},
            format="multipart",
        )
        assert response.status_code == 201, response.content


def test_create_validate_and_submit_through_the_api(api_a: APIClient, user_a: User) -> None:
    created = api_a.post("/api/v1/declarations/", payload(), format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["domestic_party_uscc"] == user_a.organisation.uscc  # type: ignore[union-attr]
    assert len(created.json()["lines"]) == 2

    checked = api_a.post(f"/api/v1/declarations/{pk}/validate/")
    assert checked.json()["valid"] is False
    assert {e["field"] for e in checked.json()["errors"]} == {"documents"}

    attach_documents(api_a, pk)
    submitted = api_a.post(f"/api/v1/declarations/{pk}/submit/")
    assert submitted.status_code == 201, submitted.content
    assert submitted.json()["number"] == 1
    assert len(submitted.json()["pre_entry_no"]) == 18
    assert api_a.get(f"/api/v1/declarations/{pk}/").json()["status"] == "submitted"


def test_validation_errors_name_the_field_in_the_users_language(api_a: APIClient) -> None:
    body = payload()
    body["net_weight"] = "99999"
    pk = api_a.post("/api/v1/declarations/", body, format="json").json()["id"]
    attach_documents(api_a, pk)
    zh = api_a.post(f"/api/v1/declarations/{pk}/submit/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert zh.status_code == 400
    assert zh.json()["errors"] == [{"field": "net_weight", "code": "net_above_gross", "message": "净重不能大于毛重。"}]
    en = api_a.post(f"/api/v1/declarations/{pk}/submit/", HTTP_ACCEPT_LANGUAGE="en")
    assert en.json()["errors"][0]["message"] == "Net weight cannot exceed gross weight."
    assert Declaration.objects.get(pk=pk).status == "draft"


def test_values_that_cannot_be_parsed_come_back_per_field_and_nothing_is_saved(api_a: APIClient) -> None:
    body = payload()
    body["gross_weight"] = "heavy"
    body["lines"][1]["unit_price"] = "cheap"
    response = api_a.post("/api/v1/declarations/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"gross_weight", "lines[1].unit_price"}
    assert not Declaration.objects.exists()


def test_another_enterprise_gets_404_for_every_declaration_endpoint(api_a: APIClient, api_b: APIClient) -> None:
    pk = api_a.post("/api/v1/declarations/", payload(), format="json").json()["id"]
    for method, url in [
        ("get", f"/api/v1/declarations/{pk}/"),
        ("patch", f"/api/v1/declarations/{pk}/"),
        ("delete", f"/api/v1/declarations/{pk}/"),
        ("post", f"/api/v1/declarations/{pk}/validate/"),
        ("post", f"/api/v1/declarations/{pk}/submit/"),
        ("post", f"/api/v1/declarations/{pk}/copy/"),
        ("get", f"/api/v1/declarations/{pk}/versions/"),
        ("get", f"/api/v1/declarations/{pk}/history/"),
        ("post", f"/api/v1/declarations/{pk}/documents/"),
    ]:
        body_format = "multipart" if url.endswith("documents/") else "json"
        assert getattr(api_b, method)(url, {}, format=body_format).status_code == 404, (method, url)
    assert api_b.get("/api/v1/declarations/").json()["count"] == 0


def test_officers_see_submitted_declarations_routed_to_their_agency_only(api_a: APIClient) -> None:
    draft = api_a.post("/api/v1/declarations/", payload(), format="json").json()["id"]
    customs_only = api_a.post("/api/v1/declarations/", {**payload(), "target": "customs"}, format="json").json()["id"]
    attach_documents(api_a, customs_only)
    assert api_a.post(f"/api/v1/declarations/{customs_only}/submit/").status_code == 201
    factories.delivered(Declaration.objects.get(pk=customs_only))  # officers see what was delivered to them

    for agency, expected in ((Agency.CUSTOMS, [customs_only]), (Agency.INSPECTION, [])):
        api = APIClient()
        api.force_authenticate(factories.officer(agency))
        assert [d["id"] for d in api.get("/api/v1/declarations/").json()["results"]] == expected
        assert api.get(f"/api/v1/declarations/{draft}/").status_code == 404
        assert api.post(f"/api/v1/declarations/{customs_only}/submit/").status_code == 404


def test_list_filters_and_search(api_a: APIClient) -> None:
    first = api_a.post("/api/v1/declarations/", payload(), format="json").json()["id"]
    api_a.post(
        "/api/v1/declarations/",
        {**payload(), "bill_of_lading": "MSKU1234567", "direction": "export", "incoterms": "FOB"},
        format="json",
    )
    assert [d["id"] for d in api_a.get("/api/v1/declarations/?q=COSU62").json()["results"]] == [first]
    assert api_a.get("/api/v1/declarations/?direction=export").json()["count"] == 1
    assert api_a.get("/api/v1/declarations/?status=submitted").json()["count"] == 0


def test_hs_search_and_code_lists(api_a: APIClient) -> None:
    found = api_a.get("/api/v1/hs/?q=847130").json()
    assert found[0]["code"] == "847130"
    assert any(r["code"] == "010121" for r in api_a.get("/api/v1/hs/?q=horses pure-bred").json())
    countries = api_a.get("/api/v1/codelists/country/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert {"code": "DEU", "name": "德国"} in countries
    assert api_a.get("/api/v1/codelists/nonsense/").status_code == 404


def test_organisation_master_record_and_its_audit(db: None) -> None:
    from singlewindow.choices import Role
    from singlewindow.models import AuditEntry

    manager = factories.clerk(role=Role.MANAGER)
    api = APIClient()
    api.force_authenticate(manager)
    assert api.get("/api/v1/organisation/").json()["qualifications"][0]["kind"] == "inspection_registration"
    assert api.patch("/api/v1/organisation/", {"phone": "021-1234 5678"}, format="json").status_code == 200
    entry = AuditEntry.objects.get(action="organisation.updated")
    assert (entry.actor, entry.after) == (manager, {"phone": "021-1234 5678"})
    clerk_api = APIClient()
    clerk_api.force_authenticate(factories.clerk(manager.organisation))
    assert clerk_api.patch("/api/v1/organisation/", {"phone": "1"}, format="json").status_code == 403


def test_the_openapi_schema_describes_the_declaration_endpoints(api_a: APIClient) -> None:
    schema = api_a.get("/api/schema/?format=json").json()
    assert "/api/v1/declarations/{id}/submit/" in schema["paths"]
    assert api_a.get("/api/docs/").status_code == 200


def test_unauthenticated_requests_are_refused() -> None:
    assert APIClient().get("/api/v1/declarations/").status_code in (401, 403)
