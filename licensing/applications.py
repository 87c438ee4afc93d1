"""Applying for a trade licence (S6) once, online: a filing of the spine (category "licapp") whose data
items are the licence's (shared/reference §A3). The firm creates one for a kind of licence, fills it (its
own details come from its master record), validates it and submits it once; it is frozen and delivered
to the issuing department by the spine's own mechanism (declarations.pipeline.declaration_freeze). When
that department's system releases it, the licence is issued (licences_due, told by the status listener
in filing.py); a rejection issues nothing, and the firm corrects and resubmits as a new version.

Which items a kind's form shows and requires is said once here (KIND_FIELDS, KIND_REQUIRED, LABELS)."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum.cn import uscc

from declarations import codelists
from declarations.choices import CodeList, DeclarationAction, DeclarationStatus, Direction
from declarations.fields import COUNTRY, CURRENCY, HS
from declarations.models import Declaration, DeclarationVersion
from declarations.pipeline import DeclarationInvalid, declaration_freeze, declaration_lock, require_draft, rule_problems
from declarations.registry import agencies_receiving
from declarations.snapshot import documents_frozen
from singlewindow import certificates
from singlewindow.choices import Agency, OrganisationKind
from singlewindow.models import Organisation, User
from singlewindow.notifications import notify
from singlewindow.problems import Problem
from singlewindow.services import audit_record, json_value

from .choices import EXPORT_KINDS, LICENCE_APPLICATION, LICENCE_ISSUED, LicenceKind
from .conditions import conditions_of
from .issuing import LineSpec, licence_issue, validity_limit
from .models import Licence, LicenceApplication, LicenceApplicationLine

log = logging.getLogger(__name__)
K = LicenceKind

# The applicant's own identity: from its master record, never typed.
TRADER_FIELDS = ("trader_name", "trader_uscc", "trader_code")
# Every item an application may hold, in the form's order.
FIELDS = (
    *TRADER_FIELDS, "party_name", "party_uscc", "trade_mode", "contract_no", "place_of_clearance",
    "origin_country", "trade_country", "transport_mode", "payment", "use_of_goods", "non_one_batch",
    "valid_until", "remarks",
)  # fmt: skip
LINE_FIELDS = ("hs_code", "name", "specification", "unit", "quantity", "unit_price", "amount", "currency", "bulk")
_IMPORT = ("party_name", "party_uscc", "trade_mode", "place_of_clearance", "origin_country", "trade_country",
           "payment", "use_of_goods", "non_one_batch", "valid_until", "remarks")  # fmt: skip
_EXPORT = ("party_name", "party_uscc", "trade_mode", "contract_no", "place_of_clearance", "trade_country",
           "transport_mode", "payment", "non_one_batch", "valid_until", "remarks")  # fmt: skip
# One form per kind: the items it shows besides the applicant's (A3: the import licence's 21 boxes, the
# export licence's, the automatic import licence "same shape as the import licence").
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    K.IMPORT: _IMPORT,
    K.AUTOMATIC_IMPORT: _IMPORT,
    K.DUAL_USE_IMPORT: (*_IMPORT[:3], "contract_no", *_IMPORT[3:]),
    K.EXPORT: _EXPORT,
    K.DUAL_USE_EXPORT: (*_EXPORT[:7], "use_of_goods", *_EXPORT[7:]),
    K.CITES_IMPORT: ("party_name", "party_uscc", "trade_mode", "place_of_clearance", "origin_country",
                     "trade_country", "use_of_goods", "valid_until", "remarks"),
    K.CITES_EXPORT: ("party_name", "party_uscc", "trade_mode", "place_of_clearance", "origin_country",
                     "trade_country", "use_of_goods", "valid_until", "remarks"),
    K.TARIFF_QUOTA: ("party_name", "party_uscc", "trade_mode", "contract_no", "origin_country", "trade_country",
                     "use_of_goods", "remarks"),
}  # fmt: skip
_IMPORT_REQUIRED = ("party_name", "trade_mode", "origin_country", "trade_country", "use_of_goods")
KIND_REQUIRED: dict[str, tuple[str, ...]] = {
    K.IMPORT: _IMPORT_REQUIRED,
    K.AUTOMATIC_IMPORT: _IMPORT_REQUIRED,
    K.DUAL_USE_IMPORT: (*_IMPORT_REQUIRED, "contract_no"),
    K.EXPORT: ("party_name", "trade_mode", "contract_no", "trade_country"),
    K.DUAL_USE_EXPORT: ("party_name", "trade_mode", "contract_no", "trade_country", "use_of_goods"),
    K.CITES_IMPORT: ("party_name", "trade_mode", "origin_country", "trade_country"),
    K.CITES_EXPORT: ("party_name", "trade_mode", "origin_country", "trade_country"),
    K.TARIFF_QUOTA: ("party_name", "trade_mode", "origin_country"),
}
LINE_REQUIRED = ("hs_code", "name", "unit", "quantity", "unit_price", "amount", "currency")
# What a kind's form calls an item when the model's name is not what its licence prints.
LABELS: dict[str, dict[str, str | Promise]] = {
    "trader_name": {**{k: gettext_lazy("importer") for k in K.values}, **{k: gettext_lazy("exporter") for k in EXPORT_KINDS}},
    "party_name": {
        K.IMPORT: gettext_lazy("consignee"), K.AUTOMATIC_IMPORT: gettext_lazy("import user"),
        K.DUAL_USE_IMPORT: gettext_lazy("end user"), K.DUAL_USE_EXPORT: gettext_lazy("end user"),
        K.EXPORT: gettext_lazy("consignor"), K.TARIFF_QUOTA: gettext_lazy("end user"),
        K.CITES_IMPORT: gettext_lazy("consignee"), K.CITES_EXPORT: gettext_lazy("consignor"),
    },
    "trade_country": {
        **{k: gettext_lazy("country of exportation") for k in K.values},
        **{k: gettext_lazy("country of destination") for k in EXPORT_KINDS},
    },
}  # fmt: skip
CODES = {"trader_uscc", "party_uscc", "trade_mode", "place_of_clearance", "origin_country", "trade_country",
         "transport_mode"}  # fmt: skip
# The code list each coded item is checked against.
REFERENCES = {
    "trade_mode": CodeList.TRADE_MODES,
    "place_of_clearance": CodeList.CUSTOMS_OFFICES,
    "origin_country": COUNTRY,
    "trade_country": COUNTRY,
    "transport_mode": CodeList.TRANSPORT_MODES,
}
# The department each kind of licence is applied to (the commerce department issues them all here; CITES
# permits are the endangered species office's in reality, which has no system of its own in the portal).
ISSUING_AGENCY: dict[str, str] = {kind: Agency.COMMERCE for kind in K.values}


def label(name: str, kind: str) -> str:
    """The item's label on this kind's form, in the active language."""
    if name in LABELS:
        return str(LABELS[name][kind])
    return str(getattr(LicenceApplication._meta.get_field(name), "verbose_name", name))


def line_label(name: str) -> str:
    return str(getattr(LicenceApplicationLine._meta.get_field(name), "verbose_name", name))


def direction_of(kind: str) -> str:
    return Direction.EXPORT if kind in EXPORT_KINDS else Direction.IMPORT


def issuing_agencies(declaration: Declaration) -> tuple[str, ...]:
    """The branch an application gets: its kind's department, if the portal has a system to send it to."""
    agency = ISSUING_AGENCY[declaration.licence_application.kind]
    return tuple(a for a in agencies_receiving(LICENCE_APPLICATION) if a == agency)


def _require_applicant(declaration: Declaration, user: User) -> None:
    """Only the firm itself: a licence is applied for in the name of the firm that holds it."""
    if declaration.category != LICENCE_APPLICATION or user.organisation_id != declaration.owner_id:
        raise PermissionDenied


def _prefill(application: LicenceApplication, firm: Organisation) -> None:
    application.trader_name, application.trader_uscc = firm.name, firm.uscc
    application.trader_code = firm.customs_code


@transaction.atomic
def application_create(
    *, user: User, kind: str, values: Mapping[str, Any] | None = None, lines: Sequence[Mapping[str, Any]] | None = None
) -> Declaration:
    """A new application of the user's enterprise for this kind of licence, pre-filled from its master
    record (the applicant, and as consignee/end user the firm itself until changed)."""
    firm = user.organisation
    if firm is None or firm.kind != OrganisationKind.ENTERPRISE:
        raise PermissionDenied
    if kind not in K.values:
        raise DeclarationInvalid([Problem("kind", "invalid", _("Choose the kind of licence."))])
    declaration = Declaration.objects.create(
        owner=firm, created_by=user, category=LICENCE_APPLICATION, direction=direction_of(kind),
        domestic_party_name=firm.name, domestic_party_uscc=firm.uscc,
    )  # fmt: skip
    application = LicenceApplication(declaration=declaration, kind=kind, party_name=firm.name, party_uscc=firm.uscc)
    _prefill(application, firm)
    application.save()
    audit_record(
        actor=user,
        action=DeclarationAction.CREATED,
        obj=declaration,
        after={"category": LICENCE_APPLICATION, "kind": kind},
    )
    if values or lines:
        application_save(declaration=declaration, user=user, values=values or {}, lines=lines)
    return declaration


def application_start(*, user: User, kind: str) -> Declaration:
    """What "Start" on the new-application page opens: the user's own draft of this kind that is still as
    application_create left it (no goods line, no document, nothing typed), so that abandoned empty drafts
    do not pile up; otherwise a new application."""
    firm = user.organisation
    untouched = (
        Declaration.objects.filter(
            owner_id=user.organisation_id, created_by=user, category=LICENCE_APPLICATION,
            status=DeclarationStatus.DRAFT, version_count=0, licence_application__kind=kind,
            licence_application__lines__isnull=True, documents__isnull=True,
        )
        .select_related("licence_application")
        .order_by("-created_at", "-id")
    )  # fmt: skip
    if firm is not None and kind in K.values:
        fresh = LicenceApplication(kind=kind, party_name=firm.name, party_uscc=firm.uscc)
        as_created = _state(fresh, [])
        for declaration in untouched:
            state = _state(declaration.licence_application, [])
            if all(state[n] == as_created[n] for n in FIELDS if n not in TRADER_FIELDS):
                return declaration
    return application_create(user=user, kind=kind)


def lines_of(application: LicenceApplication) -> list[LicenceApplicationLine]:
    return list(application.lines.all())


def _state(application: LicenceApplication, lines: Sequence[LicenceApplicationLine]) -> dict[str, Any]:
    return {
        **{name: json_value(getattr(application, name)) for name in FIELDS},
        "lines": [{n: json_value(getattr(line, n)) for n in LINE_FIELDS} for line in lines],
    }


def _clean(name: str, value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value.upper() if name in CODES or name in ("hs_code", "unit", "currency") else value
    return value


@transaction.atomic
def application_save(
    *,
    declaration: Declaration,
    user: User,
    values: Mapping[str, Any],
    lines: Sequence[Mapping[str, Any]] | None = None,
) -> Declaration:
    """Store what the firm typed: the items its kind's form has (the applicant's own are its master
    record's and not taken), and the whole list of goods lines when given. Rules wait for validation."""
    _require_applicant(declaration, user)
    declaration_lock(declaration)
    require_draft(declaration)
    application = declaration.licence_application
    rows = None if lines is None else _lines(application, lines)  # refused before anything is written
    before = _state(application, lines_of(application))
    for name in KIND_FIELDS[application.kind]:
        if name in values:
            value = _clean(name, values[name])
            setattr(application, name, "" if value is None and name not in ("valid_until",) else value)
    application.save()
    if rows is not None:
        application.lines.all().delete()
        LicenceApplicationLine.objects.bulk_create(rows)
    after = _state(application, lines_of(application))
    changed = {k: v for k, v in after.items() if before.get(k) != v}
    if changed:
        declaration.save(update_fields=["updated_at"])
        audit_record(actor=user, action=DeclarationAction.DRAFT_SAVED, obj=declaration,
                     before={k: before.get(k) for k in changed}, after=changed)  # fmt: skip
    return declaration


NUMBERS = ("quantity", "unit_price", "amount")
CENT = Decimal("0.01")


def _lines(application: LicenceApplication, lines: Sequence[Mapping[str, Any]]) -> list[LicenceApplicationLine]:
    """The goods lines to store, or DeclarationInvalid naming each cell the database would refuse (a
    negative quantity or price, too many digits), with the model field's own message in the reader's
    language rather than a constraint's name."""
    rows = [
        LicenceApplicationLine(
            application=application,
            line_no=n,
            **{k: ("" if row[k] is None and k not in NUMBERS else _clean(k, row[k])) for k in LINE_FIELDS if k in row},
        )
        for n, row in enumerate(lines, start=1)
    ]
    problems = []
    for i, line in enumerate(rows):
        try:
            line.clean_fields(exclude=["application"])
        except ValidationError as refused:
            problems += [
                Problem(f"lines[{i}].{name}", error.code or "invalid", " ".join(error.messages))
                for name, errors in refused.error_dict.items()
                for error in errors
            ]
    if problems:
        raise DeclarationInvalid(problems)
    return rows


# --- validation ----------------------------------------------------------------------------------


def application_problems(declaration: Declaration) -> list[Problem]:
    """Everything that stands between this application and submitting it, each on its item's path
    ("trade_mode", "lines[0].quantity"), in the active language."""
    application = declaration.licence_application
    return _problems(application, lines_of(application))


def _problems(application: LicenceApplication, lines: Sequence[LicenceApplicationLine]) -> list[Problem]:
    kind = application.kind
    problems: list[Problem] = []
    for name in TRADER_FIELDS[:2]:
        if not getattr(application, name):
            problems.append(Problem(name, "required", _("Complete your organisation's master record first.")))
    for name in KIND_REQUIRED[kind]:
        if getattr(application, name) in ("", None):
            problems.append(Problem(name, "required", _("This field is required.")))
    for name, reference in REFERENCES.items():
        value = getattr(application, name)
        if name in KIND_FIELDS[kind] and value and not codelists.is_known(reference, value):
            problems.append(Problem(name, "unknown_code", _("%(code)s is not in the code list.") % {"code": value}))
    if application.party_uscc and "party_uscc" in KIND_FIELDS[kind] and not uscc.is_valid(application.party_uscc):
        problems.append(
            Problem("party_uscc", "invalid", _("Not a valid unified social credit code (check character)."))
        )
    if application.valid_until is not None and "valid_until" in KIND_FIELDS[kind]:
        today = timezone.localdate()
        limit = validity_limit(kind, today)
        if not today <= application.valid_until <= limit:
            problems.append(Problem("valid_until", "validity", _(
                "A licence of this kind applied for today can be valid until %(limit)s at the latest."
            ) % {"limit": limit.isoformat()}))  # fmt: skip
    if not lines:
        problems.append(Problem("lines", "no_lines", _("Add at least one goods line.")))
    for i, line in enumerate(lines):
        problems += _line_problems(kind, i, line)
    return problems


def _line_problems(kind: str, i: int, line: LicenceApplicationLine) -> list[Problem]:
    problems: list[Problem] = []

    def add(name: str, code: str, message: str) -> None:
        problems.append(Problem(f"lines[{i}].{name}", code, message))

    for name in LINE_REQUIRED:
        if getattr(line, name) in ("", None):
            add(name, "required", _("This field is required."))
    if line.hs_code:
        if not (line.hs_code.isdigit() and len(line.hs_code) in (6, 8, 10)) or not codelists.is_known(HS, line.hs_code):
            add("hs_code", "unknown_code", _(
                "%(code)s is not in the HS nomenclature (its first six digits must be a subheading)."
            ) % {"code": line.hs_code})  # fmt: skip
        elif kind not in conditions_of(line.hs_code):
            add("hs_code", "licence_not_needed", _(
                "Goods under commodity code %(code)s do not need a %(kind)s."
            ) % {"code": line.hs_code, "kind": K(kind).label})  # fmt: skip
    if line.unit and not codelists.is_known(CodeList.UNITS, line.unit):
        add("unit", "unknown_code", _("%(code)s is not in the code list.") % {"code": line.unit})
    if line.currency and not codelists.is_known(CURRENCY, line.currency):
        add("currency", "unknown_code", _("%(code)s is not in the code list.") % {"code": line.currency})
    if line.quantity is not None and line.quantity <= 0:
        add("quantity", "not_positive", _("Must be greater than zero."))
    if line.quantity is not None and line.unit_price is not None and line.amount is not None:
        expected = (line.quantity * line.unit_price).quantize(CENT, ROUND_HALF_UP)
        if abs(expected - line.amount) > CENT:
            add("amount", "amount_mismatch", _(
                "Total %(total)s does not equal quantity × unit price (%(expected)s)."
            ) % {"total": line.amount, "expected": expected})  # fmt: skip
    return problems


# --- submitting ----------------------------------------------------------------------------------


def application_snapshot(declaration: Declaration, application: LicenceApplication,
                         lines: Sequence[LicenceApplicationLine]) -> dict[str, Any]:  # fmt: skip
    """The frozen form the department's message is built from."""
    return {
        "category": LICENCE_APPLICATION,
        "pre_entry_no": declaration.pre_entry_no,
        "direction": declaration.direction,
        "kind": application.kind,
        "application": {name: json_value(getattr(application, name)) for name in FIELDS},
        "lines": [
            {"line_no": line.line_no, **{n: json_value(getattr(line, n)) for n in LINE_FIELDS}} for line in lines
        ],
        "documents": documents_frozen(list(declaration.documents.all())),  # attached on the form, by digest
    }


@transaction.atomic
def application_submit(*, declaration: Declaration, user: User) -> DeclarationVersion:
    """Validate once; if clean, freeze and send to the issuing department. Invalid: DeclarationInvalid,
    nothing changes."""
    _require_applicant(declaration, user)
    declaration_lock(declaration)
    require_draft(declaration)
    firm = declaration.owner  # the applicant: its record, never a typed name
    declaration.domestic_party_name, declaration.domestic_party_uscc = firm.name, firm.uscc
    declaration.save(update_fields=["domestic_party_name", "domestic_party_uscc"])
    application = declaration.licence_application
    _prefill(application, firm)
    application.save(update_fields=list(TRADER_FIELDS))
    lines = lines_of(application)
    agencies = issuing_agencies(declaration)
    problems = _problems(application, lines) + rule_problems(
        declaration=declaration, rows={"lines": lines}, agencies=agencies
    )
    if problems:
        raise DeclarationInvalid(problems)
    return declaration_freeze(
        declaration=declaration, user=user, payload=application_snapshot(declaration, application, lines)
    )


# --- issuing on release --------------------------------------------------------------------------


def issuing_authority(agency: str) -> Organisation | None:
    """The agency's organisation in the portal (the issuer printed on the licence)."""
    return Organisation.objects.filter(kind=OrganisationKind.AGENCY, agency=agency).order_by("pk").first()


def licences_due(declaration_ids: Sequence[int]) -> None:
    """Called when receipts change statuses: every released application gets its licence, once."""
    due = Declaration.objects.filter(
        pk__in=declaration_ids, category=LICENCE_APPLICATION, status=DeclarationStatus.RELEASED, licence__isnull=True
    ).select_related("owner")
    for declaration in due:
        try:
            with transaction.atomic():  # a savepoint: a failed issue must not undo the receipts recorded
                licence_for_application(declaration=declaration)
        except IntegrityError:  # issued meanwhile (told twice): the one-to-one keeps it to one licence
            log.info("licence for application %s was issued already", declaration.pk)
        except Exception:
            log.exception("the licence for application %s could not be issued", declaration.pk)


def licence_for_application(*, declaration: Declaration) -> Licence:
    """The licence the department released: the latest version's lines and terms, to the applicant."""
    version = declaration.versions.get(number=declaration.version_count)
    payload = version.payload
    kind, terms = payload["kind"], payload["application"]
    issuer = issuing_authority(ISSUING_AGENCY[kind])
    if issuer is None:
        raise LookupError(f"no organisation of the agency {ISSUING_AGENCY[kind]!r} to issue licences")
    issued_at = timezone.now()
    issued_on = issued_at.astimezone(certificates.SHANGHAI).date()
    licence = licence_issue(
        holder=declaration.owner,
        issuer=issuer,
        kind=kind,
        lines=[
            LineSpec(
                hs_code=line["hs_code"],
                name=line["name"],
                unit=line["unit"],
                quantity=Decimal(line["quantity"]),
                unit_price=Decimal(line["unit_price"]) if line.get("unit_price") is not None else None,
                amount=Decimal(line["amount"]) if line.get("amount") is not None else None,
                currency=line.get("currency") or "",
                bulk=bool(line.get("bulk")),
            )
            for line in payload["lines"]
        ],
        issued_at=issued_at,
        non_one_batch=bool(terms.get("non_one_batch")) and "non_one_batch" in KIND_FIELDS[kind],
        valid_until=_validity(terms.get("valid_until"), validity_limit(kind, issued_on), issued_on),
        place_of_clearance=terms.get("place_of_clearance") or "",
        application_id=declaration.pk,
    )
    notify(
        organisation_ids=[declaration.owner_id],
        kind=LICENCE_ISSUED,
        url=reverse("licence_detail", args=[licence.number]),
        params={"number": licence.number},
    )
    return licence


def _validity(requested: str | None, limit: date, issued_on: date) -> date | None:
    """The validity the application asked for, within what the kind allows on the day it is issued (None:
    the kind's default)."""
    if not requested:
        return None
    wanted = date.fromisoformat(requested)
    return min(wanted, limit) if wanted >= issued_on else None
