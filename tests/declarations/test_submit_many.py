"""Submitting several declarations at once (批量申报, POST /api/v1/declarations/submit/): each is submitted
exactly as on its own, each answered on its own, and one refused holds back none of the others."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from declarations.models import Declaration, DeclarationVersion, Delivery
from declarations.selectors import version_signatures
from declarations.services import SUBMIT_MANY_MAX
from singlewindow.models import User

from .. import factories
from ..clients import api

pytestmark = pytest.mark.django_db
URL = "/api/v1/declarations/submit/"


def statuses(answer: dict) -> list[tuple[int, int]]:
    return [(row["id"], row["status"]) for row in answer["results"]]


def test_each_declaration_is_answered_on_its_own_in_the_order_given(api_a: APIClient, user_a: User) -> None:
    first, second = factories.valid_draft(user_a, lines=2), factories.valid_draft(user_a, lines=1)
    invalid = factories.valid_draft(user_a, lines=1, gross_weight="1.000")  # below the net weight
    submitted = factories.valid_draft(user_a, lines=1)
    assert api_a.post(f"/api/v1/declarations/{submitted.pk}/submit/").status_code == 201
    stranger = factories.valid_draft(factories.clerk(), lines=1)

    answer = api_a.post(URL, {"ids": [second.pk, invalid.pk, stranger.pk, submitted.pk, first.pk]}, format="json")

    assert answer.status_code == 200
    assert statuses(answer.json()) == [(second.pk, 201), (invalid.pk, 400), (stranger.pk, 404),
                                       (submitted.pk, 409), (first.pk, 201)]  # fmt: skip
    rows = {row["id"]: row for row in answer.json()["results"]}
    assert rows[invalid.pk]["errors"][0]["field"] == "net_weight"
    assert rows[stranger.pk]["errors"][0]["code"] == "not_found" and "version" not in rows[stranger.pk]
    for draft in (first, second):
        version = DeclarationVersion.objects.get(declaration=draft)
        assert rows[draft.pk]["version"]["pre_entry_no"] == version.pre_entry_no
        assert set(Delivery.objects.filter(version=version).values_list("agency", flat=True)) == {
            "customs",
            "inspection",
        }
        assert len(version.payload["lines"]) == len(draft.lines.all())
        assert version_signatures([version])[version.pk]["verified"]  # each signed, under the clerk's grant
    # the refused ones are as they were: nothing written for them
    for untouched in (invalid, stranger):
        untouched.refresh_from_db()
        assert untouched.status == "draft" and not untouched.pre_entry_no
        assert not DeclarationVersion.objects.filter(declaration=untouched).exists()
    assert DeclarationVersion.objects.filter(declaration=submitted).count() == 1


def test_the_same_as_submitting_one_by_one(api_a: APIClient, user_a: User) -> None:
    alone, together = factories.valid_draft(user_a, lines=3), factories.valid_draft(user_a, lines=3)
    assert api_a.post(f"/api/v1/declarations/{alone.pk}/submit/").status_code == 201
    assert statuses(api_a.post(URL, {"ids": [together.pk]}, format="json").json()) == [(together.pk, 201)]

    one, other = (DeclarationVersion.objects.get(declaration=d).payload for d in (alone, together))
    different = {"pre_entry_no", "risk"}  # its own number, and its own draw
    assert {k: v for k, v in one.items() if k not in different} == {
        k: v for k, v in other.items() if k not in different
    }


def test_a_broker_submits_what_its_clients_approved_and_nothing_else() -> None:
    clerk = factories.clerk()
    broker = factories.broker(clerk.organisation)
    approved, unapproved = factories.valid_draft(clerk, lines=1), factories.valid_draft(clerk, lines=1)
    for draft in (approved, unapproved):
        draft.prepared_by = broker.organisation
        draft.save()
    assert api(broker).post(f"/api/v1/declarations/{approved.pk}/review/send/", {}, format="json").status_code == 201
    assert api(clerk).post(f"/api/v1/declarations/{approved.pk}/review/approve/").status_code == 200
    own = factories.valid_draft(clerk, lines=1)  # the client's own draft, never handed to the broker

    answer = api(broker).post(URL, {"ids": [approved.pk, unapproved.pk, own.pk]}, format="json").json()

    assert statuses(answer) == [(approved.pk, 201), (unapproved.pk, 409), (own.pk, 409)]
    assert Declaration.objects.get(pk=approved.pk).status == "submitted"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"ids": []}, "ids"),
        ({"ids": [1, 1]}, "ids"),
        ({"ids": list(range(1, SUBMIT_MANY_MAX + 2))}, "ids"),
        ({"ids": ["x"]}, "ids[0]"),
        ({}, "ids"),
    ],
)
def test_a_request_that_cannot_be_read_is_refused_whole(api_a: APIClient, user_a: User, body: dict, field: str) -> None:
    draft = factories.valid_draft(user_a, lines=1)
    answer = api_a.post(URL, body, format="json")
    assert answer.status_code == 400 and answer.json()["errors"][0]["field"] == field
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_a_retry_with_the_same_key_gets_the_first_answer_and_submits_nothing_twice(user_a: User) -> None:
    drafts = [factories.valid_draft(user_a, lines=1) for _ in range(2)]
    client = api(user_a)
    body = {"ids": [d.pk for d in drafts]}
    first = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="erp-batch-7")
    again = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="erp-batch-7")
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert statuses(first.json()) == [(d.pk, 201) for d in drafts]
    assert DeclarationVersion.objects.filter(declaration__in=drafts).count() == 2


def test_what_the_declarations_need_is_read_once_for_all_of_them(user_a: User) -> None:
    """Ten declarations ask the database far less than ten times what one does."""
    client = api(user_a)
    one, ten = factories.valid_draft(user_a, lines=2), [factories.valid_draft(user_a, lines=2) for _ in range(10)]
    with CaptureQueriesContext(connection) as alone:
        client.post(URL, {"ids": [one.pk]}, format="json")
    with CaptureQueriesContext(connection) as together:
        answer = client.post(URL, {"ids": [d.pk for d in ten]}, format="json")
    assert {row["status"] for row in answer.json()["results"]} == {201}
    lines_read = [q for q in together.captured_queries if 'FROM "declarations_goodsline"' in q["sql"]]
    assert len(lines_read) == 1
    assert len(together.captured_queries) < 7 * len(alone.captured_queries)


def test_a_broker_whose_delegation_does_not_allow_submitting_is_refused_as_alone() -> None:
    clerk = factories.clerk()
    broker = factories.broker(clerk.organisation, may_submit=False)
    draft = factories.valid_draft(clerk, lines=1)
    alone = api(broker).post(f"/api/v1/declarations/{draft.pk}/submit/")
    together = api(broker).post(URL, {"ids": [draft.pk]}, format="json").json()
    assert (alone.status_code, statuses(together)) == (403, [(draft.pk, 403)])
    assert Declaration.objects.get(pk=draft.pk).status == "draft"
