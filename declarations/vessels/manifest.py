"""The cargo manifest shared with goods declarations (舱单共享): a goods declaration citing a bill of
lading that a submitted vessel declaration lists is offered the manifest's figures, and validation
flags figures that differ from it."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..choices import Category, DeclarationStatus
from ..validation import Problem
from .models import ManifestLine


def manifest_line(bill_of_lading: str) -> ManifestLine | None:
    """The bill's line in the latest submitted vessel declaration that lists it."""
    if not bill_of_lading:
        return None
    return (
        ManifestLine.objects.filter(
            bill_of_lading=bill_of_lading.strip().upper(), declaration__category=Category.VESSEL
        )
        .exclude(declaration__status=DeclarationStatus.DRAFT)
        .select_related("declaration__vessel")
        .order_by("-declaration__submitted_at")
        .first()
    )


def manifest_problems(*, bill_of_lading: str, packages: int | None, gross_weight: object) -> list[Problem]:
    """Where the goods declaration's packages or gross weight differ from the manifest's."""
    line = manifest_line(bill_of_lading)
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
