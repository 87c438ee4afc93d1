"""Checking a vessel declaration once, before it goes to the four agencies: the general declaration's
required items and identifiers, the ports, and each FAL list's rows. Problems carry their field path
("imo_number", "crew[3].document_expiry") and a message in the active language, like goods validation."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from declarations import codelists
from declarations.choices import Direction
from declarations.fields import COUNTRY
from declarations.models import Declaration
from declarations.pipeline import rule_problems
from declarations.registry import agencies_receiving
from singlewindow.problems import Problem
from singlewindow.validators import validate_uscc

from .choices import VESSEL
from .identifiers import call_sign_problem, imo_problem, mmsi_problem, port_problem
from .models import VesselCall
from .parts import BY_KEY

REQUIRED_CALL = ("vessel_name", "imo_number", "call_sign", "flag_state", "gross_tonnage", "port", "voyage_no",
                 "expected_at", "master_name")  # fmt: skip
PORT_FIELDS = ("port", "last_port", "next_port")
UN_NUMBER = re.compile(r"[0-9]{4}")
HAZARD_CLASS = re.compile(r"[1-9](\.[1-6])?")


def _empty(value: Any) -> bool:
    return value is None or value == ""


def _required(obj: models.Model, names: Sequence[str], prefix: str = "") -> list[Problem]:
    return [
        Problem(f"{prefix}{name}", "required", _("This field is required."))
        for name in names
        if _empty(getattr(obj, name))
    ]


def _row_fields(model: type[models.Model]) -> list[str]:
    """The fields a row must have: those the model does not allow blank."""
    return [
        f.name
        for f in model._meta.get_fields()
        if isinstance(f, models.Field) and not f.blank and not f.auto_created and f.name not in ("declaration", "position")
        and not isinstance(f, models.BooleanField)
    ]  # fmt: skip


def vessel_problems(
    declaration: Declaration,
    call: VesselCall,
    parts: Mapping[str, Sequence[models.Model]],
    *,
    today: date | None = None,
) -> list[Problem]:
    today = today or timezone.localdate()
    problems = _required(call, REQUIRED_CALL)
    departure = declaration.direction == Direction.EXPORT
    problems += _required(call, ["next_port"] if departure else ["last_port"])
    checks = {"imo_number": imo_problem, "call_sign": call_sign_problem, "mmsi": mmsi_problem}
    for name, check in checks.items():
        value = getattr(call, name)
        if not _empty(value) and (message := check(value)):
            problems.append(Problem(name, "format", message))
    for name in PORT_FIELDS:
        value = getattr(call, name)
        if not _empty(value) and (message := port_problem(value)):
            problems.append(Problem(name, "unknown_code", message))
    if call.flag_state and not codelists.is_known(COUNTRY, call.flag_state):
        problems.append(
            Problem("flag_state", "unknown_code", _("%(code)s is not in the code list.") % {"code": call.flag_state})
        )

    if not parts["crew"]:
        problems.append(
            Problem("crew", "no_crew", _("Add the crew list (FAL 5): type it or import it from Excel or CSV."))
        )
    sailing = timezone.localdate(call.expected_at) if call.expected_at else today
    for key, rows in parts.items():
        required = _row_fields(BY_KEY[key].model)
        for i, row in enumerate(rows):
            prefix = f"{key}[{i}]."
            problems += _required(row, required, prefix)
            problems += _row_problems(key, row, prefix, sailing)
    bills = [line.bill_of_lading for line in parts["manifest_lines"]]  # type: ignore[attr-defined]
    for i, bill in enumerate(bills):
        if bill and bills.index(bill) != i:
            problems.append(
                Problem(f"manifest_lines[{i}].bill_of_lading", "duplicate", _("This bill of lading is already listed."))
            )
    # What other apps check of a vessel's call (declarations.registry rules for this category).
    problems += rule_problems(declaration=declaration, rows=parts, agencies=agencies_receiving(VESSEL), today=today)
    return problems


def _row_problems(key: str, row: Any, prefix: str, sailing: date) -> list[Problem]:
    problems = []
    if key in ("crew", "passengers"):
        if row.nationality and not codelists.is_known(COUNTRY, row.nationality):
            problems.append(
                Problem(
                    f"{prefix}nationality",
                    "unknown_code",
                    _("%(code)s is not in the code list.") % {"code": row.nationality},
                )
            )
        if row.document_expiry and row.document_expiry < sailing:
            problems.append(
                Problem(
                    f"{prefix}document_expiry",
                    "expired",
                    _("The identity document has expired by the date of the call."),
                )
            )
    if key == "passengers":
        for name in ("port_of_embarkation", "port_of_disembarkation"):
            value = getattr(row, name)
            if value and (message := port_problem(value)):
                problems.append(Problem(f"{prefix}{name}", "unknown_code", message))
    if key == "dangerous_goods":
        if row.un_number and not UN_NUMBER.fullmatch(row.un_number):
            problems.append(Problem(f"{prefix}un_number", "format", _("A UN number has 4 digits.")))
        if row.hazard_class and not HAZARD_CLASS.fullmatch(row.hazard_class):
            problems.append(
                Problem(f"{prefix}hazard_class", "format", _("A hazard class is 1 to 9, with a division such as 2.1."))
            )
    if key == "manifest_lines":
        for name in ("port_of_loading", "port_of_discharge"):
            value = getattr(row, name)
            if value and (message := port_problem(value)):
                problems.append(Problem(f"{prefix}{name}", "unknown_code", message))
        for name in ("shipper_uscc", "consignee_uscc"):
            if value := getattr(row, name):
                try:
                    validate_uscc(value)
                except ValidationError as error:
                    problems.append(Problem(f"{prefix}{name}", "invalid_uscc", str(error.messages[0])))
    return problems
