"""What a create answers and what the schema names (review api.md #11): Location on 201, enums for the
timeline's states and event kinds and for the code lists' names, an unknown code list a documented 404."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from declarations.api.serializers import BRANCH_STATES
from declarations.choices import CodeList, DeclarationStatus, DeliveryStatus, EventKind, PaymentStatus
from singlewindow.models import User

from .. import factories
from .test_api import payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def openapi(client: Client) -> dict:
    document: dict = client.get("/api/schema/?format=json").json()
    return document


def test_a_created_draft_answers_its_location(api_a: APIClient) -> None:
    response = api_a.post("/api/v1/declarations/", payload(lines=1), format="json")
    assert response.status_code == 201
    assert response["Location"] == f"http://testserver/api/v1/declarations/{response.json()['id']}/"
    assert api_a.get(response["Location"]).json()["id"] == response.json()["id"]


def test_a_replayed_create_answers_the_same_location(api_a: APIClient) -> None:
    first = api_a.post("/api/v1/declarations/", payload(lines=0), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api_a.post("/api/v1/declarations/", payload(lines=0), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert again["Idempotent-Replayed"] == "true"
    assert again["Location"] == first["Location"]


def test_a_copy_answers_the_location_of_the_new_draft(api_a: APIClient, user_a: User) -> None:
    draft = factories.valid_draft(user_a, lines=1, documents=False)
    response = api_a.post(f"/api/v1/declarations/{draft.pk}/copy/")
    assert response.status_code == 201
    assert response.json()["id"] != draft.pk
    assert response["Location"].endswith(f"/api/v1/declarations/{response.json()['id']}/")


def test_the_schema_documents_location_on_create_and_copy(openapi: dict) -> None:
    for path in ("/api/v1/declarations/", "/api/v1/declarations/{id}/copy/"):
        assert "Location" in openapi["paths"][path]["post"]["responses"]["201"]["headers"], path


def enum(openapi: dict, prop: dict) -> list[str]:
    refs = [prop, *prop.get("allOf", []), *prop.get("oneOf", [])]
    for ref in refs:
        if "$ref" in ref:
            values: list[str] = openapi["components"]["schemas"][ref["$ref"].rsplit("/", 1)[1]]["enum"]
            if "" not in values:
                return values
    raise AssertionError(prop)


def test_the_timeline_documents_its_states_and_kinds_as_enums(openapi: dict) -> None:
    schemas = openapi["components"]["schemas"]
    assert enum(openapi, schemas["Timeline"]["properties"]["status"]) == DeclarationStatus.values
    assert enum(openapi, schemas["Event"]["properties"]["kind"]) == EventKind.values
    assert enum(openapi, schemas["Duties"]["properties"]["payment"]) == PaymentStatus.values
    assert enum(openapi, schemas["Branch"]["properties"]["delivery"]) == DeliveryStatus.values
    states = enum(openapi, schemas["Branch"]["properties"]["state"])
    assert states == [value for value, _label in BRANCH_STATES]
    assert set(EventKind.values) | set(DeliveryStatus.values) | {"unreachable"} == set(states)


def test_the_code_list_names_are_an_enum(openapi: dict) -> None:
    (name,) = openapi["paths"]["/api/v1/codelists/{name}/"]["get"]["parameters"]
    assert set(name["schema"]["enum"]) == {*CodeList.values, "country", "currency"}


def test_an_unknown_code_list_is_a_404_in_the_error_shape(api_a: APIClient) -> None:
    response = api_a.get("/api/v1/codelists/document_kinds/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    (problem,) = response.json()["errors"]
    assert problem["code"] == "not_found" and "document_kinds" in problem["message"]
    assert api_a.get("/api/v1/codelists/ports/").status_code == 200
