"""Delegations between client enterprises and customs brokers: propose, confirm, revoke; and the one
question everything else asks: may this broker act for this client, for this kind, today?"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
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
    entrustment_revoke_as_operator,
    entrustments_of,
    in_force,
)
from .models import Delegation, Organisation, TrustedBroker, User
from .services import audit_record


class DelegationRefused(EntrustmentRefused):
    code = "delegation_refused"


WORDING = Wording(
    refused=DelegationRefused,
    bad_period=gettext_lazy("The validity period has to end today or later, after it starts."),
    not_waiting=gettext_lazy("This delegation is not waiting for your confirmation."),
    own_proposal=gettext_lazy("The other party confirms a delegation you proposed."),
    proposed=PortalAction.DELEGATION_PROPOSED,
    confirmed=PortalAction.DELEGATION_CONFIRMED,
    revoked=PortalAction.DELEGATION_REVOKED,
)


def _party(user: User) -> Organisation:
    org = user.organisation
    if org is None or org.kind not in (OrganisationKind.ENTERPRISE, OrganisationKind.BROKER):
        raise PermissionDenied
    if org.kind == OrganisationKind.ENTERPRISE and user.role != Role.MANAGER:
        raise PermissionDenied  # an enterprise's delegations are its managers' decision
    return org


@transaction.atomic
def delegation_propose(
    *, user: User, counterparty_uscc: str, kinds: list[str], may_submit: bool, valid_from: date, valid_until: date
) -> Delegation:
    """A client proposes to a broker, or a broker to a client; the other side confirms (a broker's
    request to a client that trusts it is confirmed at once)."""
    own = _party(user)
    other = Organisation.objects.filter(uscc=counterparty_uscc).first()
    wanted = OrganisationKind.BROKER if own.kind == OrganisationKind.ENTERPRISE else OrganisationKind.ENTERPRISE
    if other is None or other.kind != wanted:
        raise DelegationRefused(_("No %(kind)s with this unified social credit code.") % {"kind": wanted.label})
    client, broker = (own, other) if own.kind == OrganisationKind.ENTERPRISE else (other, own)
    trusted = own == broker and TrustedBroker.objects.filter(client=client, broker=broker).exists()
    return entrustment_open(
        model=Delegation, user=user, own=own, wording=WORDING, confirmed=trusted, client=client, broker=broker,
        kinds=sorted(set(kinds)), may_submit=may_submit, valid_from=valid_from, valid_until=valid_until,
    )  # fmt: skip


@transaction.atomic
def delegation_confirm(*, user: User, delegation: Delegation) -> Delegation:
    return entrustment_confirm(entrustment=delegation, user=user, own=_party(user), wording=WORDING)


@transaction.atomic
def delegation_revoke(*, user: User, delegation: Delegation) -> Delegation:
    """Either party ends a delegation, at once."""
    return entrustment_revoke(entrustment=delegation, user=user, own=_party(user), wording=WORDING)


def delegation_revoke_as_operator(*, user: User, delegation: Delegation) -> Delegation:
    """The platform's operator ends a delegation (from the admin), recorded as the operator's."""
    return entrustment_revoke_as_operator(entrustment=delegation, user=user, wording=WORDING)


def delegations_of(*, user: User) -> QuerySet[Delegation]:
    return entrustments_of(Delegation, organisation_id=user.organisation_id).select_related("client", "broker")


def delegation_get(*, user: User, pk: int) -> Delegation:
    return entrustment_get(Delegation, organisation_id=user.organisation_id, pk=pk)


def _in_force(on: date | None = None) -> QuerySet[Delegation]:
    """Delegations confirmed, not revoked, and within their period on this day (today by default)."""
    return in_force(Delegation, on)


def active_delegations(*, broker_id: int | None, on: date | None = None) -> list[Delegation]:
    """The broker's delegations in force."""
    if broker_id is None:
        return []
    return list(_in_force(on).filter(broker_id=broker_id))


def delegated_scope(*, broker_id: int | None, submit: bool = False) -> Q:
    """A filter on declarations (owner_id, kind) for what the broker may act on today; matches nothing
    without a delegation in force."""
    scope = Q(pk__in=[])
    for delegation in active_delegations(broker_id=broker_id):
        if submit and not delegation.may_submit:
            continue
        covered = Q(owner_id=delegation.client_id)
        if delegation.kinds:
            covered &= Q(kind__in=delegation.kinds)
        scope |= covered
    return scope


@transaction.atomic
def broker_trust(*, user: User, broker_uscc: str, trusted: bool) -> None:
    """A client's manager trusts a broker (its requests are confirmed at once), or stops trusting it."""
    client = _party(user)
    broker = Organisation.objects.filter(uscc=broker_uscc, kind=OrganisationKind.BROKER).first()
    if client.kind != OrganisationKind.ENTERPRISE or broker is None:
        raise DelegationRefused(_("Only an enterprise can trust a customs broker."))
    if trusted:
        TrustedBroker.objects.get_or_create(client=client, broker=broker)
    else:
        TrustedBroker.objects.filter(client=client, broker=broker).delete()
    audit_record(
        actor=user,
        action=PortalAction.DELEGATION_TRUST_CHANGED,
        obj=client,
        after={"broker": broker.uscc, "trusted": trusted},
    )


def clients_of(*, broker_id: int | None) -> list[Organisation]:
    """The enterprises a broker may act for today."""
    ids = {d.client_id for d in active_delegations(broker_id=broker_id)}
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


def trusted_brokers(*, client_id: int | None) -> set[int]:
    return set(TrustedBroker.objects.filter(client_id=client_id).values_list("broker_id", flat=True))


def delegations_given(*, client_id: int, kind: str, on: date | None = None) -> list[Delegation]:
    """The client's delegations in force that cover this declaration kind."""
    in_force = _in_force(on).filter(client_id=client_id).select_related("broker")
    return [d for d in in_force if not d.kinds or kind in d.kinds]
