"""The API against its own OpenAPI schema (drf-spectacular's /api/schema/), with schemathesis: every
operation, called by a firm's clerk with an API token, with values generated from the schema. No answer is
a server error, and every status answered is one the schema documents.

Small and repeatable: a few examples per operation, derandomized, no example database. One test runs every
operation in turn (one transaction, reference data loaded once) and names each operation that failed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings

from singlewindow import tokens

from . import factories

EXAMPLES_PER_OPERATION = 12


@pytest.fixture
def wsgi(db: None) -> Iterator[object]:
    """The portal in this process, in the test's transaction (as in Django's test client, a request's start
    and end must not close the connection: it is the test's)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


def test_every_operation_answers_only_documented_statuses_and_never_a_server_error(wsgi: object) -> None:
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import status_code_conformance

    clerk = factories.clerk()
    factories.valid_draft(clerk, lines=1, documents=False)  # something to read, copy, submit
    headers = {"Authorization": f"Token {tokens.token_create(user=clerk, name='schemathesis')[1]}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20
    failures = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            report_multiple_bugs=False,
        )
        def call(case) -> None:  # type: ignore[no-untyped-def]
            case.call_and_validate(headers=headers, checks=[not_a_server_error, status_code_conformance])

        try:
            call()
        except (Exception, BaseExceptionGroup) as failure:  # every operation's failure, not only the first
            failures.append(f"{operation.label}: {failure}")
    assert not failures, "\n\n".join(failures)


# What the documentation says ---------------------------------------------------------------------------


@pytest.fixture
def openapi(client: Client) -> dict:
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    document: dict = response.json()
    return document


def test_the_list_and_the_export_document_every_filter_of_the_list(openapi: dict) -> None:
    from declarations.filters import DeclarationFilterSet

    filters = set(DeclarationFilterSet.base_filters)
    assert {"q", "status", "target", "direction", "kind", "submitted_from", "submitted_to"} <= filters
    listed = {p["name"]: p for p in openapi["paths"]["/api/v1/declarations/"]["get"]["parameters"]}
    assert filters | {"page"} <= set(listed), sorted(filters - set(listed))
    assert set(listed["status"]["schema"]["enum"]) >= {"draft", "submitted"}
    assert listed["submitted_from"]["schema"] == {"type": "string", "format": "date"}
    assert listed["q"]["description"]  # what the search looks in

    export = openapi["paths"]["/api/v1/declarations/export/"]["get"]
    assert filters | {"format"} <= {p["name"] for p in export["parameters"]}


def test_the_export_documents_each_file_type_it_serves(openapi: dict) -> None:
    from declarations.interchange.exports import CONTENT_TYPES

    served = openapi["paths"]["/api/v1/declarations/export/"]["get"]["responses"]["200"]["content"]
    assert set(served) == set(CONTENT_TYPES.values())
    assert "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" in served


def test_removing_a_document_and_commenting_have_their_own_descriptions(openapi: dict) -> None:
    from declarations.api.views import DeclarationViewSet

    generic = (DeclarationViewSet.__doc__ or "").strip()
    remove = openapi["paths"]["/api/v1/declarations/{id}/documents/{document_pk}/"]["delete"]["description"]
    comment = openapi["paths"]["/api/v1/declarations/{id}/review/comments/"]["post"]["description"]
    assert remove and remove != generic and "document" in remove.lower()
    assert comment and comment != generic and "comment" in comment.lower()
