"""The cargo manifest shared with goods declarations (舱单共享): a goods declaration citing a bill of
lading that a submitted vessel declaration lists is offered the manifest's figures, and validation
flags figures that differ from it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from declarations.choices import DeclarationStatus
from singlewindow.problems import Problem

from .choices import VESSEL
from .models import ManifestLine


def _submitted(bills: Iterable[str]) -> QuerySet[ManifestLine]:
    wanted = {bill.strip().upper() for bill in bills if bill}
    return (
        ManifestLine.objects.filter(bill_of_lading__in=wanted, declaration__category=VESSEL)
        # Only what was submitted and can no longer change: not drafts, nor rejected calls being corrected.
        .exclude(declaration__status__in=(DeclarationStatus.DRAFT, DeclarationStatus.REJECTED))
        .order_by("declaration__submitted_at")  # the latest submission comes last and wins
    )


def manifest_figures(bills: Iterable[str]) -> dict[str, tuple[int | None, Decimal | None]]:
    """Each bill's (packages, gross weight) in the latest submitted vessel declaration listing it; one
    light query, as validation runs it on every submission."""
    rows = _submitted(bills).values_list("bill_of_lading", "packages", "gross_weight")
    return {bill: (packages, weight) for bill, packages, weight in rows}


def manifest_line(bill_of_lading: str) -> ManifestLine | None:
    """The bill's whole manifest line with its vessel, for the goods form's offer."""
    return _submitted([bill_of_lading]).select_related("declaration__vessel").last()


def manifest_problems(
    *, bill_of_lading: str, packages: int | None, gross_weight: object, manifests: Mapping[str, Any] | None = None
) -> list[Problem]:
    """Where the goods declaration's packages or gross weight differ from the manifest's."""
    bill = bill_of_lading.strip().upper()
    found = (manifests if manifests is not None else manifest_figures([bill])).get(bill)
    if found is None:
        return []
    listed_packages, listed_weight = found
    problems = []
    if listed_packages is not None and packages is not None and packages != listed_packages:
        problems.append(Problem("packages", "manifest_mismatch",
                                _("The manifest lists %(n)s packages under bill of lading %(bill)s.")
                                % {"n": listed_packages, "bill": bill}))  # fmt: skip
    if listed_weight is not None and gross_weight is not None and gross_weight != listed_weight:
        problems.append(Problem("gross_weight", "manifest_mismatch",
                                _("The manifest lists a gross weight of %(kg)s kg under bill of lading %(bill)s.")
                                % {"kg": listed_weight.normalize(), "bill": bill}))  # fmt: skip
    return problems
