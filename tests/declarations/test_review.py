"""The draft exchange between a customs broker and its client."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from declarations.examples import example_header
from singlewindow.choices import OrganisationKind
from singlewindow.models import Delegation, User

from .. import factories
from ..clients import api

pytestmark = pytest.mark.django_db


@pytest.fixture
def parties(db: None) -> tuple[User, User]:
    """A client's clerk and a broker holding a delegation that allows submitting."""
    clerk = factories.clerk()
    broker = factories.UserFactory(organisation=factories.OrganisationFactory(kind=OrganisationKind.BROKER))
    today = timezone.localdate()
    Delegation.objects.create(client=clerk.organisation, broker=broker.organisation, status="active", may_submit=True,
                              valid_from=today, valid_until=today + timedelta(days=30), proposed_by=clerk.organisation)  # fmt: skip
    return clerk, broker


@pytest.fixture
def brokered(parties: tuple[User, User]) -> tuple[User, User, str]:
    """A complete draft of the client's that its broker prepares, and its API address."""
    clerk, broker = parties
    draft = factories.valid_draft(clerk)
    draft.prepared_by = broker.organisation
    draft.save()
    return clerk, broker, f"/api/v1/declarations/{draft.pk}"


def test_broker_prepares_client_reviews_comments_broker_revises_client_approves_broker_submits(
    brokered: tuple[User, User, str],
) -> None:
    clerk, broker, url = brokered
    assert api(broker).post(f"{url}/submit/").status_code == 409  # not approved yet

    assert api(broker).post(f"{url}/review/send/", {"note": "请核对毛重"}, format="json").status_code == 201
    assert api(clerk).get(f"{url}/review/").json()["state"] == "with_client"
    comment = api(clerk).post(
        f"{url}/review/comments/", {"field": "gross_weight", "text": "毛重应为2460.5"}, format="json"
    )
    assert comment.status_code == 201
    assert api(broker).get(f"{url}/review/").json()["comments"][0]["text"] == "毛重应为2460.5"

    header = {k: str(v) for k, v in example_header().items()} | {"gross_weight": "2460.5"}
    assert api(broker).patch(f"{url}/", header, format="json").status_code == 200
    api(broker).post(f"{url}/review/send/", {}, format="json")
    seen = api(clerk).get(f"{url}/review/").json()
    assert [c["path"] for c in seen["changes_since_previous"]] == ["gross_weight"]
    assert seen["changes_since_previous"][0]["before"] == "2450.5"
    assert api(clerk).post(f"{url}/review/approve/").status_code == 200
    assert api(broker).post(f"{url}/submit/").status_code == 201


def test_a_change_after_approval_withdraws_it(brokered: tuple[User, User, str]) -> None:
    clerk, broker, url = brokered
    api(broker).post(f"{url}/review/send/", {}, format="json")
    api(clerk).post(f"{url}/review/approve/")
    assert api(broker).patch(f"{url}/", {"packages": 121}, format="json").status_code == 200
    assert api(broker).get(f"{url}/review/").json()["state"] == ""
    assert api(broker).post(f"{url}/submit/").status_code == 409


def test_a_client_hands_its_draft_to_the_broker_who_may_then_submit(brokered: tuple[User, User, str]) -> None:
    clerk, broker, url = brokered
    assert api(clerk).post(f"{url}/review/send/", {}, format="json").json()["sent_to"] == "with_broker"
    assert api(broker).post(f"{url}/submit/").status_code == 201


def test_only_the_client_approves_and_strangers_get_404(brokered: tuple[User, User, str]) -> None:
    clerk, broker, url = brokered
    api(broker).post(f"{url}/review/send/", {}, format="json")
    assert api(broker).post(f"{url}/review/approve/").status_code == 409
    assert (
        api(clerk).post(f"{url}/review/comments/", {"field": "not a field!", "text": "x"}, format="json").status_code
        == 409
    )
    stranger = api(factories.clerk())
    for method, path in (
        ("get", "review/"),
        ("post", "review/send/"),
        ("post", "review/comments/"),
        ("post", "review/approve/"),
    ):
        assert getattr(stranger, method)(f"{url}/{path}", {}, format="json").status_code == 404
