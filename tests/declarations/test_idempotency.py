"""Creating and submitting through the API is idempotent with an Idempotency-Key: an ERP whose connection
dropped retries and gets the first answer again, not a second draft or a 409; the same key with another
request is refused (422), another organisation's key is its own, and only successful answers are kept."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from declarations import services
from declarations.models import Declaration, Delivery, Event
from singlewindow.models import IdempotentRequest, User
from singlewindow.tasks import expire_idempotency_keys
from vessels.examples import example_call

from .. import factories
from ..clients import api
from .test_api import attach_documents, payload

pytestmark = pytest.mark.django_db


def key(value: str) -> dict[str, str]:
    return {"HTTP_IDEMPOTENCY_KEY": value}


def test_a_retried_submission_gets_the_first_answer_and_is_submitted_once(api_a: APIClient, user_a: User) -> None:
    declaration = factories.valid_draft(user_a)
    url = f"/api/v1/declarations/{declaration.pk}/submit/"
    first = api_a.post(url, **key("erp-submit-0001"))
    assert first.status_code == 201, first.content
    again = api_a.post(url, **key("erp-submit-0001"))  # the connection dropped before the answer came
    assert (again.status_code, again.json()) == (201, first.json())
    assert again.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    declaration.refresh_from_db()
    assert declaration.version_count == 1
    assert Delivery.objects.filter(version__declaration=declaration).count() == 2  # one branch per agency
    assert Event.objects.filter(declaration=declaration, kind="submitted").count() == 1
    assert api_a.post(url).status_code == 409  # without a key a second submission is still refused


def test_a_retried_creation_makes_one_draft(api_a: APIClient) -> None:
    first = api_a.post("/api/v1/declarations/", payload(), format="json", **key('"7c4a8d09-ca37-4e6b"'))
    again = api_a.post("/api/v1/declarations/", payload(), format="json", **key('"7c4a8d09-ca37-4e6b"'))
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert Declaration.objects.count() == 1


def test_the_same_key_with_a_different_request_is_refused_with_422(api_a: APIClient, user_a: User) -> None:
    assert api_a.post("/api/v1/declarations/", payload(2), format="json", **key("k-1")).status_code == 201
    refused = api_a.post("/api/v1/declarations/", payload(3), format="json", **key("k-1"))
    assert refused.status_code == 422
    [error] = refused.json()["errors"]
    assert (error["field"], error["code"]) == ("Idempotency-Key", "idempotency_key_reused")
    assert "Idempotency-Key" in error["message"]
    declaration = factories.valid_draft(user_a)
    elsewhere = api_a.post(f"/api/v1/declarations/{declaration.pk}/submit/", **key("k-1"))  # another endpoint
    assert elsewhere.status_code == 422
    assert Declaration.objects.filter(version_count=0).count() == 2


def test_another_organisation_using_the_same_key_is_unaffected(api_a: APIClient, api_b: APIClient) -> None:
    mine = api_a.post("/api/v1/declarations/", payload(), format="json", **key("shared-key"))
    theirs = api_b.post("/api/v1/declarations/", payload(), format="json", **key("shared-key"))
    assert mine.status_code == theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs.headers and theirs.json()["id"] != mine.json()["id"]
    assert Declaration.objects.count() == 2


def test_a_request_still_being_answered_makes_a_retry_wait_with_409(api_a: APIClient, user_a: User) -> None:
    declaration = factories.valid_draft(user_a)
    IdempotentRequest.objects.create(  # the first request is still running in another worker
        organisation=user_a.organisation, key="k-2", method="POST", path="/", body_digest="-", created_at=timezone.now()
    )
    answer = api_a.post(f"/api/v1/declarations/{declaration.pk}/submit/", **key("k-2"))
    assert (answer.status_code, answer.json()["errors"][0]["code"]) == (409, "idempotency_key_in_progress")
    declaration.refresh_from_db()
    assert declaration.version_count == 0


def test_a_refused_request_keeps_nothing_so_the_same_key_works_once_it_is_fixed(api_a: APIClient, user_a: User) -> None:
    declaration = factories.valid_draft(user_a, documents=False)
    url = f"/api/v1/declarations/{declaration.pk}/submit/"
    assert api_a.post(url, **key("k-3")).status_code == 400  # documents missing
    attach_documents(api_a, declaration.pk)
    submitted = api_a.post(url, **key("k-3"))
    assert submitted.status_code == 201, submitted.content
    assert "Idempotent-Replayed" not in submitted.headers


def test_a_key_is_kept_for_a_day(api_a: APIClient, settings) -> None:  # type: ignore[no-untyped-def]
    settings.IDEMPOTENCY_KEY_HOURS = 24
    api_a.post("/api/v1/declarations/", payload(), format="json", **key("k-4"))
    IdempotentRequest.objects.update(created_at=timezone.now() - timedelta(hours=25))
    again = api_a.post("/api/v1/declarations/", payload(), format="json", **key("k-4"))
    assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers
    assert Declaration.objects.count() == 2


def test_the_hourly_task_forgets_keys_older_than_a_day(api_a: APIClient, api_b: APIClient) -> None:
    api_a.post("/api/v1/declarations/", payload(), format="json", **key("old"))
    api_b.post("/api/v1/declarations/", payload(), format="json", **key("recent"))
    IdempotentRequest.objects.filter(key="old").update(created_at=timezone.now() - timedelta(hours=25))
    assert expire_idempotency_keys() == 1
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["recent"]


@pytest.mark.parametrize("value", ["", " ", "x" * 256, '""'])
def test_an_unusable_key_is_refused(api_a: APIClient, value: str) -> None:
    answer = api_a.post("/api/v1/declarations/", payload(), format="json", **key(value))
    assert (answer.status_code, answer.json()["errors"][0]["field"]) == (400, "Idempotency-Key")
    assert not Declaration.objects.exists()


def test_a_ship_agent_s_retried_vessel_declaration_is_made_once(db: None) -> None:
    agent = api(factories.ship_agent())
    body = {"direction": "export", "general": {k: str(v) for k, v in example_call().items()}}
    first = agent.post("/api/v1/vessels/", body, format="json", **key("v-1"))
    again = agent.post("/api/v1/vessels/", body, format="json", **key("v-1"))
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert Declaration.objects.filter(category="vessel").count() == 1


def test_the_schema_documents_the_header_on_creation_and_submission() -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path in ("/api/v1/declarations/", "/api/v1/declarations/{id}/submit/", "/api/v1/declarations/{id}/copy/",
                 "/api/v1/vessels/", "/api/v1/vessels/{id}/submit/"):  # fmt: skip
        parameters = schema["paths"][path]["post"].get("parameters", [])
        assert {"in": "header", "name": "Idempotency-Key"}.items() <= next(
            p for p in parameters if p["name"] == "Idempotency-Key"
        ).items(), path


def test_two_requests_at_once_with_the_same_key_the_second_gets_409(
    transactional_db: None,
    monkeypatch: pytest.MonkeyPatch,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    settings.AGENCY_ENDPOINTS = {"customs": "http://127.0.0.1:9/", "inspection": "http://127.0.0.1:9/"}  # no agency
    user = factories.clerk()
    declaration = factories.valid_draft(user)
    url = f"/api/v1/declarations/{declaration.pk}/submit/"
    entered, release = threading.Event(), threading.Event()
    submit = services.declaration_submit_own

    def slow_submit(**kwargs: Any) -> Any:
        entered.set()
        release.wait(10)
        return submit(**kwargs)

    monkeypatch.setattr(services, "declaration_submit_own", slow_submit)
    answers: dict[str, Any] = {}

    def first() -> None:
        try:
            answers["first"] = api(user).post(url, **key("at-once"))
        finally:
            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    assert entered.wait(10)
    second = api(user).post(url, **key("at-once"))
    release.set()
    thread.join(20)
    assert (second.status_code, second.json()["errors"][0]["code"]) == (409, "idempotency_key_in_progress")
    assert answers["first"].status_code == 201, answers["first"].content.decode()
    assert api(user).post(url, **key("at-once")).headers["Idempotent-Replayed"] == "true"


def test_a_submission_with_a_key_reads_its_declaration_once_and_takes_no_savepoint_of_its_own(
    api_a: APIClient, user_a: User
) -> None:
    """The whole request is one transaction that a refusal rolls back (singlewindow/transactions.py): the
    submission inside it needs no savepoint, and the firm's own declaration is found and locked in one query."""
    first, declaration = factories.valid_draft(user_a), factories.valid_draft(user_a)
    # The firm's first signature issues its electronic licence and the clerk's key: not every submission's work.
    assert api_a.post(f"/api/v1/declarations/{first.pk}/submit/", **key("first")).status_code == 201
    with CaptureQueriesContext(connection) as queries:
        answer = api_a.post(f"/api/v1/declarations/{declaration.pk}/submit/", **key("one-read"))
    assert answer.status_code == 201, answer.content
    sql = [q["sql"] for q in queries.captured_queries]
    assert (
        len([s for s in sql if s.upper().startswith("SAVEPOINT")]) == 1
    )  # the request's own (in the test's transaction)
    assert len([s for s in sql if s.startswith('SELECT "declarations_declaration"')]) == 1


def test_a_refused_submission_with_a_key_changes_nothing(api_a: APIClient, user_a: User) -> None:
    declaration = factories.valid_draft(user_a)
    Declaration.objects.filter(pk=declaration.pk).update(bill_of_lading="")
    refused = api_a.post(f"/api/v1/declarations/{declaration.pk}/submit/", **key("refused"))
    assert refused.status_code == 400
    declaration.refresh_from_db()
    assert (declaration.status, declaration.pre_entry_no, declaration.version_count) == ("draft", None, 0)
    assert not Event.objects.filter(declaration=declaration).exists()
    assert not IdempotentRequest.objects.exists()


def test_another_organisations_submission_answers_404_at_once_without_waiting_for_the_owners_lock(
    transactional_db: None,
) -> None:
    """The owner is working on its declaration (its row locked); another organisation naming it is told 404 at
    once: the portal looks at whose it is before it locks anything."""
    owner, stranger = factories.clerk(), factories.clerk()
    declaration = factories.valid_draft(owner)
    locked, release = threading.Event(), threading.Event()

    def owner_at_work() -> None:
        try:
            with transaction.atomic():
                Declaration.objects.select_for_update().get(pk=declaration.pk)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=owner_at_work)
    thread.start()
    assert locked.wait(10)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('lock_timeout', '500ms', false)")
        answer = api(stranger).post(f"/api/v1/declarations/{declaration.pk}/submit/", **key("not-mine"))
        assert answer.status_code == 404
    finally:
        release.set()
        thread.join()
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")
    declaration.refresh_from_db()
    assert declaration.status == "draft"
