"""The one application form (一表申请): the same fields whatever the stage, plus which of the stage's
materials come with it and whether the project touches public safety. Checked here, once, for the page,
the API and the window's on-the-spot formal check."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from singlewindow.problems import Problem


@dataclass(frozen=True)
class FormField:
    key: str
    label: str | Promise
    required: bool = True
    kind: str = "text"  # text, long text, decimal
    max_length: int = 200


FIELDS = (
    FormField("project_name", _("Project name")),
    FormField("project_code", _("Investment project code"), required=False, max_length=40),
    FormField("site", _("Site"), max_length=300),
    FormField("land_area", _("Land area (m²)"), required=False, kind="decimal"),
    FormField("floor_area", _("Floor area (m²)"), required=False, kind="decimal"),
    FormField("investment", _("Total investment (10,000 yuan)"), kind="decimal"),
    FormField("content", _("Construction content and scale"), kind="long text", max_length=2000),
    FormField("contact_name", _("Contact person"), max_length=100),
    FormField("contact_phone", _("Telephone"), max_length=40),
)


def form_clean(data: dict[str, Any], *, materials: list[str]) -> tuple[dict[str, Any], list[Problem]]:
    """The form as stored (text trimmed, decimals as canonical text, the materials ticked among the
    stage's) and every problem with it at once."""
    clean: dict[str, Any] = {}
    problems: list[Problem] = []
    for spec in FIELDS:
        raw = data.get(spec.key)
        value = "" if raw is None else str(raw).strip()
        if not value:
            if spec.required:
                problems.append(Problem(spec.key, "required", gettext("This field is required.")))
            clean[spec.key] = ""
            continue
        if spec.kind == "decimal":
            try:
                number = Decimal(value)
            except InvalidOperation:
                number = Decimal(-1)
            if not number.is_finite() or number < 0 or number > Decimal("1e12"):
                problems.append(Problem(spec.key, "invalid", gettext("Enter a number of at least 0.")))
                continue
            value = format(number.normalize(), "f")
        elif len(value) > spec.max_length:
            problems.append(
                Problem(spec.key, "max_length", gettext("At most %(n)d characters.") % {"n": spec.max_length})
            )
            continue
        clean[spec.key] = value
    ticked = data.get("materials") or []
    if not isinstance(ticked, list) or any(item not in materials for item in ticked):
        problems.append(Problem("materials", "invalid", gettext("Tick only materials of this stage.")))
        ticked = []
    clean["materials"] = [item for item in materials if item in ticked]
    return clean, problems


def materials_missing(form: dict[str, Any], materials: list[str]) -> list[str]:
    """What the window's one-time notice proposes: the stage's materials the form did not come with."""
    return [item for item in materials if item not in form.get("materials", [])]
