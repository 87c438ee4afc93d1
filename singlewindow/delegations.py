"""Delegations between client enterprises and customs brokers: propose, confirm, revoke; and the one
question everything else asks: may this broker act for this client, for this kind, today?"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import DelegationStatus, OrganisationKind, Role
from .errors import DomainError
from .models import Delegation, Organisation, TrustedBroker, User
from .services import audit_record


class DelegationRefused(DomainError):
    status_code = 400
    code = "delegation_refused"


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
    if valid_until < valid_from or valid_until < timezone.localdate():
        raise DelegationRefused(_("The validity period has to end today or later, after it starts."))
    client, broker = (own, other) if own.kind == OrganisationKind.ENTERPRISE else (other, own)
    trusted = own == broker and TrustedBroker.objects.filter(client=client, broker=broker).exists()
    delegation = Delegation.objects.create(
        client=client,
        broker=broker,
        kinds=sorted(set(kinds)),
        may_submit=may_submit,
        valid_from=valid_from,
        valid_until=valid_until,
        proposed_by=own,
        status=DelegationStatus.ACTIVE if trusted else DelegationStatus.PROPOSED,
        decided_at=timezone.now() if trusted else None,
    )
    audit_record(
        actor=user,
        action="delegation.proposed",
        obj=delegation,
        after={"status": delegation.status, "kinds": delegation.kinds, "may_submit": may_submit},
    )
    return delegation


@transaction.atomic
def delegation_confirm(*, user: User, delegation: Delegation) -> Delegation:
    own = _party(user)
    if delegation.status != DelegationStatus.PROPOSED or own.pk not in (delegation.client_id, delegation.broker_id):
        raise DelegationRefused(_("This delegation is not waiting for your confirmation."))
    if own.pk == delegation.proposed_by_id:
        raise DelegationRefused(_("The other party confirms a delegation you proposed."))
    delegation.status, delegation.decided_at = DelegationStatus.ACTIVE, timezone.now()
    delegation.save(update_fields=["status", "decided_at"])
    audit_record(
        actor=user,
        action="delegation.confirmed",
        obj=delegation,
        before={"status": "proposed"},
        after={"status": "active"},
    )
    return delegation


@transaction.atomic
def delegation_revoke(*, user: User, delegation: Delegation) -> Delegation:
    """Either party ends a delegation, at once."""
    own = _party(user)
    if own.pk not in (delegation.client_id, delegation.broker_id):
        raise PermissionDenied
    before = delegation.status
    delegation.status, delegation.decided_at = DelegationStatus.REVOKED, timezone.now()
    delegation.save(update_fields=["status", "decided_at"])
    audit_record(
        actor=user, action="delegation.revoked", obj=delegation, before={"status": before}, after={"status": "revoked"}
    )
    return delegation


def delegations_of(*, user: User) -> QuerySet[Delegation]:
    org_id = user.organisation_id
    return Delegation.objects.filter(Q(client_id=org_id) | Q(broker_id=org_id)).select_related("client", "broker")


def delegation_get(*, user: User, pk: int) -> Delegation:
    try:
        return delegations_of(user=user).get(pk=pk)
    except (Delegation.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _in_force(on: date | None = None) -> QuerySet[Delegation]:
    """Delegations confirmed, not revoked, and within their period on this day (today by default)."""
    on = on or timezone.localdate()
    return Delegation.objects.filter(status=DelegationStatus.ACTIVE, valid_from__lte=on, valid_until__gte=on)


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
        actor=user, action="delegation.trust_changed", obj=client, after={"broker": broker.uscc, "trusted": trusted}
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
