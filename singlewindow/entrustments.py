"""What every relation one firm grants another shares (models.Entrustment): one side proposes, the other
confirms (or it is confirmed at once), either side revokes; it is in force from its first day to its
last while confirmed. Delegations (delegations.py) and agent relations (agent_relations.py) are the two
kinds; each says who its parties are and words its own refusals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise

from .audit_actions import PortalAction
from .choices import DelegationStatus
from .errors import DomainError
from .models import Entrustment, Organisation, User
from .services import audit_record, json_value

E = TypeVar("E", bound=Entrustment)


class EntrustmentRefused(DomainError):
    status_code = 400
    code = "refused"


@dataclass(frozen=True)
class Wording:
    """One kind's refusals, in its own words (lazy: read in the user's language when raised), and the actions
    the audit trail records of it."""

    refused: type[EntrustmentRefused]
    bad_period: Promise
    not_waiting: Promise
    own_proposal: Promise
    proposed: PortalAction
    confirmed: PortalAction
    revoked: PortalAction


def entrustment_open(
    *, model: type[E], user: User, own: Organisation, wording: Wording, confirmed: bool, **values: Any
) -> E:
    """Record a proposal by `own` (values: both parties, the period, the kind's own terms), confirmed at
    once when `confirmed`. The caller has checked who the parties are."""
    valid_from, valid_until = values["valid_from"], values["valid_until"]
    if valid_until < valid_from or valid_until < timezone.localdate():
        raise wording.refused(str(wording.bad_period))
    entrustment = model._default_manager.create(
        proposed_by=own,
        status=DelegationStatus.ACTIVE if confirmed else DelegationStatus.PROPOSED,
        decided_at=timezone.now() if confirmed else None,
        **values,
    )
    terms = {name: value.pk if isinstance(value, Organisation) else json_value(value) for name, value in values.items()}
    audit_record(actor=user, action=wording.proposed, obj=entrustment,
                 after={"status": entrustment.status, **terms})  # fmt: skip
    return entrustment


def entrustment_confirm(*, entrustment: E, user: User, own: Organisation, wording: Wording) -> E:
    """The party that did not propose it confirms it."""
    if entrustment.status != DelegationStatus.PROPOSED or own.pk not in entrustment.party_ids():
        raise wording.refused(str(wording.not_waiting))
    if own.pk == entrustment.proposed_by_id:
        raise wording.refused(str(wording.own_proposal))
    entrustment.status, entrustment.decided_at = DelegationStatus.ACTIVE, timezone.now()
    entrustment.save(update_fields=["status", "decided_at"])
    audit_record(actor=user, action=wording.confirmed, obj=entrustment,
                 before={"status": "proposed"}, after={"status": "active"})  # fmt: skip
    return entrustment


def entrustment_revoke(*, entrustment: E, user: User, own: Organisation, wording: Wording) -> E:
    """Either party ends it, at once."""
    if own.pk not in entrustment.party_ids():
        raise PermissionDenied
    return _revoked(entrustment, user, wording)


def entrustment_revoke_as_operator(*, entrustment: E, user: User, wording: Wording) -> E:
    """The platform's operator ends it (a party that cannot, a leaked account): staff only, recorded as theirs."""
    if not user.is_staff:
        raise PermissionDenied
    return _revoked(entrustment, user, wording, by_operator=True)


def _revoked(entrustment: E, user: User, wording: Wording, *, by_operator: bool = False) -> E:
    before = entrustment.status
    entrustment.status, entrustment.decided_at = DelegationStatus.REVOKED, timezone.now()
    entrustment.save(update_fields=["status", "decided_at"])
    after: dict[str, object] = {"status": "revoked", **({"by_operator": True} if by_operator else {})}
    audit_record(actor=user, action=wording.revoked, obj=entrustment, before={"status": before}, after=after)
    return entrustment


def entrustments_of(model: type[E], *, organisation_id: int | None) -> QuerySet[E]:
    """Those the organisation is a party to, either side."""
    first, second = model.PARTIES
    return model._default_manager.filter(Q(**{f"{first}_id": organisation_id}) | Q(**{f"{second}_id": organisation_id}))


def entrustment_get(model: type[E], *, organisation_id: int | None, pk: int) -> E:
    """One the organisation is a party to; 404 for anyone else's."""
    try:
        return entrustments_of(model, organisation_id=organisation_id).get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def in_force(model: type[E], on: date | None = None) -> QuerySet[E]:
    """Confirmed, not revoked, and within their period on this day (today by default)."""
    on = on or timezone.localdate()
    return model._default_manager.filter(status=DelegationStatus.ACTIVE, valid_from__lte=on, valid_until__gte=on)
