"""What licensing checks of a goods declaration (registered with the declarations spine in apps.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.utils.translation import gettext as _

from declarations.choices import GOODS
from declarations.models import Declaration
from declarations.registry import Rule, RuleInput
from singlewindow.choices import Agency
from singlewindow.problems import Problem

from .selectors import inspection_registrations_of

Periods = dict[int, list[tuple[date, date | None]]]


def _registrations(declarations: Sequence[Declaration]) -> Periods:
    """Every inspection registration (from, until) of the enterprises declaring, in one query."""
    return inspection_registrations_of(organisation_ids={d.owner_id for d in declarations})


def _registered(subject: RuleInput, periods: Periods | None) -> list[Problem]:
    """Goods declared to inspection and quarantine need a consignee registered with it on the day: the
    enterprise actually declaring (the declaration's owner), not whichever firm its header names."""
    if Agency.INSPECTION not in subject.agencies:
        return []
    on = subject.today
    owner = subject.declaration.owner_id
    if any(start <= on and (until is None or on <= until) for start, until in (periods or {}).get(owner, [])):
        return []
    return [
        Problem(
            "domestic_party_inspection_code",
            "no_inspection_registration",
            _("The domestic consignee/consignor has no valid inspection registration on file."),
        )
    ]


INSPECTION_REGISTRATION = Rule(
    key="licensing.inspection_registration", category=GOODS, check=_registered, prefetch=_registrations
)
