"""The audit trail of a declaration as a clerk reads it: what happened, and for each change the field's label
and the values as the page shows them (a status's label, not `draft → submitted`; a field's label, not
`contract_no`). Never an internal key: a key nobody gave a label to reads as "other data"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from singlewindow.models import AuditEntry

from . import selectors
from .choices import DeclarationAction, DeclarationStatus, DocumentKind, ReviewState, Target
from .fields import BY_KEY
from .models import Declaration

# What the keys of an audit entry's before/after that are not one-table fields mean.
LABELS = {
    "status": gettext_lazy("Status"),
    "review": pgettext_lazy("broker-client exchange", "Exchange"),
    "revision": gettext_lazy("Revision"),
    "version": gettext_lazy("Version"),
    "digest": "SHA-256",
    "sha256": "SHA-256",
    "pre_entry_no": gettext_lazy("Pre-entry number"),
    "kind": gettext_lazy("Document type"),
    "name": gettext_lazy("File name"),
    "file": gettext_lazy("File name"),
    "copied_from": gettext_lazy("Copied from"),
}
# Keys whose values are codes with a label.
VALUES: dict[str, dict[str, Any]] = {
    "status": dict(DeclarationStatus.choices),
    "review": dict(ReviewState.choices),
    "target": dict(Target.choices),
    "kind": dict(DocumentKind.choices),
}
HIDDEN = {"document"}  # the attached document's row id: its type and file name say which it is
OTHER = gettext_lazy("Other data")


@dataclass(frozen=True)
class HistoryRow:
    entry: AuditEntry
    what: str
    changes: list[tuple[str, str, str]]  # label, before, after


def declaration_history_rows(*, declaration: Declaration) -> list[HistoryRow]:
    """The declaration's audit trail, newest first, in the active language."""
    actions = dict(DeclarationAction.choices)
    return [
        HistoryRow(
            entry=entry,
            what=str(actions.get(entry.action, _("Other change"))),
            changes=_changes(entry.before or {}, entry.after or {}),
        )
        for entry in selectors.declaration_history(declaration=declaration)
    ]


def _changes(before: dict[str, Any], after: dict[str, Any]) -> list[tuple[str, str, str]]:
    changes = []
    for key in dict.fromkeys([*before, *after]):
        if key in HIDDEN:
            continue
        if key in ("lines", "containers"):
            label = _("Goods lines") if key == "lines" else _("Containers")
            rows = [_("%(n)d rows") % {"n": len(side.get(key) or [])} for side in (before, after)]
            changes.append((label, rows[0], rows[1]))
            continue
        changes.append((label_of(key), _plain(key, before.get(key)), _plain(key, after.get(key))))
    return changes


def label_of(key: str) -> str:
    """A key of the audit trail as its label: a one-table field's, a declaration's field's, or "other data"."""
    if spec := BY_KEY.get(f"header.{key}"):
        return str(spec.label)
    if key in LABELS:
        return str(LABELS[key])
    try:
        return str(Declaration._meta.get_field(key).verbose_name)  # type: ignore[union-attr]
    except FieldDoesNotExist:
        return str(OTHER)


def _plain(key: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if key in VALUES and isinstance(value, str):
        return str(VALUES[key].get(value, value))
    return str(value)
