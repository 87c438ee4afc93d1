"""Agent relations: a foreign-trade agent imports for a user unit; one firm proposes, the other confirms,
either revokes, and nobody else sees them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from singlewindow.agent_relations import user_units_of
from singlewindow.choices import Role
from singlewindow.models import AgentRelation, User

from .. import factories
from ..clients import api, web

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def unit_manager(db: None) -> User:
    """The user unit's manager (the firm the agent imports for)."""
    return factories.clerk(role=Role.MANAGER)


def propose(agent_manager: User, unit_manager: User) -> dict:
    body = {"counterparty_uscc": unit_manager.organisation.uscc, "as_agent": True, "valid_from": TODAY,  # type: ignore[union-attr]
            "valid_until": TODAY + timedelta(days=30)}  # fmt: skip
    proposed = api(agent_manager).post("/api/v1/agent-relations/", body, format="json")
    assert proposed.status_code == 201, proposed.content
    return proposed.json()


def test_the_agent_proposes_the_user_unit_confirms_and_either_revokes(manager: User, unit_manager: User) -> None:
    proposed = propose(manager, unit_manager)
    assert proposed["status"] == "proposed" and proposed["agent_uscc"] == manager.organisation.uscc  # type: ignore[union-attr]
    assert user_units_of(agent_ids=[manager.organisation_id]) == {}  # type: ignore[list-item]
    url = f"/api/v1/agent-relations/{proposed['id']}"
    assert api(manager).post(f"{url}/confirm/").status_code == 400  # the other party confirms
    assert api(unit_manager).post(f"{url}/confirm/").json()["status"] == "active"
    unit, agent_id = unit_manager.organisation, manager.organisation_id
    assert unit is not None and agent_id is not None
    assert user_units_of(agent_ids=[agent_id]) == {agent_id: {unit.uscc: unit.name}}
    assert api(manager).post(f"{url}/revoke/").json()["status"] == "revoked"
    assert user_units_of(agent_ids=[manager.organisation_id]) == {}  # type: ignore[list-item]


def test_the_user_unit_may_ask_the_agent(manager: User, unit_manager: User) -> None:
    body = {"counterparty_uscc": manager.organisation.uscc, "as_agent": False, "valid_from": TODAY,  # type: ignore[union-attr]
            "valid_until": TODAY + timedelta(days=30)}  # fmt: skip
    asked = api(unit_manager).post("/api/v1/agent-relations/", body, format="json").json()
    assert (asked["agent_uscc"], asked["user_unit_uscc"]) == (manager.organisation.uscc, unit_manager.organisation.uscc)  # type: ignore[union-attr]


def test_a_foreign_organisation_gets_404_and_a_clerk_may_not_decide(manager: User, unit_manager: User) -> None:
    proposed = propose(manager, unit_manager)
    url = f"/api/v1/agent-relations/{proposed['id']}"
    stranger = factories.clerk(role=Role.MANAGER)
    for who in (stranger, factories.broker(), factories.officer()):
        assert api(who).get(f"{url}/").status_code == 404
        assert api(who).post(f"{url}/confirm/").status_code == 404
        assert api(who).post(f"{url}/revoke/").status_code == 404
        assert api(who).get("/api/v1/agent-relations/").json()["count"] == 0
        assert web(who).post(f"/agent-relations/{proposed['id']}/confirm/").status_code == 404
    assert AgentRelation.objects.get(pk=proposed["id"]).status == "proposed"
    clerk = factories.clerk(unit_manager.organisation)
    assert api(clerk).post(f"{url}/confirm/").status_code == 403


def test_the_page_lists_the_relations_and_proposes_one(manager: User, unit_manager: User) -> None:
    page = web(manager)
    valid = {"valid_from": TODAY.isoformat(), "valid_until": (TODAY + timedelta(days=30)).isoformat()}
    body = {"counterparty_uscc": unit_manager.organisation.uscc, "as_agent": "1", **valid}  # type: ignore[union-attr]
    assert page.post("/agent-relations/", body).status_code == 302
    listing = page.get("/agent-relations/").content.decode()
    assert unit_manager.organisation.name in listing  # type: ignore[union-attr]
    relation = AgentRelation.objects.get()
    assert web(unit_manager).post(f"/agent-relations/{relation.pk}/confirm/").status_code == 302
    relation.refresh_from_db()
    assert relation.status == "active"


def test_a_relation_with_a_broker_or_oneself_is_refused(manager: User) -> None:
    broker = factories.broker()
    for uscc in (broker.organisation.uscc, manager.organisation.uscc):  # type: ignore[union-attr]
        body = {"counterparty_uscc": uscc, "as_agent": True, "valid_from": TODAY, "valid_until": TODAY}
        refused = api(manager).post("/api/v1/agent-relations/", body, format="json")
        assert refused.status_code == 400 and refused.json()["errors"][0]["code"] == "agent_relation_refused"
