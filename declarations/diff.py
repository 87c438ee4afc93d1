"""What changed between two states of a declaration, field by field, goods lines included.

Works on the canonical form (declarations/snapshot.py): frozen versions' payloads or the working copy's
snapshot. Goods lines are matched by line number (项号), containers by container number, attached documents
by type and file name (the same type and name with other content: replaced).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .choices import Direction, DocumentKind, Target
from .fields import BY_KEY
from .models import Declaration

# The declaration's own fields the diff compares besides the one table's, with their values' labels.
CHOICES: dict[str, dict[str, Any]] = {"target": dict(Target.choices), "direction": dict(Direction.choices)}
ROW = re.compile(r"^(lines|containers|documents)\[([^\]]*)\]")


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

    @property
    def where(self) -> str:
        """Which row the change is in, as the page says it ("" for the header)."""
        row = ROW.match(self.path)
        if row is None:
            return ""
        if row[1] == "lines":
            return _("Goods line %(n)s") % {"n": row[2]}
        if row[1] == "documents":
            return _("Attached documents")
        return _("Container %(number)s") % {"number": row[2]}

    @property
    def before_shown(self) -> Any:
        return self._shown(self.before)

    @property
    def after_shown(self) -> Any:
        return self._shown(self.after)

    def _shown(self, value: Any) -> Any:
        """A value as the page shows it: a code's label, a whole row added or removed by what names it."""
        if isinstance(value, dict) and self.path.startswith("documents["):
            return f"{value.get('name', '')} ({filesizeformat(value.get('size') or 0)})"
        if isinstance(value, dict):
            return " ".join(str(value[k]) for k in ("hs_code", "name", "number", "size_type") if value.get(k)) or "—"
        return CHOICES.get(self.path, {}).get(value, value)

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "field_label": self.label,
            "kind": self.kind,
            "before": self.before,
            "after": self.after,
        }


def _label(section: str, name: str) -> str:
    if spec := BY_KEY.get(f"{section}.{name}"):
        return str(spec.label)
    return {"lines": _("Goods line"), "containers": _("Container")}.get(name, _("Other data"))


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
            label = str(Declaration._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
            changes.append(Change(name, label, old.get(name), new.get(name)))
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
    changes += _documents(old.get("documents", []), new.get("documents", []))
    return changes


def _documents(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[Change]:
    """Documents added, removed, or replaced (same type and file name, other content), by type and name."""

    def keyed(documents: list[dict[str, Any]]) -> dict[tuple[str, str, int], dict[str, Any]]:
        found: dict[tuple[str, str, int], dict[str, Any]] = {}
        for document in documents:
            n = 0
            while (document.get("kind", ""), document.get("name", ""), n) in found:
                n += 1
            found[(document.get("kind", ""), document.get("name", ""), n)] = document
        return found

    before, after = keyed(old), keyed(new)
    kinds = dict(DocumentKind.choices)
    changes = []
    for key in sorted(before.keys() | after.keys()):
        was, now = before.get(key), after.get(key)
        if was is not None and now is not None and was.get("sha256") == now.get("sha256"):
            continue
        changes.append(Change(f"documents[{key[1]}]", str(kinds.get(key[0], key[0])), was, now))
    return changes
