"""Which one-table fields each agency receives.

Agency adapters (agencies/<agency>/) register the map from one-table fields to their message
elements when the app starts. The portal never names an agency's elements itself; it asks this
registry which fields a declaration's targets need, so the form shows exactly those, validation
checks exactly those, and the frozen snapshot carries exactly those.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from singlewindow.choices import Agency

from .choices import Target


@dataclass(frozen=True)
class AgencyFieldMap:
    """One agency's map: one-table field key ("header.bill_of_lading", "line.hs_code",
    "container.number") to the element path in that agency's message."""

    agency: str
    elements: Mapping[str, str]


_maps: dict[str, AgencyFieldMap] = {}

TARGET_AGENCIES: dict[str, tuple[str, ...]] = {
    Target.BOTH: (Agency.CUSTOMS, Agency.INSPECTION),
    Target.CUSTOMS: (Agency.CUSTOMS,),
    Target.INSPECTION: (Agency.INSPECTION,),
}


# A vessel's arrival or departure goes to every agency at the port at once (S5).
VESSEL_AGENCIES: tuple[str, ...] = (Agency.CUSTOMS, Agency.INSPECTION, Agency.BORDER, Agency.MARITIME)

_dispatchers: list[Callable[[list[int]], None]] = []


def register_dispatcher(dispatch: Callable[[list[int]], None]) -> None:
    """The agencies app registers how outbox rows (Delivery ids) get delivered."""
    _dispatchers.append(dispatch)


def dispatch(delivery_ids: list[int]) -> None:
    for send in _dispatchers:
        send(delivery_ids)


def register_field_map(field_map: AgencyFieldMap) -> None:
    _maps[field_map.agency] = field_map
    fields_for.cache_clear()


def field_map(agency: str) -> AgencyFieldMap:
    return _maps[agency]


def registered_agencies() -> list[str]:
    return sorted(_maps)


def agencies_for(target: str) -> tuple[str, ...]:
    return TARGET_AGENCIES[target]


@cache
def fields_for(agencies: Iterable[str]) -> frozenset[str]:
    """The one-table field keys that at least one of these agencies receives (agencies: a tuple)."""
    keys: set[str] = set()
    for agency in agencies:
        keys.update(_maps[agency].elements)
    return frozenset(keys)
