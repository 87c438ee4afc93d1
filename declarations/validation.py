"""Validated once, on the server, over the whole declaration (S3).

`validate()` returns every problem at once, each naming the field it concerns
("gross_weight", "lines[2].hs_code", "containers[0].number", "documents") with a message in the
active language. `check_value()` runs the same per-field checks for one value, for inline hints.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import iso6346
from stdnum.cn import uscc

from singlewindow.choices import Agency
from singlewindow.problems import Problem

from . import codelists
from .choices import CodeList, Direction, DocumentKind, Target
from .fields import BY_KEY, HS, FieldSpec, Required, specs_for
from .models import AttachedDocument, Container, Declaration, GoodsLine
from .pipeline import rule_problems
from .registry import agencies_for, fields_for


def _pattern(regex: str, message: Callable[[], str]) -> Callable[[str], str | None]:
    compiled = re.compile(regex)

    def check(value: str) -> str | None:
        return None if compiled.fullmatch(value) else message()

    return check


@lru_cache(maxsize=4096)  # a firm's code comes back with each of its declarations
def _uscc_valid(value: str) -> bool:
    return bool(uscc.is_valid(value))


def _uscc(value: str) -> str | None:
    return None if _uscc_valid(value) else _("Not a valid unified social credit code (check character).")


def _container(value: str) -> str | None:
    if iso6346.is_valid(value):
        return None
    return _("Not a valid container number (4 letters, 7 digits, ISO 6346 check digit).")


FORMATS: dict[str, Callable[[str], str | None]] = {
    "domestic_party_uscc": _uscc,
    "user_unit_uscc": _uscc,
    "domestic_party_customs_code": _pattern(
        r"[0-9A-Z]{10}", lambda: _("A customs registration code has 10 letters or digits.")
    ),
    "domestic_party_inspection_code": _pattern(
        r"[0-9]{10}", lambda: _("An inspection registration code has 10 digits.")
    ),
    "bill_of_lading": _pattern(
        r"[A-Z0-9][A-Z0-9\-/]{0,49}", lambda: _("Use capital letters, digits, '-' and '/' only.")
    ),
    "record_no": _pattern(r"[A-Z0-9]{12}", lambda: _("A record number has 12 letters or digits.")),
    "hs_code": _pattern(r"[0-9]{10}", lambda: _("A commodity code has 10 digits.")),
    "un_number": _pattern(r"[0-9]{4}", lambda: _("A UN number has 4 digits.")),
    "number": _container,
}

POSITIVE = {"packages", "gross_weight", "declared_quantity", "legal_quantity", "unit_price", "total_price"}
NOT_NEGATIVE = {"net_weight", "freight", "insurance", "other_charges"}


def _empty(value: Any) -> bool:
    return value is None or value == ""


def _reference_message(spec: FieldSpec, value: str) -> str:
    if spec.reference == HS:
        return _("%(code)s is not in the HS nomenclature (its first six digits must be a subheading).") % {
            "code": value
        }
    return _("%(code)s is not in the code list.") % {"code": value}


def check_value(spec: FieldSpec, value: Any) -> list[tuple[str, str]]:
    """Format, range and code-list checks of one value: [(code, message)]; [] when it passes."""
    if _empty(value) or isinstance(value, bool):
        return []
    if spec.name in FORMATS and isinstance(value, str):
        message = FORMATS[spec.name](value)
        if message:
            return [("format", message)]
    if spec.reference and not codelists.is_known(spec.reference, str(value)):
        return [("unknown_code", _reference_message(spec, str(value)))]
    if spec.name in POSITIVE and Decimal(value) <= 0:
        return [("not_positive", _("Must be greater than zero."))]
    if spec.name in NOT_NEGATIVE and Decimal(value) < 0:
        return [("negative", _("Must not be negative."))]
    return []


def _check_record(
    obj: Declaration | GoodsLine | Container, specs: list[FieldSpec], direction: str, prefix: str
) -> list[Problem]:
    problems = []
    for spec in specs:
        value = getattr(obj, spec.name)
        path = f"{prefix}{spec.name}"
        if _empty(value):
            if spec.required.applies(direction):
                problems.append(Problem(path, "required", _("This field is required.")))
            continue
        problems.extend(Problem(path, code, message) for code, message in check_value(spec, value))
    return problems


def rounding_tolerance(quantity: Decimal) -> Decimal:
    """How far quantity × unit price may stray from the total: a cent, plus the unit price's
    rounding to four decimals multiplied out over the quantity."""
    return Decimal("0.01") + abs(quantity) * Decimal("0.00005")


def validate(
    declaration: Declaration,
    lines: Sequence[GoodsLine],
    containers: Sequence[Container],
    documents: Sequence[AttachedDocument],
    *,
    today: date | None = None,
    prefetched: Mapping[str, Any] | None = None,
) -> list[Problem]:
    """Every problem of the declaration, for the agencies it targets, the rules other apps registered
    for goods included. `prefetched` (pipeline.rules_prefetch) spares those rules a query per
    declaration when the caller checks many at once."""
    today = today or timezone.localdate()
    agencies = agencies_for(declaration.target)
    keys = fields_for(agencies)
    direction = declaration.direction
    d = declaration
    problems = _check_record(d, specs_for(keys, "header"), direction, "")
    line_specs = specs_for(keys, "line")
    for i, line in enumerate(lines):
        problems += _check_record(line, line_specs, direction, f"lines[{i}].")
    container_specs = specs_for(keys, "container")
    for i, container in enumerate(containers):
        problems += _check_record(container, container_specs, direction, f"containers[{i}].")

    if not lines:
        problems.append(Problem("lines", "no_lines", _("Add at least one goods line.")))
    if len(lines) > settings.DECLARATION_MAX_LINES:
        problems.append(
            Problem(
                "lines",
                "too_many_lines",
                _("A declaration carries at most %(max)d goods lines; split it into several.")
                % {"max": settings.DECLARATION_MAX_LINES},
            )
        )

    if d.net_weight is not None and d.gross_weight is not None and d.net_weight > d.gross_weight:
        problems.append(Problem("net_weight", "net_above_gross", _("Net weight cannot exceed gross weight.")))

    if d.import_export_date and direction == Direction.IMPORT and d.import_export_date > today:
        problems.append(Problem("import_export_date", "future", _("The import date cannot be in the future.")))

    if d.package_type == "00" and d.packages and d.packages > 1:
        problems.append(Problem("packages", "bulk_packages", _("Bulk cargo is declared as 1 package.")))

    for i, line in enumerate(lines):
        q, p, t = line.declared_quantity, line.unit_price, line.total_price
        if q is not None and p is not None and t is not None and abs(q * p - t) > rounding_tolerance(q):
            problems.append(
                Problem(
                    f"lines[{i}].total_price",
                    "total_mismatch",
                    _("Total %(total)s does not equal quantity × unit price (%(expected)s).")
                    % {"total": t, "expected": (q * p).quantize(Decimal("0.01"))},
                )
            )

    seen: dict[str, int] = {}
    for i, container in enumerate(containers):
        if container.number and container.number in seen:
            problems.append(Problem(f"containers[{i}].number", "duplicate", _("This container is already listed.")))
        seen.setdefault(container.number, i)

    if Agency.CUSTOMS in agencies:
        problems += _customs_rules(d, direction)
    problems += _targeting_rules(d, lines)
    problems += _document_rules(d, documents)
    problems += rule_problems(
        declaration=d,
        rows={"lines": lines, "containers": containers, "documents": documents},
        agencies=agencies,
        today=today,
        prefetched=prefetched,
    )
    return problems


def _customs_rules(d: Declaration, direction: str) -> list[Problem]:
    problems = []
    needs_record = d.trade_mode and codelists.flags(CodeList.TRADE_MODES, d.trade_mode).get("requires_record_no")
    if needs_record and not d.record_no:
        problems.append(Problem("record_no", "record_required", _("This trade mode needs the record (manual) number.")))
    # Customs values imports at CIF and exports at FOB: the charges between the agreed term and that
    # basis must be declared, and charges already in the price must not be.
    needs_freight, needs_insurance = _charges_needed(d.incoterms, direction)
    for field, needed, value in (
        ("freight", needs_freight, d.freight),
        ("insurance", needs_insurance, d.insurance),
    ):
        if needed is True and value is None:
            problems.append(
                Problem(
                    field,
                    "charge_required",
                    _("Under %(term)s this charge must be declared.") % {"term": d.incoterms},
                )
            )
        if needed is False and value:
            problems.append(
                Problem(
                    field,
                    "charge_included",
                    _("Under %(term)s this charge is part of the price; leave it empty.") % {"term": d.incoterms},
                )
            )
    if (d.freight or d.insurance or d.other_charges) and not d.charges_currency:
        problems.append(
            Problem(
                "charges_currency",
                "required",
                _("Give the currency of the freight, insurance and other charges."),
            )
        )
    return problems


# Per term and direction: (freight needed?, insurance needed?); None = either way.
_PRE_CARRIAGE = {"EXW", "FCA", "FAS", "FOB"}
_FREIGHT_PAID = {"CFR", "CPT"}
_INSURED = {"CIF", "CIP", "DAP", "DPU", "DDP"}


def _charges_needed(term: str, direction: str) -> tuple[bool | None, bool | None]:
    if not term:
        return None, None
    if direction == Direction.IMPORT:
        if term in _PRE_CARRIAGE:
            return True, True
        if term in _FREIGHT_PAID:
            return False, True
        return False, False
    if term in _PRE_CARRIAGE:
        return False, False
    if term in _FREIGHT_PAID:
        return True, False
    return True, True


def inspection_required_reasons(d: Declaration, lines: Sequence[GoodsLine]) -> list[tuple[str, str]]:
    """Why these goods must go to inspection and quarantine: [(field, reason)]."""
    reasons = []
    prefixes = codelists.mandatory_inspection_prefixes()
    for i, line in enumerate(lines):
        if line.hs_code and line.hs_code.startswith(prefixes):
            reasons.append(
                (
                    f"lines[{i}].hs_code",
                    _("Commodity %(code)s is on the mandatory inspection list.") % {"code": line.hs_code},
                )
            )
    if d.wood_packaging or (d.package_type and codelists.flags(CodeList.PACKAGE_TYPES, d.package_type).get("wood")):
        reasons.append(("wood_packaging", _("Wood packaging must be declared to inspection and quarantine.")))
    return reasons


def _targeting_rules(d: Declaration, lines: Sequence[GoodsLine]) -> list[Problem]:
    if Agency.INSPECTION in agencies_for(d.target):
        return []
    reasons = inspection_required_reasons(d, lines)
    problems = [Problem(field, "inspection_required", reason) for field, reason in reasons]
    if reasons:
        problems.insert(
            0,
            Problem(
                "target",
                "inspection_required",
                _("These goods must also be declared to inspection and quarantine; choose “%(both)s”.")
                % {"both": Target.BOTH.label},
            ),
        )
    return problems


def _document_rules(d: Declaration, documents: Sequence[AttachedDocument]) -> list[Problem]:
    if d.trade_mode != "0110":
        return []
    kinds = {doc.kind for doc in documents}
    missing = [kind for kind in (DocumentKind.INVOICE, DocumentKind.PACKING_LIST) if kind not in kinds]
    return [
        Problem(
            "documents",
            "document_missing",
            _("General trade needs an attached %(document)s.") % {"document": kind.label},
        )
        for kind in missing
    ]


def field_spec(key: str) -> FieldSpec | None:
    return BY_KEY.get(key)


__all__ = ["Problem", "Required", "check_value", "field_spec", "inspection_required_reasons", "validate"]
