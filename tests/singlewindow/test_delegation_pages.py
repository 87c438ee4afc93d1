"""The delegations page and a broker working for one client at a time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from declarations import services
from declarations.models import Declaration
from singlewindow.choices import Role
from singlewindow.models import Delegation, User

from .. import factories
from ..clients import web

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_client_proposes_broker_confirms_works_for_the_client_and_loses_it_on_revocation(
    manager: User, broker: User
) -> None:
    client_page, broker_page = web(manager), web(broker)
    response = client_page.post("/delegations/", {
        "counterparty_uscc": broker.organisation.uscc, "kinds": ["general"], "may_submit": "on",  # type: ignore[union-attr]
        "valid_from": TODAY.isoformat(), "valid_until": (TODAY + timedelta(days=90)).isoformat(),
    })  # fmt: skip
    assert response.status_code == 302
    delegation = Delegation.objects.get()
    assert "待确认" in broker_page.get("/delegations/").content.decode()
    assert broker_page.post(f"/delegations/{delegation.pk}/confirm/").status_code == 302
    delegation.refresh_from_db()
    assert delegation.status == "active"

    page = broker_page.get("/declarations/new/").content.decode()
    assert manager.organisation.name in page and 'name="client"' in page  # type: ignore[union-attr]
    created = broker_page.post("/declarations/new/", {
        "client": str(manager.organisation_id), "target": "both", "direction": "import", "kind": "general",
    })  # fmt: skip
    assert created.status_code == 302
    declaration = Declaration.objects.get()
    assert declaration.owner_id == manager.organisation_id
    assert declaration.prepared_by_id == broker.organisation_id

    other = factories.clerk()
    Delegation.objects.create(client=other.organisation, broker=broker.organisation, status="active",
                              valid_from=TODAY, valid_until=TODAY, proposed_by=other.organisation)  # fmt: skip
    theirs = services.declaration_create(user=other)
    broker_page.post("/delegations/client/", {"client": str(manager.organisation_id)})
    listed = broker_page.get("/declarations/").content.decode()
    assert f"/declarations/{declaration.pk}/edit/" in listed and f"/declarations/{theirs.pk}/" not in listed

    assert client_page.post(f"/delegations/{delegation.pk}/revoke/").status_code == 302
    assert broker_page.get(f"/declarations/{declaration.pk}/edit/").status_code == 404


def test_a_broker_cannot_start_a_kind_its_delegation_does_not_cover(manager: User, broker: User) -> None:
    Delegation.objects.create(client=manager.organisation, broker=broker.organisation, status="active", kinds=["express"],
                              valid_from=TODAY, valid_until=TODAY, proposed_by=manager.organisation)  # fmt: skip
    response = web(broker).post("/declarations/new/", {
        "client": str(manager.organisation_id), "target": "both", "direction": "import", "kind": "general",
    })  # fmt: skip
    assert response.status_code == 200
    assert not Declaration.objects.exists()


def test_foreign_delegations_and_unknown_decisions_are_404(manager: User, broker: User) -> None:
    delegation = Delegation.objects.create(client=manager.organisation, broker=broker.organisation,
                                           valid_from=TODAY, valid_until=TODAY, proposed_by=manager.organisation)  # fmt: skip
    stranger = web(factories.clerk(role=Role.MANAGER))
    assert stranger.post(f"/delegations/{delegation.pk}/revoke/").status_code == 404
    assert web(manager).post(f"/delegations/{delegation.pk}/destroy/").status_code == 404
    delegation.refresh_from_db()
    assert delegation.status == "proposed"
