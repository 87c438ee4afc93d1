"""diff/ and timeline/ through the API: a malformed or unknown `from`/`to` is a 400 naming the parameter, and
a draft never submitted has no version to compare nor a timeline yet (409 saying so), never "not found"."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from declarations import services
from singlewindow.models import User

from .. import factories

pytestmark = pytest.mark.django_db


def only_error(response: object, status: int) -> dict[str, str]:
    assert response.status_code == status, response.content  # type: ignore[attr-defined]
    [error] = response.json()["errors"]  # type: ignore[attr-defined]
    return error


@pytest.fixture
def submitted(user_a: User) -> int:
    declaration = factories.valid_draft(user_a)
    services.declaration_submit(declaration=declaration, user=user_a)
    return declaration.pk


@pytest.mark.parametrize("parameter", ["from", "to"])
@pytest.mark.parametrize("value", ["abc", "", "1.5", "r", "²", "draft1"])
def test_a_malformed_version_is_a_400_naming_the_parameter(
    api_a: APIClient, submitted: int, parameter: str, value: str
) -> None:
    response = api_a.get(f"/api/v1/declarations/{submitted}/diff/", {parameter: value}, HTTP_ACCEPT_LANGUAGE="en")
    error = only_error(response, 400)
    assert (error["field"], error["code"]) == (parameter, "invalid")
    assert error["message"] == "Give a version number (1), a revision sent for review (r1), or draft."


@pytest.mark.parametrize("parameter", ["from", "to"])
@pytest.mark.parametrize("value", ["5", "0", "r1", "99999999999999999999", "r99999999999999999999"])
def test_a_version_or_revision_that_does_not_exist_is_a_400_naming_the_parameter(
    api_a: APIClient, submitted: int, parameter: str, value: str
) -> None:
    response = api_a.get(f"/api/v1/declarations/{submitted}/diff/", {parameter: value}, HTTP_ACCEPT_LANGUAGE="en")
    error = only_error(response, 400)
    assert (error["field"], error["code"]) == (parameter, "unknown")
    assert error["message"] == f"This declaration has no version or revision “{value}”."


def test_the_diff_of_a_draft_never_submitted_is_a_409_saying_there_is_no_version_yet(
    api_a: APIClient, user_a: User
) -> None:
    draft = factories.valid_draft(user_a)
    for query in ({}, {"from": "1", "to": "draft"}, {"from": "draft", "to": "2"}):
        error = only_error(api_a.get(f"/api/v1/declarations/{draft.pk}/diff/", query, HTTP_ACCEPT_LANGUAGE="en"), 409)
        assert (error["field"], error["code"]) == ("", "not_submitted")
        assert (
            error["message"] == "This declaration has not been submitted yet: there is no submitted version to compare."
        )
    assert api_a.get(f"/api/v1/declarations/{draft.pk}/diff/", {"from": "draft"}).json() == []


def test_the_timeline_of_a_draft_never_submitted_is_a_409_saying_so(api_a: APIClient, user_a: User) -> None:
    draft = factories.valid_draft(user_a)
    error = only_error(api_a.get(f"/api/v1/declarations/{draft.pk}/timeline/", HTTP_ACCEPT_LANGUAGE="en"), 409)
    assert (error["field"], error["code"]) == ("", "not_submitted")
    assert error["message"] == "This declaration has not been submitted yet: its timeline starts when it is submitted."


def test_an_existing_version_still_compares_and_a_submitted_timeline_answers(api_a: APIClient, submitted: int) -> None:
    assert api_a.get(f"/api/v1/declarations/{submitted}/diff/", {"from": "1", "to": "draft"}).json() == []
    assert api_a.get(f"/api/v1/declarations/{submitted}/timeline/").json()["version"] == 1


def test_the_schema_documents_the_409_and_the_parameters_forms(api_a: APIClient) -> None:
    paths = api_a.get("/api/schema/?format=json").json()["paths"]
    diff = paths["/api/v1/declarations/{id}/diff/"]["get"]
    timeline = paths["/api/v1/declarations/{id}/timeline/"]["get"]
    for operation in (diff, timeline):
        assert operation["responses"]["409"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Errors"
        }
    patterns = {p["name"]: p["schema"].get("pattern") for p in diff["parameters"] if p["in"] == "query"}
    assert patterns == {"from": "^(draft|r?[0-9]+)$", "to": "^(draft|r?[0-9]+)$"}
