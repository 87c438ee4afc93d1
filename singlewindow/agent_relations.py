"""Agent relations: a foreign-trade agent imports (or exports) for a user unit (代理进出口). The agent
files as itself, the domestic consignee/consignor; the declaration names the other firm as its
consumer/producer unit only while a relation between them is in force. Proposed by either firm's
manager, confirmed by the other's, revoked by either: the delegation's pattern (entrustments.py)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .audit_actions import PortalAction
from .choices import OrganisationKind, Role
from .entrustments import (
    EntrustmentRefused,
    Wording,
    entrustment_confirm,
    entrustment_get,
    entrustment_open,
    entrustment_revoke,
    entrustments_of,
    in_force,
)
from .models import AgentRelation, Organisation, User
from .prepared import prepared


class AgentRelationRefused(EntrustmentRefused):
    code = "agent_relation_refused"


WORDING = Wording(
    refused=AgentRelationRefused,
    bad_period=gettext_lazy("The validity period has to end today or later, after it starts."),
    not_waiting=gettext_lazy("This agent relation is not waiting for your confirmation."),
    own_proposal=gettext_lazy("The other party confirms an agent relation you proposed."),
    proposed=PortalAction.AGENT_RELATION_PROPOSED,
    confirmed=PortalAction.AGENT_RELATION_CONFIRMED,
    revoked=PortalAction.AGENT_RELATION_REVOKED,
)


def _party(user: User) -> Organisation:
    """Both sides are trade enterprises; a relation is their managers' decision."""
    org = user.organisation
    if org is None or org.kind != OrganisationKind.ENTERPRISE or user.role != Role.MANAGER:
        raise PermissionDenied
    return org


@transaction.atomic
def agent_relation_propose(
    *, user: User, counterparty_uscc: str, as_agent: bool, valid_from: date, valid_until: date
) -> AgentRelation:
    """The agent proposes to import for a user unit (as_agent), or a user unit asks an agent to import
    for it; the other side confirms."""
    own = _party(user)
    other = Organisation.objects.filter(uscc=counterparty_uscc, kind=OrganisationKind.ENTERPRISE).first()
    if other is None or other == own:
        raise AgentRelationRefused(_("No other trade enterprise with this unified social credit code."))
    agent, user_unit = (own, other) if as_agent else (other, own)
    return entrustment_open(
        model=AgentRelation, user=user, own=own, wording=WORDING, confirmed=False, agent=agent,
        user_unit=user_unit, valid_from=valid_from, valid_until=valid_until,
    )  # fmt: skip


@transaction.atomic
def agent_relation_confirm(*, user: User, relation: AgentRelation) -> AgentRelation:
    return entrustment_confirm(entrustment=relation, user=user, own=_party(user), wording=WORDING)


@transaction.atomic
def agent_relation_revoke(*, user: User, relation: AgentRelation) -> AgentRelation:
    """Either firm ends the relation, at once."""
    return entrustment_revoke(entrustment=relation, user=user, own=_party(user), wording=WORDING)


def agent_relations_of(*, user: User) -> QuerySet[AgentRelation]:
    """The relations the user's organisation is a party to; nobody else's."""
    return entrustments_of(AgentRelation, organisation_id=user.organisation_id).select_related("agent", "user_unit")


def agent_relation_get(*, user: User, pk: int) -> AgentRelation:
    """One of the organisation's relations; 404 for anyone else's."""
    return entrustment_get(AgentRelation, organisation_id=user.organisation_id, pk=pk)


def user_units_of(*, agent_ids: Iterable[int], on: date | None = None) -> dict[int, dict[str, str]]:
    """For each of these agents, the user units it may name today: agent id → {USCC: name}, in one query."""
    units: dict[int, dict[str, str]] = {}
    for agent_id, uscc, name in _user_units.all(agent_ids=list(agent_ids), on=on or timezone.localdate()):
        units.setdefault(agent_id, {})[uscc] = name
    return units


@prepared  # validation asks it on every submission
def _user_units(*, agent_ids: list[int], on: date) -> QuerySet[AgentRelation, tuple[int, str, str]]:
    rows = in_force(AgentRelation, on).filter(agent_id__in=agent_ids)
    return rows.values_list("agent_id", "user_unit__uscc", "user_unit__name")
