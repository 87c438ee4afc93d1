"""The cargo manifest shared with goods declarations (舱单共享): a goods declaration citing a bill of
lading that a submitted vessel declaration lists is offered the manifest's figures, and validation
flags figures that differ from it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from ..choices import Category, DeclarationStatus
from ..validation import Problem
from .models import ManifestLine


def manifest_lines(bills: Iterable[str]) -> dict[str, ManifestLine]:
    """Each bill's line in the latest submitted vessel declaration that lists it (one query)."""
    wanted = {bill.strip().upper() for bill in bills if bill}
    if not wanted:
        return {}
    found: dict[str, ManifestLine] = {}
    for line in (
        ManifestLine.objects.filter(bill_of_lading__in=wanted, declaration__category=Category.VESSEL)
        .exclude(declaration__status=DeclarationStatus.DRAFT)
        .select_related("declaration__vessel")
        .order_by("declaration__submitted_at")
    ):
        found[line.bill_of_lading] = line  # the latest submission wins
    return found


def manifest_line(bill_of_lading: str) -> ManifestLine | None:
    return manifest_lines([bill_of_lading]).get(bill_of_lading.strip().upper())


def manifest_problems(
    *, bill_of_lading: str, packages: int | None, gross_weight: object, manifests: Mapping[str, Any] | None = None
) -> list[Problem]:
    """Where the goods declaration's packages or gross weight differ from the manifest's."""
    bill = bill_of_lading.strip().upper()
    line = manifests.get(bill) if manifests is not None else manifest_line(bill)
    if line is None:
        return []
    problems = []
    if line.packages is not None and packages is not None and packages != line.packages:
        problems.append(Problem("packages", "manifest_mismatch",
                                _("The manifest lists %(n)s packages under bill of lading %(bill)s.")
                                % {"n": line.packages, "bill": line.bill_of_lading}))  # fmt: skip
    if line.gross_weight is not None and gross_weight is not None and gross_weight != line.gross_weight:
        problems.append(Problem("gross_weight", "manifest_mismatch",
                                _("The manifest lists a gross weight of %(kg)s kg under bill of lading %(bill)s.")
                                % {"kg": line.gross_weight.normalize(), "bill": line.bill_of_lading}))  # fmt: skip
    return problems
