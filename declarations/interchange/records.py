"""The common shape both file formats read into and write from: one Record per declaration, raw text
values keyed by catalogue field name; and the one conversion of those values to typed ones, with
errors per field in the user's language."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from singlewindow.untrusted import UntrustedFile

from ..choices import DeclarationKind, Direction, Target
from ..fields import BY_KEY, CONTAINER_FIELDS, HEADER_FIELDS, LINE_FIELDS, FieldSpec, normalise
from ..models import Declaration

# Attributes of a declaration that are not one-table fields.
SETTINGS = ("reference", "enterprise", "direction", "kind", "target")
SETTING_CHOICES = {"direction": Direction, "kind": DeclarationKind, "target": Target}
SECTIONS = {"header": HEADER_FIELDS, "line": LINE_FIELDS, "container": CONTAINER_FIELDS}
TRUE = {"true", "1", "yes", "y", "是", "t"}
FALSE = {"false", "0", "no", "n", "否", "f", ""}


@dataclass
class Row:
    where: str  # how the user finds it: "Goods lines sheet, row 7" / "declaration 3, goods line 2"
    values: dict[str, Any]


@dataclass
class Record:
    where: str
    settings: dict[str, str]
    header: dict[str, Any]
    lines: list[Row] = field(default_factory=list)
    containers: list[Row] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (field, message) found while reading

    @property
    def reference(self) -> str:
        return str(self.settings.get("reference") or "").strip()


@dataclass(frozen=True)
class FieldError:
    where: str
    reference: str
    field: str  # the field's label in the user's language, or the setting's name
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"where": self.where, "reference": self.reference, "field": self.field, "message": self.message}


@dataclass
class Typed:
    """A record's values converted to what the models hold."""

    settings: dict[str, str]
    header: dict[str, Any]
    lines: list[dict[str, Any]]
    containers: list[dict[str, Any]]


def _convert(spec: FieldSpec, raw: Any) -> Any:
    kind = spec.model_field.get_internal_type()
    if kind == "BooleanField":
        text = str(raw).strip().lower()
        if text in TRUE:
            return True
        if text in FALSE:
            return False
        raise ValidationError(_("Write yes or no (是/否)."))
    if kind == "DateField" and isinstance(raw, datetime):
        raw = raw.date()
    if kind == "DecimalField" and isinstance(raw, float):
        raw = Decimal(repr(raw))
    if kind in ("CharField", "TextField") and not isinstance(raw, str):
        raw = str(raw)
    value = spec.model_field.clean(normalise(spec, raw), None)
    return value


def setting_labels() -> dict[str, str]:
    """The declaration-level columns and attributes, as the user reads them."""
    return {
        "reference": _("Your reference"),
        "enterprise": _("Enterprise USCC"),
        "direction": _("Direction (import/export)"),
        "kind": _("Declaration kind"),
        "target": _("Declare to (both/customs/inspection)"),
    }


def convert(record: Record) -> tuple[Typed | None, list[FieldError]]:
    """Typed values, or the errors that stop this record from becoming a draft."""
    errors: list[FieldError] = []
    reference = record.reference

    def fail(where: str, name: str, message: str) -> None:
        errors.append(FieldError(where, reference, name, message))

    for name, message in record.errors:
        fail(record.where, name, message)
    labels = setting_labels()
    if not reference:
        fail(record.where, labels["reference"], _("Give each declaration its reference from your own system."))
    else:
        try:
            Declaration._meta.get_field("reference").clean(reference, None)
        except ValidationError as error:
            fail(record.where, labels["reference"], " ".join(error.messages))
    settings = {"reference": reference, "enterprise": str(record.settings.get("enterprise") or "").strip().upper()}
    for name, choices in SETTING_CHOICES.items():
        value = str(record.settings.get(name) or "").strip()
        if not value and name != "direction":
            value = choices.values[0] if name == "kind" else Target.BOTH
        if value not in choices.values:
            fail(
                record.where,
                labels[name],
                _("“%(value)s” is not one of: %(allowed)s.") % {"value": value, "allowed": ", ".join(choices.values)},
            )
        settings[name] = value

    def typed(section: str, where: str, values: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, raw in values.items():
            spec = BY_KEY.get(f"{section}.{name}")
            if spec is None:
                fail(where, name, _("There is no field called “%(name)s”.") % {"name": name})
                continue
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                continue  # left empty: the draft keeps its default (or the master record's value)
            try:
                out[name] = _convert(spec, raw)
            except ValidationError as error:
                fail(where, str(spec.label), " ".join(error.messages))
        return out

    header = typed("header", record.where, record.header)
    lines = [typed("line", row.where, row.values) for row in record.lines]
    containers = [typed("container", row.where, row.values) for row in record.containers]
    if errors:
        return None, errors
    return Typed(settings, header, lines, containers), []


def text(value: Any) -> str:
    """A model value as the files write it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def too_many(limit: int) -> UntrustedFile:
    return UntrustedFile(_("The file holds more than %(n)d declarations; split it.") % {"n": limit}, "too_many")
