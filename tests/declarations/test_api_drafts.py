"""Changing and checking a draft through the API: PATCH changes what it is given (PUT is not offered: the
API has no full replace of a declaration), and validate/ answers for drafts only."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from declarations import services
from declarations.models import Declaration
from singlewindow.models import User

from .. import factories

pytestmark = pytest.mark.django_db


def test_put_is_not_offered_and_changes_nothing(api_a: APIClient, user_a: User) -> None:
    draft = factories.valid_draft(user_a, lines=3)
    response = api_a.put(f"/api/v1/declarations/{draft.pk}/", {"overseas_party_name": "Foo"}, format="json")
    assert response.status_code == 405
    draft.refresh_from_db()
    assert draft.overseas_party_name != "Foo" and draft.lines.count() == 3


def test_patch_changes_only_what_it_is_given(api_a: APIClient, user_a: User) -> None:
    draft = factories.valid_draft(user_a, lines=3)
    response = api_a.patch(f"/api/v1/declarations/{draft.pk}/", {"overseas_party_name": "Foo"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["overseas_party_name"] == "Foo" and len(response.json()["lines"]) == 3
    assert response.json()["direction"] == draft.direction


def test_the_schema_offers_patch_with_no_required_field_and_no_put(api_a: APIClient) -> None:
    schema = api_a.get("/api/schema/?format=json").json()
    operations = schema["paths"]["/api/v1/declarations/{id}/"]
    assert "put" not in operations and "patch" in operations
    body = operations["patch"]["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert "required" not in schema["components"]["schemas"][body]


def test_validating_a_submitted_declaration_is_a_409_saying_it_is_submitted(api_a: APIClient, user_a: User) -> None:
    declaration = factories.valid_draft(user_a)
    assert api_a.post(f"/api/v1/declarations/{declaration.pk}/validate/").json() == {"valid": True, "errors": []}
    services.declaration_submit(declaration=declaration, user=user_a)
    response = api_a.post(f"/api/v1/declarations/{declaration.pk}/validate/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409, response.content
    [error] = response.json()["errors"]
    assert (error["field"], error["code"]) == ("", "already_submitted")
    assert error["message"] == (
        "This declaration is already submitted; validation checks a draft before it is submitted."
    )
    assert Declaration.objects.get(pk=declaration.pk).status == "submitted"
