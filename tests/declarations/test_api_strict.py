"""A create or change refuses the fields it would otherwise drop without a word (review api.md #10)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from declarations.models import Declaration
from singlewindow.models import User

from .. import factories
from .test_api import payload

pytestmark = pytest.mark.django_db


def problems(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 400, response.content
    return {p["field"]: p["code"] for p in response.json()["errors"]}


def test_a_misspelt_field_is_refused_by_name_and_nothing_is_created(api_a: APIClient) -> None:
    body = {**payload(lines=2), "gross_wieght": "12.5", "unknown_field": 1}
    body["lines"][1]["bogus"] = 3
    body["containers"][0]["sealed"] = True
    response = api_a.post("/api/v1/declarations/", body, format="json")
    assert problems(response) == {
        "gross_wieght": "unknown_field",
        "unknown_field": "unknown_field",
        "lines[1].bogus": "unknown_field",
        "containers[0].sealed": "unknown_field",
    }
    assert not Declaration.objects.exists()


def test_the_refusal_is_localised(api_a: APIClient) -> None:
    body = {**payload(lines=0), "gross_wieght": "1"}
    english = api_a.post("/api/v1/declarations/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert "does not take this field" in english.json()["errors"][0]["message"]
    chinese = api_a.post("/api/v1/declarations/", body, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert chinese.json()["errors"][0]["message"] == "本操作不接受该字段：请对照 API 接口文档核对字段名。"


def test_fields_the_portal_sets_are_refused_on_create(api_a: APIClient) -> None:
    body = {**payload(lines=1), "status": "released", "domestic_party_uscc": "91110000000000000X", "id": 5}
    body["pre_entry_no"] = "123"
    assert problems(api_a.post("/api/v1/declarations/", body, format="json")) == {
        "status": "read_only",
        "domestic_party_uscc": "read_only",
        "id": "read_only",
        "pre_entry_no": "read_only",
    }
    assert not Declaration.objects.exists()


def test_a_change_refuses_unknown_and_read_only_fields_and_changes_nothing(api_a: APIClient, user_a: User) -> None:
    draft = factories.valid_draft(user_a, lines=1, documents=False)
    before = draft.overseas_party_name
    response = api_a.patch(
        f"/api/v1/declarations/{draft.pk}/",
        {"overseas_party_name": "Changed", "gross_wieght": "1", "status": "released", "lines": [{"hs_codee": "1"}]},
        format="json",
    )
    assert problems(response) == {
        "gross_wieght": "unknown_field",
        "status": "read_only",
        "lines[0].hs_codee": "unknown_field",
    }
    draft.refresh_from_db()
    assert draft.overseas_party_name == before


def test_what_the_api_answered_can_be_sent_back_unchanged(api_a: APIClient, user_a: User) -> None:
    """id, status and a goods line's line_no, as read, are taken (and change nothing)."""
    draft = factories.valid_draft(user_a, lines=2, documents=False)
    read = api_a.get(f"/api/v1/declarations/{draft.pk}/").json()
    lines = [{k: v for k, v in line.items()} for line in read["lines"]]
    response = api_a.patch(
        f"/api/v1/declarations/{draft.pk}/",
        {"id": read["id"], "status": read["status"], "overseas_party_name": "Echo Ltd", "lines": lines},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["overseas_party_name"] == "Echo Ltd"
    assert [line["line_no"] for line in response.json()["lines"]] == [1, 2]


def test_an_echoed_field_with_another_value_is_refused(api_a: APIClient, user_a: User) -> None:
    draft = factories.valid_draft(user_a, lines=1, documents=False)
    response = api_a.patch(
        f"/api/v1/declarations/{draft.pk}/", {"id": draft.pk + 1, "status": "released"}, format="json"
    )
    assert problems(response) == {"id": "read_only", "status": "read_only"}


def test_the_operations_document_what_they_refuse(api_a: APIClient) -> None:
    schema = api_a.get("/api/schema/?format=json").json()
    for method in ("post", "patch"):
        path = "/api/v1/declarations/" if method == "post" else "/api/v1/declarations/{id}/"
        description = schema["paths"][path][method]["description"]
        assert "unknown_field" in description and "read_only" in description
