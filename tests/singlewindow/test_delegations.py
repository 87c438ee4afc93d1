"""Delegations: who proposes, who confirms, and what a broker may see and do for a client."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from declarations import services
from declarations.models import Declaration
from singlewindow.models import Delegation, TrustedBroker, User

from .. import factories
from ..clients import api

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def delegate(manager: User, broker: User, **terms: object) -> dict:
    """The client's manager proposes, the broker confirms (through the API)."""
    body = {"counterparty_uscc": broker.organisation.uscc, "valid_from": TODAY, "valid_until": TODAY + timedelta(days=30),  # type: ignore[union-attr]
            **terms}  # fmt: skip
    proposed = api(manager).post("/api/v1/delegations/", body, format="json")
    assert proposed.status_code == 201, proposed.content
    assert proposed.json()["status"] == "proposed"
    confirmed = api(broker).post(f"/api/v1/delegations/{proposed.json()['id']}/confirm/")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "active"
    return confirmed.json()


def test_a_broker_without_a_delegation_sees_nothing_of_the_client(manager: User, broker: User) -> None:
    declaration = services.declaration_create(user=factories.clerk(manager.organisation))
    assert api(broker).get("/api/v1/declarations/").json()["count"] == 0
    assert api(broker).get(f"/api/v1/declarations/{declaration.pk}/").status_code == 404


def test_with_a_delegation_the_broker_prepares_for_the_client_but_submits_only_if_allowed(
    manager: User, broker: User
) -> None:
    delegate(manager, broker, may_submit=False)
    created = api(broker).post(
        "/api/v1/declarations/",
        {"client_uscc": manager.organisation.uscc, "direction": "import", "bill_of_lading": "BRK123"},  # type: ignore[union-attr]
        format="json",
    )
    assert created.status_code == 201, created.content
    declaration = Declaration.objects.get(pk=created.json()["id"])
    assert declaration.owner == manager.organisation and declaration.prepared_by == broker.organisation
    assert declaration.domestic_party_uscc == manager.organisation.uscc  # type: ignore[union-attr]
    assert (
        api(broker).patch(f"/api/v1/declarations/{declaration.pk}/", {"packages": 3}, format="json").status_code == 200
    )
    assert api(broker).post(f"/api/v1/declarations/{declaration.pk}/submit/").status_code == 403
    # the client sees what its broker prepared
    assert api(factories.clerk(manager.organisation)).get(f"/api/v1/declarations/{declaration.pk}/").status_code == 200


def test_a_delegation_allowing_submission_lets_the_broker_submit(manager: User, broker: User) -> None:
    delegate(manager, broker, may_submit=True)
    clerk = factories.clerk(manager.organisation)
    declaration = factories.valid_draft(clerk)
    url = f"/api/v1/declarations/{declaration.pk}"
    assert api(broker).post(f"{url}/submit/").status_code == 409  # the client has not handed it over
    handed = api(clerk).post(f"{url}/review/send/", {"broker_uscc": broker.organisation.uscc}, format="json")  # type: ignore[union-attr]
    assert handed.status_code == 201, handed.content
    response = api(broker).post(f"{url}/submit/")
    assert response.status_code == 201, response.content


def test_revoking_stops_access_at_once(manager: User, broker: User) -> None:
    delegation = delegate(manager, broker)
    declaration = services.declaration_create(user=factories.clerk(manager.organisation))
    assert api(broker).get(f"/api/v1/declarations/{declaration.pk}/").status_code == 200
    assert api(manager).post(f"/api/v1/delegations/{delegation['id']}/revoke/").json()["status"] == "revoked"
    assert api(broker).get(f"/api/v1/declarations/{declaration.pk}/").status_code == 404
    assert api(broker).get("/api/v1/declarations/").json()["count"] == 0


def test_an_expired_delegation_gives_no_access(manager: User, broker: User) -> None:
    delegation = delegate(manager, broker)
    Delegation.objects.filter(pk=delegation["id"]).update(
        valid_from=TODAY - timedelta(days=60), valid_until=TODAY - timedelta(days=1)
    )
    declaration = services.declaration_create(user=factories.clerk(manager.organisation))
    assert api(broker).get(f"/api/v1/declarations/{declaration.pk}/").status_code == 404


def test_only_the_delegated_kinds_are_visible(manager: User, broker: User) -> None:
    delegate(manager, broker, kinds=["ecommerce"])
    clerk = factories.clerk(manager.organisation)
    general = services.declaration_create(user=clerk, kind="general")
    ecommerce = services.declaration_create(user=clerk, kind="ecommerce")
    assert [d["id"] for d in api(broker).get("/api/v1/declarations/").json()["results"]] == [ecommerce.pk]
    assert api(broker).get(f"/api/v1/declarations/{general.pk}/").status_code == 404


def test_another_client_stays_invisible_to_the_broker(manager: User, broker: User) -> None:
    delegate(manager, broker)
    other = services.declaration_create(user=factories.clerk())
    assert api(broker).get(f"/api/v1/declarations/{other.pk}/").status_code == 404


def test_a_trusted_brokers_request_is_confirmed_at_once(manager: User, broker: User) -> None:
    TrustedBroker.objects.create(client=manager.organisation, broker=broker.organisation)
    body = {
        "counterparty_uscc": manager.organisation.uscc,
        "valid_from": TODAY,
        "valid_until": TODAY + timedelta(days=7),
    }  # type: ignore[union-attr]
    assert api(broker).post("/api/v1/delegations/", body, format="json").json()["status"] == "active"


def test_the_proposer_cannot_confirm_its_own_proposal_and_clerks_cannot_delegate(manager: User, broker: User) -> None:
    body = {
        "counterparty_uscc": broker.organisation.uscc,
        "valid_from": TODAY,
        "valid_until": TODAY + timedelta(days=7),
    }  # type: ignore[union-attr]
    proposed = api(manager).post("/api/v1/delegations/", body, format="json").json()
    assert api(manager).post(f"/api/v1/delegations/{proposed['id']}/confirm/").status_code == 400
    assert (
        api(factories.clerk(manager.organisation)).post("/api/v1/delegations/", body, format="json").status_code == 403
    )
    assert api(factories.clerk()).get(f"/api/v1/delegations/{proposed['id']}/").status_code == 404
