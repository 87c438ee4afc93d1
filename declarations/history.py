"""The audit trail of a declaration as a clerk reads it: what happened, and for each change the field's label
and the values as the page shows them (a status's label, not `draft → submitted`; a field's label, not
`contract_no`). Never an internal key: a key nobody gave a label to reads as "other data"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext, pgettext_lazy

from singlewindow import audit_actions
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
    "documents": gettext_lazy("Attached documents"),
    "cleared": gettext_lazy("Left out for the new shipment"),
    "note": gettext_lazy("Note"),
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
    rows = []
    for entry in selectors.declaration_history(declaration=declaration):
        before, after = entry.before or {}, entry.after or {}
        hidden = HIDDEN
        if _returned(entry.action, before, after):  # the client sent it back: no new work of the client's
            what, hidden = str(RETURNED), HIDDEN | {"revision"}
        else:
            what = audit_actions.label(entry.action)  # the spine's actions and those other apps registered
            what = what if what != entry.action else str(_("Other change"))
        rows.append(HistoryRow(entry=entry, what=what, changes=_changes(before, after, hidden)))
    return rows


RETURNED = gettext_lazy("Returned to the customs broker")


def _returned(action: str, before: dict[str, Any], after: dict[str, Any]) -> bool:
    """A revision the client sent back to the broker who had sent it for review (not a first hand-over)."""
    return (
        action == DeclarationAction.EXCHANGE_SENT
        and after.get("review") == ReviewState.WITH_BROKER
        and before.get("review") in (ReviewState.WITH_CLIENT, ReviewState.APPROVED)
    )


def _changes(before: dict[str, Any], after: dict[str, Any], hidden: set[str] = HIDDEN) -> list[tuple[str, str, str]]:
    changes = []
    for key in dict.fromkeys([*before, *after]):
        if key in hidden:
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
        field = Declaration._meta.get_field(key)
    except FieldDoesNotExist:
        return str(OTHER)
    if not field.concrete:  # a reverse relation (documents, lines…) has no label of its own
        return str(OTHER)
    return str(field.verbose_name)


def _cleared_label(name: str) -> str:
    return str(_("Containers")) if name == "containers" else label_of(name)


def _plain(key: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if key == "copied_from":
        return f"#{value}"
    if key == "documents" and isinstance(value, list):
        return ngettext("%(n)d copied", "%(n)d copied", len(value)) % {"n": len(value)}
    if key == "cleared" and isinstance(value, list):
        return pgettext("list separator", ", ").join(_cleared_label(name) for name in value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if key in VALUES and isinstance(value, str):
        return str(VALUES[key].get(value, value))
    return str(value)
