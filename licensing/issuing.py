"""Issuing a licence: its number, how long it is valid, how many times and with what overshipment it may
be used, by kind (S6; shared/reference/licences-credit-ecommerce.md §A4), and the facts its certificate
states. Validity rules:

- import licence (1): to 31 December of the year issued; across the year at most to 31 March next year;
  one batch one licence, or up to 12 uses when issued "non-one-batch"; bulk goods ±5 %.
- automatic import licence (7): 6 months, never across the calendar year; 1 use, or up to 6 "non-one-batch";
  bulk goods ±5 %, crude oil, oil products, fertiliser and steel ±3 %.
- export licence (4): 6 months, across the year at most to the end of February; 1 use or up to 12.
- tariff-rate quota certificate (t): to 31 December; unlimited uses (electronic since 2023).
- dual-use (2/3) and CITES (E/F) permits: unsourced here, defaults to confirm: 1 year and 6 months, like 1/4.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from singlewindow import certificates
from singlewindow.errors import DomainError
from singlewindow.models import Organisation, User
from singlewindow.services import audit_record, sequence_next

from .choices import LicenceKind, LicensingAction
from .models import Licence, LicenceLine

MONTHS_VALID: dict[str, int] = {
    LicenceKind.AUTOMATIC_IMPORT: 6,
    LicenceKind.EXPORT: 6,
    LicenceKind.CITES_IMPORT: 6,
    LicenceKind.CITES_EXPORT: 6,
}
MAX_USES_NON_ONE_BATCH: dict[str, int | None] = {LicenceKind.AUTOMATIC_IMPORT: 6, LicenceKind.TARIFF_QUOTA: None}
TIGHT_TOLERANCE_PREFIXES = ("2709", "2710", "31", "72")  # crude oil, oil products, fertiliser, steel: ±3 %
WITH_TOLERANCE = {LicenceKind.IMPORT, LicenceKind.AUTOMATIC_IMPORT, LicenceKind.EXPORT}


@dataclass(frozen=True)
class LineSpec:
    hs_code: str
    name: str
    unit: str
    quantity: Decimal
    unit_price: Decimal | None = None
    amount: Decimal | None = None
    currency: str = ""
    bulk: bool = False  # bulk goods may be shipped over or under the quantity by the kind's tolerance


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def validity_limit(kind: str, issued_on: date) -> date:
    """The last day a licence of this kind issued on this day may be valid."""
    if kind in (LicenceKind.IMPORT, LicenceKind.DUAL_USE_IMPORT):
        return date(issued_on.year + 1, 3, 31)
    if kind == LicenceKind.AUTOMATIC_IMPORT:
        return min(_add_months(issued_on, 6) - timedelta(days=1), date(issued_on.year, 12, 31))
    if kind in (LicenceKind.EXPORT, LicenceKind.DUAL_USE_EXPORT):
        end_of_february = date(issued_on.year + 1, 3, 1) - timedelta(days=1)
        return min(_add_months(issued_on, 6) - timedelta(days=1), end_of_february)
    if kind == LicenceKind.TARIFF_QUOTA:
        return date(issued_on.year, 12, 31)
    return _add_months(issued_on, MONTHS_VALID.get(kind, 12)) - timedelta(days=1)


def default_validity(kind: str, issued_on: date) -> date:
    """Valid until, when the application asks for nothing longer: 31 December for import licences and quota
    certificates, else the limit."""
    if kind in (LicenceKind.IMPORT, LicenceKind.DUAL_USE_IMPORT, LicenceKind.TARIFF_QUOTA):
        return date(issued_on.year, 12, 31)
    return validity_limit(kind, issued_on)


def max_uses(kind: str, *, non_one_batch: bool) -> int | None:
    """How many declarations may write off the licence (None: unlimited)."""
    if kind == LicenceKind.TARIFF_QUOTA:
        return None
    if not non_one_batch:
        return 1
    return MAX_USES_NON_ONE_BATCH.get(kind, 12)


def tolerance(kind: str, spec: LineSpec) -> Decimal:
    if not spec.bulk or kind not in WITH_TOLERANCE:
        return Decimal(0)
    if kind == LicenceKind.AUTOMATIC_IMPORT and spec.hs_code.startswith(TIGHT_TOLERANCE_PREFIXES):
        return Decimal("0.03")
    return Decimal("0.05")


class LicenceRefused(DomainError):
    status_code = 400
    code = "licence_refused"


# Licence numbers are typed in capitals (goods lines upper-case them), so the kind is named by two letters,
# not by its case-sensitive supervision code.
NUMBER_PREFIX: dict[str, str] = {
    LicenceKind.IMPORT: "IL",
    LicenceKind.DUAL_USE_IMPORT: "DI",
    LicenceKind.DUAL_USE_EXPORT: "DE",
    LicenceKind.EXPORT: "EL",
    LicenceKind.AUTOMATIC_IMPORT: "AI",
    LicenceKind.CITES_EXPORT: "CE",
    LicenceKind.CITES_IMPORT: "CI",
    LicenceKind.TARIFF_QUOTA: "TQ",
}


def licence_number(kind: str, issued_on: date) -> str:
    """E.g. 2026AI000012: the year, the kind's two letters, a sequence per kind and year."""
    return f"{issued_on.year}{NUMBER_PREFIX[kind]}{sequence_next(name=f'licence-{kind}-{issued_on.year}'):06d}"


def licence_facts(licence: Licence, lines: Sequence[LicenceLine]) -> dict[str, object]:
    """What the printed licence states; the verification token covers all of it."""
    return {
        "number": licence.number,
        "kind": licence.kind,
        "holder": {"name": licence.holder.name, "uscc": licence.holder.uscc},
        "issuer": {"name": licence.issuer.name, "name_en": licence.issuer.name_en},
        "issued_at": licence.issued_at,
        "valid_from": licence.valid_from,
        "valid_until": licence.valid_until,
        "place_of_clearance": licence.place_of_clearance,
        "max_uses": licence.max_uses,
        "remarks": licence.remarks,
        "lines": [
            {
                "line_no": line.line_no,
                "hs_code": line.hs_code,
                "name": line.name,
                "unit": line.unit,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "amount": line.amount,
                "currency": line.currency,
                "tolerance": line.tolerance,
            }
            for line in lines
        ],
    }


@transaction.atomic
def licence_issue(
    *,
    holder: Organisation,
    issuer: Organisation,
    kind: str,
    lines: Sequence[LineSpec],
    issued_at: datetime,
    non_one_batch: bool = False,
    valid_until: date | None = None,
    place_of_clearance: str = "",
    remarks: str = "",
    application_id: int | None = None,
    actor: User | None = None,
) -> Licence:
    """Issue a licence of this kind to this holder with these lines. `valid_until` beyond what the kind
    allows is refused; left empty it is the kind's default."""
    if kind not in LicenceKind.values:
        raise LicenceRefused(_("The portal does not issue this kind of licence."))
    if not lines:
        raise LicenceRefused(_("A licence needs at least one goods line."))
    issued_on = issued_at.astimezone(certificates.SHANGHAI).date()
    limit = validity_limit(kind, issued_on)
    until = valid_until or default_validity(kind, issued_on)
    if until > limit or until < issued_on:
        raise LicenceRefused(
            _("A licence of this kind issued on %(day)s is valid at most until %(limit)s.")
            % {"day": issued_on.isoformat(), "limit": limit.isoformat()}
        )
    licence = Licence.objects.create(
        number=licence_number(kind, issued_on),
        kind=kind,
        holder=holder,
        issuer=issuer,
        application_id=application_id,
        issued_at=issued_at,
        valid_from=issued_on,
        valid_until=until,
        place_of_clearance=place_of_clearance,
        max_uses=max_uses(kind, non_one_batch=non_one_batch),
        remarks=remarks or (_("Non-one-batch") if non_one_batch else ""),
    )
    made = LicenceLine.objects.bulk_create(
        [
            LicenceLine(
                licence=licence,
                line_no=n,
                hs_code=spec.hs_code,
                name=spec.name,
                unit=spec.unit,
                quantity=spec.quantity,
                unit_price=spec.unit_price,
                amount=spec.amount,
                currency=spec.currency,
                tolerance=tolerance(kind, spec),
            )
            for n, spec in enumerate(lines, start=1)
        ]
    )
    facts = licence_facts(licence, made)
    licence.facts = certificates.as_json(facts)
    licence.digest = certificates.digest(facts)
    licence.save(update_fields=["facts", "digest"])
    audit_record(
        actor=actor, action=LicensingAction.LICENCE_ISSUED, obj=licence, after={"number": licence.number, "kind": kind}
    )
    return licence
