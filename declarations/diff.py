"""What changed between two states of a declaration, field by field, goods lines included.

Works on the canonical form (declarations/snapshot.py): frozen versions' payloads or the working copy's
snapshot. Goods lines are matched by line number (项号), containers by container number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .fields import BY_KEY


@dataclass(frozen=True)
class Change:
    path: str  # "gross_weight", "lines[3].unit_price", "containers[CSQU3054383].size_type", "lines[4]"
    label: str
    before: Any
    after: Any

    @property
    def kind(self) -> str:
        if self.before is None:
            return "added"
        if self.after is None:
            return "removed"
        return "changed"

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "field_label": self.label,
            "kind": self.kind,
            "before": self.before,
            "after": self.after,
        }


def _label(section: str, name: str) -> str:
    spec = BY_KEY.get(f"{section}.{name}")
    return str(spec.label) if spec else name


def _rows(old: dict[Any, dict], new: dict[Any, dict], section: str, prefix: str) -> list[Change]:
    changes = []
    for key in sorted(set(old) | set(new), key=str):
        before, after = old.get(key), new.get(key)
        where = f"{prefix}[{key}]"
        if before is None or after is None:
            changes.append(Change(where, _label(section, prefix), before, after))
            continue
        for name in before.keys() | after.keys():
            if before.get(name) != after.get(name):
                changes.append(Change(f"{where}.{name}", _label(section, name), before.get(name), after.get(name)))
    return changes


def snapshot_diff(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    changes = []
    for name in ("target", "direction", "kind"):
        if old.get(name) != new.get(name):
            changes.append(Change(name, name, old.get(name), new.get(name)))
    old_header, new_header = old.get("header", {}), new.get("header", {})
    for name in old_header.keys() | new_header.keys():
        if old_header.get(name) != new_header.get(name):
            changes.append(Change(name, _label("header", name), old_header.get(name), new_header.get(name)))
    changes.sort(key=lambda c: c.path)
    changes += _rows(
        {line["line_no"]: line for line in old.get("lines", [])},
        {line["line_no"]: line for line in new.get("lines", [])},
        "line",
        "lines",
    )
    changes += _rows(
        {c.get("number") or i: c for i, c in enumerate(old.get("containers", []))},
        {c.get("number") or i: c for i, c in enumerate(new.get("containers", []))},
        "container",
        "containers",
    )
    return changes
