"""The supervision conditions a goods line's commodity code carries (监管证件代码), read from the maintained
code lists in licensing/reference/ once per process: which licence a line must cite, and which lines are
refused outright."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

REFERENCE = Path(__file__).resolve().parent / "reference"
DIRECTIONS = {"import": "I", "export": "E"}


@dataclass(frozen=True)
class Condition:
    code: str
    direction: str  # "I", "E" or "IE"
    licence: str  # "licence", "prohibited", "inspection" or "unsupported"
    name_zh: str
    name_en: str


@cache
def codes() -> dict[str, Condition]:
    with (REFERENCE / "supervision_codes.csv").open(encoding="utf-8") as f:
        return {row["code"]: Condition(**row) for row in csv.DictReader(f)}


@cache
def _by_prefix() -> dict[str, str]:
    with (REFERENCE / "hs_conditions.csv").open(encoding="utf-8") as f:
        table = {row["hs_code"]: row["conditions"] for row in csv.DictReader(f)}
    unknown = {c for conditions in table.values() for c in conditions} - set(codes())
    if unknown:
        raise ValueError(f"hs_conditions.csv uses codes not in supervision_codes.csv: {sorted(unknown)}")
    return table


def conditions_of(hs_code: str) -> str:
    """The conditions of the longest prefix of this commodity code in the table ("" when none)."""
    table = _by_prefix()
    for length in range(min(len(hs_code), 10), 3, -1):
        found = table.get(hs_code[:length])
        if found is not None:
            return found
    return ""


def required(hs_code: str, direction: str) -> tuple[list[Condition], list[Condition]]:
    """(licences this line must cite, prohibitions that refuse it) for a line going this way."""
    way = DIRECTIONS[direction]
    applying = [codes()[c] for c in conditions_of(hs_code) if way in codes()[c].direction]
    return (
        [c for c in applying if c.licence == "licence"],
        [c for c in applying if c.licence == "prohibited"],
    )


def table_size() -> int:
    return len(_by_prefix())
