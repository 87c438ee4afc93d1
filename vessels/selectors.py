"""Reads of vessel declarations beyond the spine's scoping: what an agency was sent."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Field

from declarations.models import Declaration
from declarations.selectors import declaration_get_own, delivered_payloads
from singlewindow.choices import OrganisationKind
from singlewindow.delegations import clients_of
from singlewindow.models import Organisation, User

from .models import VesselCall
from .parts import CALL_FIELDS

__all__ = ["as_sent", "declaring_for", "delivered_payloads"]


def as_sent(*, user: User, declarations: Sequence[Declaration]) -> list[Declaration]:
    """The listed calls with FAL 1 replaced, in memory only, by what was delivered to the officer's
    agency (the latest version it was sent); for anyone else as they are."""
    payloads = delivered_payloads(user=user, declarations=declarations)
    for declaration in declarations:
        payload = payloads.get(declaration.pk)
        if payload is None:
            continue
        call: VesselCall = declaration.vessel
        for name in CALL_FIELDS:
            field = VesselCall._meta.get_field(name)
            assert isinstance(field, Field)
            setattr(call, name, field.to_python(payload["general"].get(name)))
    return list(declarations)


def declaring_for(*, user: User, declaration_pk: str | None = None) -> list[Organisation]:
    """The enterprises the user declares goods for: the owner of the declaration it is editing (404 if it
    may not prepare it), else its own enterprise, or a broker's clients under a delegation in force."""
    org = user.organisation
    if declaration_pk:
        pk = int(declaration_pk) if declaration_pk.isdigit() else 0
        return [Organisation.objects.get(pk=declaration_get_own(user=user, pk=pk, reference=True).owner_id)]
    if org is not None and org.kind == OrganisationKind.BROKER:
        return clients_of(broker_id=org.pk)
    return [org] if org is not None and org.kind == OrganisationKind.ENTERPRISE else []
