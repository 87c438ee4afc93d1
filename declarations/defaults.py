"""Each fact typed once: where a field of the one table takes its value when the clerk has not typed it.

The edit form fills these in the browser as the clerk types (static/js/defaults.js reads the rules
from each input's `data-default`); a filled default is an ordinary value the clerk can change, and the
validation checks it like anything typed. `manage.py dataitems` counts a field with a default as one the
firm no longer types.

A rule names a source: another header field (`header.x`), a field of the same goods line (`line.x`),
the same field of the line above (`above`), or a fixed value. Rules are tried in order; one that names a
direction applies only to declarations of that direction. `mapping` translates the source's value
(a trade mode gives its levy nature); `product` multiplies two fields; `when_same` applies the rule only
while two fields agree (the legal quantity follows the declared one only in the same unit).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from .choices import Direction

ABOVE = "above"


@dataclass(frozen=True)
class Rule:
    source: str = ""
    value: str = ""
    direction: str = ""
    mapping: tuple[tuple[str, str], ...] = ()
    product: tuple[str, str] | None = None
    when_same: tuple[str, str] | None = None

    def as_json(self) -> dict[str, Any]:
        data = {k: v for k, v in asdict(self).items() if v}
        if self.mapping:
            data["mapping"] = dict(self.mapping)
        return data


# The levy nature (征免性质) a trade mode (监管方式) is declared with in the common case.
LEVY_BY_TRADE_MODE = (
    ("0110", "101"),  # general trade: general levy
    ("0130", "101"),  # barter trade
    ("0214", "502"),  # processing with supplied materials
    ("0615", "503"),  # processing with imported materials
    ("0654", "503"),
    ("2225", "603"),  # foreign-invested equipment
)
# The duty mode (征免方式) that follows a general levy.
DUTY_BY_LEVY_NATURE = (("101", "1"),)

IMPORT, EXPORT = str(Direction.IMPORT), str(Direction.EXPORT)

DEFAULTS: dict[str, tuple[Rule, ...]] = {
    "header.port_customs": (Rule(source="header.customs_office"),),
    "header.entry_exit_port": (
        Rule(source="header.port_of_discharge", direction=IMPORT),
        Rule(source="header.port_of_loading", direction=EXPORT),
    ),
    "header.levy_nature": (Rule(source="header.trade_mode", mapping=LEVY_BY_TRADE_MODE),),
    "header.departure_country": (Rule(source="header.trade_country"),),
    "header.destination_authority": (Rule(source="header.inspection_authority"),),
    "line.legal_unit": (Rule(source="line.declared_unit"),),
    "line.legal_quantity": (
        Rule(source="line.declared_quantity", when_same=("line.legal_unit", "line.declared_unit")),
    ),
    "line.total_price": (Rule(product=("line.declared_quantity", "line.unit_price")),),
    "line.currency": (Rule(source=ABOVE), Rule(source="header.charges_currency")),
    "line.origin_country": (
        Rule(source=ABOVE),
        Rule(source="header.departure_country", direction=IMPORT),
        Rule(value="CHN", direction=EXPORT),
    ),
    "line.destination_country": (
        Rule(source=ABOVE),
        Rule(value="CHN", direction=IMPORT),
        Rule(source="header.departure_country", direction=EXPORT),
    ),
    "line.duty_mode": (Rule(source=ABOVE), Rule(source="header.levy_nature", mapping=DUTY_BY_LEVY_NATURE)),
    "line.purpose": (Rule(source=ABOVE),),
}


def rules_for(key: str) -> list[dict[str, Any]]:
    """The rules of one field as the form's `data-default` carries them (empty: no default)."""
    return [rule.as_json() for rule in DEFAULTS.get(key, ())]


def defaulted(key: str) -> bool:
    """Whether the clerk no longer types this field: it is filled from elsewhere in the declaration. One
    that only repeats the line above is still typed, once per declaration."""
    return any(rule.source != ABOVE for rule in DEFAULTS.get(key, ()))
