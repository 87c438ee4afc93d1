"""Where other apps plug into the spine. Every registration is keyed, raises on a second one with the
same key, and is made from an `AppConfig.ready()`; `manage.py check` lists and verifies them
(declarations/checks.py).

- **Agencies** (the agencies app): which kinds of filing each agency receives, and for goods the map
  from one-table fields to its message elements. The portal never names an agency's elements itself: it
  asks which fields a declaration's targets need, so the form shows exactly those, validation checks
  exactly those, and the frozen snapshot carries exactly those.
- **Categories**: a kind of filing (goods, a vessel's call…): who gets a branch, how it is numbered,
  which page shows it.
- **Rules**: a check another app adds to a category's validation, with an optional batch prefetch so
  an ERP import of a thousand declarations asks the database once per chunk, not once per declaration.
- **Listeners**: told on freeze and when statuses change, inside the same transaction.
- **Field offers**: a page that offers data for a one-table field as it is typed (the manifest for a
  bill of lading).
- **Dispatchers**: how outbox rows get delivered once a freeze commits.
- **Outages**: which agencies are not answering now, so the timeline can say so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise

from singlewindow.choices import Agency, Matter
from singlewindow.problems import Problem

from .choices import GOODS, Target

if TYPE_CHECKING:
    from .models import Declaration, DeclarationVersion


class AlreadyRegistered(ImproperlyConfigured):
    pass


def _add(table: dict[str, Any], key: str, value: Any) -> None:
    if key in table:
        raise AlreadyRegistered(f"{key!r} is already registered")
    if apps.ready:  # every process registers the same things at start-up, or they would disagree
        raise ImproperlyConfigured(f"register {key!r} from an AppConfig.ready(), not later")
    table[key] = value


# --- agencies ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgencyFieldMap:
    """One agency's goods map: one-table field key ("header.bill_of_lading", "line.hs_code",
    "container.number") to the element path in that agency's message."""

    agency: str
    elements: Mapping[str, str]


@dataclass(frozen=True)
class AgencyReceives:
    """What one agency receives: the categories it takes (in the order they were registered, which is
    the order branches are listed in), for goods its field map, and for another category the lists of
    the frozen filing it is sent (a category's `parts`; e.g. a vessel's crew list)."""

    agency: str
    categories: tuple[str, ...]
    goods: AgencyFieldMap | None = None
    parts: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # category → the parts it is sent


_agencies: dict[str, AgencyReceives] = {}


def register_agency(receives: AgencyReceives) -> None:
    _add(_agencies, receives.agency, receives)
    fields_for.cache_clear()


def registered_agencies() -> list[str]:
    return list(_agencies)


def agencies_receiving_all() -> dict[str, tuple[str, ...]]:
    """Each registered agency → the categories it takes."""
    return {a.agency: a.categories for a in _agencies.values()}


def agencies_receiving(category: str) -> tuple[str, ...]:
    """Every registered agency that takes this kind of filing, in registration order."""
    return tuple(a.agency for a in _agencies.values() if category in a.categories)


def parts_for(agency: str, category: str) -> tuple[str, ...]:
    """The lists of a filing of this category (its `parts`) this agency is sent; () for none."""
    receives = _agencies.get(agency)
    return tuple(receives.parts.get(category, ())) if receives else ()


def field_map(agency: str) -> AgencyFieldMap:
    goods = _agencies[agency].goods
    if goods is None:
        raise KeyError(f"{agency} takes no goods declarations")
    return goods


TARGET_AGENCIES: dict[str, tuple[str, ...]] = {
    Target.BOTH: (Agency.CUSTOMS, Agency.INSPECTION),
    Target.CUSTOMS: (Agency.CUSTOMS,),
    Target.INSPECTION: (Agency.INSPECTION,),
}


def agencies_for(target: str) -> tuple[str, ...]:
    """The agencies a goods declaration's target sends it to."""
    return TARGET_AGENCIES[target]


@cache
def fields_for(agencies: Iterable[str]) -> frozenset[str]:
    """The one-table field keys that at least one of these agencies receives (agencies: a tuple)."""
    keys: set[str] = set()
    for agency in agencies:
        keys.update(field_map(agency).elements)
    return frozenset(keys)


# --- categories ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Category:
    """A kind of filing that takes the spine's path: frozen, numbered, fanned out, merged."""

    key: str  # stored in Declaration.category (at most 6 characters)
    label: str | Promise
    agencies: Callable[[Declaration], tuple[str, ...]]  # who gets a branch when it is frozen
    number: Callable[[Declaration], str]  # its pre-entry number (18 characters), given at the first freeze
    detail_url: str  # the URL name of its page, taking the declaration's pk
    edit_url: str = ""  # the URL name of its edit page (where a returned filing is corrected)
    # The lists in its frozen payload that go only to the agencies registered as receiving them
    # (AgencyReceives.parts): an officer of any other agency never sees them.
    parts: tuple[str, ...] = ()
    risk_lane: bool = False  # whether freezing chooses a risk lane from the firm's credit (credit/lanes.py)
    # The matter its submitter signs it for under the firm's electronic licence (singlewindow.choices.Matter).
    matter: str = Matter.DECLARATION


_categories: dict[str, Category] = {}


def register_category(category: Category) -> None:
    if len(category.key) > 6:
        raise ImproperlyConfigured(f"category key {category.key!r} is longer than 6 characters")
    _add(_categories, category.key, category)


def category(key: str) -> Category:
    return _categories[key]


def categories() -> list[Category]:
    return list(_categories.values())


def category_choices() -> list[tuple[str, Any]]:
    """Declaration.category's choices: what is registered."""
    return [(c.key, c.label) for c in _categories.values()]


# --- validation rules ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleInput:
    """What a rule looks at: the declaration, its rows by list ("lines", "containers", "documents" for
    goods; a category's own lists for others), the agencies it goes to, and the day it is checked."""

    declaration: Declaration
    rows: Mapping[str, Sequence[Any]]
    agencies: tuple[str, ...]
    today: date


@dataclass(frozen=True)
class Rule:
    key: str  # "<app>.<what>", e.g. "vessels.manifest"
    category: str
    check: Callable[[RuleInput, Any], list[Problem]]  # (input, what prefetch returned, or None)
    # Given every declaration about to be checked, what check needs of the database, in one query;
    # check then gets it instead of asking for itself.
    prefetch: Callable[[Sequence[Declaration]], Any] | None = None


_rules: dict[str, Rule] = {}


def register_rule(rule: Rule) -> None:
    _add(_rules, rule.key, rule)


def rules() -> list[Rule]:
    return list(_rules.values())


def rules_for(category: str) -> list[Rule]:
    return [rule for rule in _rules.values() if rule.category == category]


# --- listeners -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusChange:
    declaration_id: int
    category: str
    before: str
    after: str


@dataclass(frozen=True)
class Listener:
    """Told, in the same transaction, when a declaration of one of its categories (all when empty) is
    frozen, or when receipts change statuses. A listener that fails makes the transaction fail, unless
    it catches its own errors (a savepoint) as it should for work that may wait.

    `on_freezing` is asked just before a version is frozen, with the payload about to be frozen: it may
    add what the agencies must be told under its own key (a licence write-off) or refuse the submission
    with `pipeline.DeclarationInvalid` (problems on the declaration's fields), which rolls everything
    back. `on_freeze` is told once the version is frozen (its row written): the freeze's other rows — the
    declaration's new status, its branches, its "submitted" event, the audit entries — are written together as
    the freeze's work ends (`prepared.writes_together`), so a listener may add rows of its own but must not
    query those."""

    key: str
    categories: frozenset[str] = frozenset()
    on_freezing: Callable[[Declaration, dict[str, Any]], None] | None = None
    on_freeze: Callable[[Declaration, DeclarationVersion], None] | None = None
    on_status: Callable[[list[StatusChange]], None] | None = None

    def wants(self, category: str) -> bool:
        return not self.categories or category in self.categories


_listeners: dict[str, Listener] = {}


def register_listener(listener: Listener) -> None:
    _add(_listeners, listener.key, listener)


def listeners() -> list[Listener]:
    return list(_listeners.values())


# --- field offers --------------------------------------------------------------------------------


_offers: dict[str, str] = {}


def register_field_offer(*, field_key: str, url_name: str) -> None:
    """A page (URL name, answering an HTMX GET with the field's value) that offers data for this
    one-table field ("header.bill_of_lading") in the goods form."""
    _add(_offers, field_key, url_name)


def field_offer(field_key: str) -> str | None:
    return _offers.get(field_key)


# --- dispatch ------------------------------------------------------------------------------------


Dispatcher = Callable[[list[int], Sequence[str] | None], None]
_dispatchers: dict[str, Dispatcher] = {}


def register_dispatcher(send: Dispatcher) -> None:
    """The agencies app registers how outbox rows (Delivery ids) get delivered; there is one. It is told
    their agencies when the caller knows them (a submission), or looks them up."""
    _add(_dispatchers, "dispatcher", send)


def dispatch(delivery_ids: list[int], agencies: Sequence[str] | None = None) -> None:
    for send in _dispatchers.values():
        send(delivery_ids, agencies)


# --- outages ------------------------------------------------------------------------------------


_outages: dict[str, Callable[[], Mapping[str, datetime]]] = {}


def register_outages(lookup: Callable[[], Mapping[str, datetime]]) -> None:
    """The agencies app registers how to tell which agencies are not answering now, each with since when:
    the timeline then tells a firm that the agency is unreachable (and its declaration waits), not that
    its declaration failed; there is one."""
    _add(_outages, "outages", lookup)


def agencies_unreachable() -> dict[str, datetime]:
    """Each agency not answering now → since when (empty when none, or when nobody registered a lookup)."""
    down: dict[str, datetime] = {}
    for lookup in _outages.values():
        down.update(lookup())
    return down


def registrations() -> dict[str, list[str]]:
    """Everything registered, by kind, for the system check's listing."""
    return {
        "agencies": [f"{a.agency} ({', '.join(a.categories)})" for a in _agencies.values()],
        "categories": list(_categories),
        "rules": list(_rules),
        "listeners": list(_listeners),
        "field offers": [f"{k} → {v}" for k, v in _offers.items()],
        "dispatcher": [f"{send.__module__}.{send.__qualname__}" for send in _dispatchers.values()],
        "outages": [f"{lookup.__module__}.{lookup.__qualname__}" for lookup in _outages.values()],
    }


__all__ = [
    "GOODS",
    "AgencyFieldMap",
    "AgencyReceives",
    "Category",
    "Listener",
    "Rule",
    "RuleInput",
    "StatusChange",
    "agencies_for",
    "agencies_receiving",
    "agencies_unreachable",
    "categories",
    "category",
    "dispatch",
    "field_map",
    "field_offer",
    "fields_for",
    "listeners",
    "parts_for",
    "register_agency",
    "register_category",
    "register_dispatcher",
    "register_field_offer",
    "register_listener",
    "register_outages",
    "register_rule",
    "registered_agencies",
    "rules_for",
]
