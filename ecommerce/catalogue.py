"""The positive list (a maintained extract in ecommerce/reference/positive-list.json, 8-digit HS lines
with their statutory VAT and consumption rates) and the CBEC tax it implies (reference C4):

- within the limits: tariff 0 %, VAT and consumption tax at 70 % of the statutory amount, i.e.
  `price × (c + v) / (1 − c) × 0.7`;
- a single indivisible item above the per-transaction limit: taxed in full (MFN tariff, 100 % VAT and
  consumption tax, each on the tariff-inclusive value)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

LIST_FILE = Path(__file__).resolve().parent / "reference" / "positive-list.json"
CBEC_SHARE = Decimal("0.7")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Rates:
    vat: Decimal
    consumption: Decimal
    mfn_tariff: Decimal


@cache
def positive_list() -> dict[str, Rates]:
    """8-digit HS code → its rates; read once per process."""
    lines = json.loads(LIST_FILE.read_text(encoding="utf-8"))["lines"]
    return {
        hs8: Rates(Decimal(v["vat"]), Decimal(v["consumption"]), Decimal(v["mfn_tariff"])) for hs8, v in lines.items()
    }


def on_positive_list(hs_code: str) -> bool:
    return hs_code[:8] in positive_list()


@dataclass(frozen=True)
class Tax:
    tariff: Decimal
    vat: Decimal
    consumption: Decimal

    @property
    def total(self) -> Decimal:
        return self.tariff + self.vat + self.consumption


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def line_tax(hs_code: str, dutiable: Decimal, *, full: bool = False) -> Tax:
    """The tax on one line's dutiable value (goods plus its share of freight and insurance)."""
    rates = positive_list()[hs_code[:8]]
    c, v = rates.consumption, rates.vat
    if full:
        base = dutiable * (1 + rates.mfn_tariff)
        return Tax(_cents(dutiable * rates.mfn_tariff), _cents(base / (1 - c) * v), _cents(base / (1 - c) * c))
    return Tax(Decimal(0), _cents(dutiable / (1 - c) * v * CBEC_SHARE), _cents(dutiable / (1 - c) * c * CBEC_SHARE))


def inventory_tax(lines: list[dict], freight: Decimal, insured_fee: Decimal, *, full: bool = False) -> Tax:
    """Every line's tax, freight and insurance shared out by goods value (the last line takes the
    rounding), summed."""
    goods = sum((Decimal(line["totalPrice"]) for line in lines), Decimal(0))
    extra = freight + insured_fee
    tariff = vat = consumption = Decimal(0)
    shared = Decimal(0)
    for index, line in enumerate(lines):
        value = Decimal(line["totalPrice"])
        if index == len(lines) - 1:
            share = extra - shared
        else:
            share = _cents(extra * value / goods) if goods else Decimal(0)
            shared += share
        tax = line_tax(line["gcode"], value + share, full=full)
        tariff, vat, consumption = tariff + tax.tariff, vat + tax.vat, consumption + tax.consumption
    return Tax(tariff, vat, consumption)
