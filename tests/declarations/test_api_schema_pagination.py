"""Pages of the declarations list (review api.md #14): `page_size` 1 to 200 (default 50), a malformed page
or page size a 400 on its parameter, a page past the end a 404 naming the last page; all documented."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from declarations.models import Declaration
from singlewindow.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def drafts(user_a: User) -> None:
    Declaration.objects.bulk_create(
        Declaration(owner=user_a.organisation, created_by=user_a, direction="import") for _ in range(60)
    )


def test_the_list_is_paged_by_50_unless_asked(api_a: APIClient, drafts: None) -> None:
    page = api_a.get("/api/v1/declarations/").json()
    assert page["count"] == 60 and len(page["results"]) == 50
    small = api_a.get("/api/v1/declarations/?page_size=7&page=2").json()
    assert len(small["results"]) == 7 and "page_size=7" in small["next"]
    assert len(api_a.get("/api/v1/declarations/?page_size=200").json()["results"]) == 60


@pytest.mark.parametrize("size", ["0", "201", "abc", "-1", "１２", ""])
def test_a_page_size_out_of_range_is_refused_on_its_parameter(api_a: APIClient, size: str) -> None:
    response = api_a.get(f"/api/v1/declarations/?page_size={size}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "page_size", "code": "invalid", "message": "Give a number of rows per page from 1 to 200."}
    ]


@pytest.mark.parametrize("page", ["0", "-1", "abc", "１"])
def test_a_malformed_page_is_refused_on_its_parameter(api_a: APIClient, page: str) -> None:
    response = api_a.get(f"/api/v1/declarations/?page={page}")
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["page"]


def test_a_page_past_the_end_is_a_404_naming_the_last_page(api_a: APIClient, drafts: None) -> None:
    response = api_a.get("/api/v1/declarations/?page=3", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response.json()["errors"] == [
        {"field": "", "code": "not_found", "message": "There is no page 3: the last page is 2."}
    ]
    assert api_a.get("/api/v1/declarations/?page=2").status_code == 200
    assert api_a.get("/api/v1/declarations/?page=last").json()["results"]


def test_the_first_page_of_an_empty_list_is_empty(api_a: APIClient) -> None:
    assert api_a.get("/api/v1/declarations/").json()["results"] == []


def test_the_list_documents_its_page_parameters(client: Client) -> None:
    schema = client.get("/api/schema/?format=json").json()
    listed = {p["name"]: p for p in schema["paths"]["/api/v1/declarations/"]["get"]["parameters"]}
    assert listed["page_size"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}
    assert "404" in listed["page"]["description"]
