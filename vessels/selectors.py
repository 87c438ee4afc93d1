"""Reads of vessel declarations beyond the spine's scoping: what an agency was sent."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Field

from declarations.models import Declaration
from declarations.selectors import latest_payloads
from singlewindow.models import User

from .models import VesselCall
from .parts import CALL_FIELDS


def delivered_payloads(*, user: User, declarations: Sequence[Declaration]) -> dict[int, dict[str, Any]]:
    """For everyone but the ship agency that owns them, the latest submitted version of each of these
    calls (id → frozen payload), in one query: the agent's corrections to a returned call stay its own."""
    return latest_payloads([d for d in declarations if d.owner_id != user.organisation_id])


def as_sent(*, user: User, declarations: Sequence[Declaration]) -> list[Declaration]:
    """The listed calls with FAL 1 replaced, in memory only, by what was delivered (for officers)."""
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
