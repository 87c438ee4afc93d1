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
