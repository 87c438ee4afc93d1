"""What licensing checks of a goods declaration (registered with the declarations spine in apps.py)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property

from django.utils import timezone
from django.utils.translation import gettext as _

from declarations.choices import GOODS
from declarations.models import Declaration
from declarations.registry import Rule, RuleInput
from singlewindow.certificates import SHANGHAI
from singlewindow.choices import Agency
from singlewindow.problems import Problem

from .selectors import inspection_registrations_of
from .writeoff import NOTHING_HELD, Held, Licensed, cited, held_by, licences_held, line_problems

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


@dataclass(frozen=True)
class Cited:
    licences: Mapping[str, Licensed]
    held: Held


class _HeldWhenAsked(Mapping[str, Licensed]):
    """The declaring firms' licences, asked of the database the first time a line cites one: most
    declarations cite none, and then nothing is asked."""

    def __init__(self, owner_ids: set[int], since: date) -> None:
        self._owner_ids, self._since = owner_ids, since

    @cached_property
    def _found(self) -> dict[str, Licensed]:
        return licences_held(self._owner_ids, since=self._since)

    def __getitem__(self, number: str) -> Licensed:
        return self._found[number]

    def __iter__(self) -> Iterator[str]:
        return iter(self._found)

    def __len__(self) -> int:
        return len(self._found)


def _licences(declarations: Sequence[Declaration]) -> Cited:
    """The declaring firms' licences (when a line cites one) and what earlier versions of these declarations
    hold, in up to three queries."""
    since = timezone.now().astimezone(SHANGHAI).date() - timedelta(days=366)
    return Cited(
        _HeldWhenAsked({d.owner_id for d in declarations}, since),
        # Only a declaration submitted before can hold a reservation (a first submission asks nothing).
        held_by(d.pk for d in declarations if d.pk and d.version_count)
        if any(d.version_count for d in declarations)
        else NOTHING_HELD,
    )


def _licence_lines(subject: RuleInput, found: Cited | None) -> list[Problem]:
    """Goods declared to customs: each line against its commodity code's supervision conditions (licensing/
    writeoff.py). A line's licence is the declaring firm's own or none."""
    if Agency.CUSTOMS not in subject.agencies:
        return []
    found = found or _licences([subject.declaration])
    declaration = subject.declaration
    return line_problems(
        declaration_id=declaration.pk,
        owner_id=declaration.owner_id,
        direction=declaration.direction,
        port=declaration.port_customs,
        today=subject.today,
        lines=cited(subject.rows.get("lines", ())),
        licences=found.licences,
        held=found.held,
    )


LICENCES = Rule(key="licensing.licences", category=GOODS, check=_licence_lines, prefetch=_licences)
