"""The cargo manifest shared with goods declarations (舱单共享): a goods declaration citing a bill of
lading that a submitted vessel declaration lists is offered the manifest's figures, and validation
flags figures that differ from it. Only for those the bill concerns: the enterprise declaring must be
the bill's consignee or shipper on the manifest (a customs broker declares for such a client, under a
delegation in force); to anyone else a guessed bill number shows nothing, and citing it is refused."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import NamedTuple

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from declarations.choices import DeclarationStatus
from singlewindow.models import Organisation
from singlewindow.prepared import prepared
from singlewindow.problems import Problem

from .choices import VESSEL
from .models import ManifestLine


def _submitted(bills: Iterable[str]) -> QuerySet[ManifestLine]:
    """The lines of these bills (trimmed, in upper case as manifests write them) in submitted vessel
    declarations, the latest submission last."""
    return _listing(_as_written(bills))


def _as_written(bills: Iterable[str]) -> list[str]:
    return sorted({bill.strip().upper() for bill in bills if bill})


def _listing(bills: list[str]) -> QuerySet[ManifestLine]:
    return (
        ManifestLine.objects.filter(bill_of_lading__in=bills, declaration__category=VESSEL)
        # Only what was submitted and can no longer change: not drafts, nor rejected calls being corrected.
        .exclude(declaration__status__in=(DeclarationStatus.DRAFT, DeclarationStatus.REJECTED))
        .order_by("declaration__submitted_at")  # the latest submission comes last and wins
    )


@prepared  # validation asks it on every submission citing a bill
def _figures(*, bills: list[str]) -> QuerySet[ManifestLine, tuple]:
    return _listing(bills).values_list(
        "bill_of_lading", "packages", "gross_weight", "shipper", "consignee", "shipper_uscc", "consignee_uscc"
    )


class Listed(NamedTuple):
    """What the manifest says of one bill: its figures and its parties."""

    packages: int | None
    gross_weight: Decimal | None
    shipper: str
    consignee: str
    shipper_uscc: str = ""
    consignee_uscc: str = ""


def manifest_figures(bills: Iterable[str]) -> dict[str, Listed]:
    """Each bill's figures and parties in the latest submitted vessel declaration listing it; one
    light query, as validation runs it on every submission."""
    rows = _figures.all(bills=_as_written(bills))
    return {
        bill: Listed(packages, weight, shipper, consignee, shipper_uscc, consignee_uscc)
        for bill, packages, weight, shipper, consignee, shipper_uscc, consignee_uscc in rows
    }


def _plain(name: str) -> str:
    return " ".join(name.split()).casefold()


def concerns(listed: Listed | ManifestLine, firm: Organisation) -> bool:
    """Whether the bill is the firm's: the manifest gives the firm's USCC for the consignee or the shipper;
    for a party listed without one (a manifest from before the codes were carried, a foreign party), the
    firm's name, English name or USCC in the party's name."""
    codes = {listed.consignee_uscc, listed.shipper_uscc} - {""}
    if firm.uscc and firm.uscc in codes:
        return True
    names = {_plain(n) for n in (firm.name, firm.name_en, firm.uscc) if n}
    unnamed = [
        party
        for party, code in ((listed.consignee, listed.consignee_uscc), (listed.shipper, listed.shipper_uscc))
        if not code
    ]
    return bool(names & {_plain(party) for party in unnamed})


def manifest_line(bill_of_lading: str, *, firms: Iterable[Organisation]) -> ManifestLine | None:
    """The bill's whole manifest line with its vessel, for the goods form's offer, if it concerns one of
    these firms (those the user declares for); None otherwise, as for a bill no manifest lists."""
    line = _submitted([bill_of_lading]).select_related("declaration__vessel").last()
    if line is None or not any(concerns(line, firm) for firm in firms):
        return None
    return line


def manifest_problems(
    *, bill_of_lading: str, firm: Organisation, packages: int | None, gross_weight: object,
    manifests: Mapping[str, Listed] | None = None,
) -> list[Problem]:  # fmt: skip
    """A bill the manifest lists for someone else; or where the goods declaration's packages or gross
    weight differ from the manifest's."""
    bill = bill_of_lading.strip().upper()
    found = (manifests if manifests is not None else manifest_figures([bill])).get(bill)
    if found is None:
        return []
    if not concerns(found, firm):  # nothing of the manifest is said: the bill is not this firm's
        return [Problem("bill_of_lading", "manifest_not_yours",
                        _("The cargo manifest does not list %(firm)s as consignee or shipper of bill of lading "
                          "%(bill)s; declare only goods consigned to or shipped by the enterprise declaring.")
                        % {"firm": firm.name, "bill": bill})]  # fmt: skip
    problems = []
    if found.packages is not None and packages is not None and packages != found.packages:
        problems.append(Problem("packages", "manifest_mismatch",
                                _("The manifest lists %(n)s packages under bill of lading %(bill)s.")
                                % {"n": found.packages, "bill": bill}))  # fmt: skip
    if found.gross_weight is not None and gross_weight is not None and gross_weight != found.gross_weight:
        problems.append(Problem("gross_weight", "manifest_mismatch",
                                _("The manifest lists a gross weight of %(kg)s kg under bill of lading %(bill)s.")
                                % {"kg": found.gross_weight.normalize(), "bill": bill}))  # fmt: skip
    return problems
