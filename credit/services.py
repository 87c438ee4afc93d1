"""Writes to credit: records from agencies (one at a time or a batch), and classification. Every change
is audited; a record is never edited, only its state changes."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from stdnum.cn import uscc as uscc_check

from singlewindow.errors import DomainError
from singlewindow.models import AuditEntry, Organisation, User
from singlewindow.services import audit_record

from . import classify, nightly
from .choices import Channel, CreditAction, Outcome, PenaltyType, RecordKind, Severity
from .conduct import conduct_cited
from .models import CreditRecord


class RecordRefused(DomainError):
    status_code = 400

    def __init__(self, message: str, *, field: str = "", code: str = "invalid") -> None:
        super().__init__(message)
        self.field, self.code = field, code


def _choice(values: Mapping[str, Any], name: str, choices: Any, default: str = "") -> str:
    value = str(values.get(name) or default)
    if value and value not in choices.values:
        raise RecordRefused(
            _("%(value)s is not one of: %(allowed)s.") % {"value": value, "allowed": ", ".join(choices.values)},
            field=name,
        )
    return value


def _day(text: str) -> date | None:
    """A date from YYYY-MM-DD, or None when it is not one (2026-13-01 too, which parse_date raises on)."""
    try:
        return parse_date(text)
    except ValueError:
        return None


def _cleaned(values: Mapping[str, Any]) -> dict[str, Any]:
    """A record's fields from what an agency sent, or RecordRefused naming the field."""
    uscc = str(values.get("uscc") or "").strip().upper()
    if not uscc_check.is_valid(uscc):
        raise RecordRefused(_("Not a valid unified social credit code (check character)."), field="uscc")
    if not Organisation.objects.filter(uscc=uscc).exists():
        raise RecordRefused(_("No enterprise with this unified social credit code is registered."), field="uscc")
    record_id = str(values.get("record_id") or "").strip()
    if not record_id or len(record_id) > 64:
        raise RecordRefused(_("Give the record's id in your system (1 to 64 characters)."), field="record_id")
    decided = values.get("decided_at")
    decided_at = decided if isinstance(decided, date) else _day(str(decided or ""))
    if decided_at is None or decided_at > timezone.localdate():
        raise RecordRefused(_("Give the decision date (YYYY-MM-DD), not in the future."), field="decided_at")
    until = values.get("publish_until")
    publish_until = until if isinstance(until, date) or until in (None, "") else _day(str(until))
    if until not in (None, "") and publish_until is None:
        raise RecordRefused(_("Give the end of publication as YYYY-MM-DD."), field="publish_until")
    amount = values.get("amount")
    try:
        amount = None if amount in (None, "") else Decimal(str(amount))
    except InvalidOperation:
        raise RecordRefused(_("The amount must be a number of yuan."), field="amount") from None
    if amount is not None and (amount < 0 or amount >= Decimal("1e14")):
        raise RecordRefused(_("The amount must be a number of yuan."), field="amount")
    kind = _choice(values, "kind", RecordKind)
    if not kind:
        raise RecordRefused(_("Give the kind of record."), field="kind")
    conduct_code = str(values.get("conduct_code") or "").strip()
    conduct = conduct_cited(code=conduct_code, on=decided_at) if conduct_code else None
    if conduct_code and kind != RecordKind.PENALTY:
        raise RecordRefused(_("Only a penalty cites the prohibited conduct it punishes."), field="conduct_code")
    if conduct_code and conduct is None:
        raise RecordRefused(
            _("No prohibited conduct with this code was published by the decision date."), field="conduct_code"
        )
    return {
        "uscc": uscc,
        "record_id": record_id,
        "kind": kind,
        "penalty_type": _choice(values, "penalty_type", PenaltyType),
        "severity": _choice(values, "severity", Severity, Severity.MINOR),
        "outcome": _choice(values, "outcome", Outcome, Outcome.ADVERSE),
        "amount": amount,
        "legal_basis": str(values.get("legal_basis") or "")[:300],
        "summary": str(values.get("summary") or "")[:500],
        "decided_at": decided_at,
        "publish_until": publish_until,
        "public": _yes_no(values.get("public"), field="public", default=True),
        "conduct": conduct,
    }


def _yes_no(value: Any, *, field: str, default: bool) -> bool:
    """A boolean from JSON (true/false) or a file's cell (true/false, 1/0, yes/no, 是/否); empty: default."""
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "y", "是"):
        return True
    if text in ("false", "0", "no", "n", "否"):
        return False
    raise RecordRefused(_("Use true or false."), field=field)


@transaction.atomic
def record_add(*, agency: str, values: Mapping[str, Any], channel: str, user: User | None = None) -> CreditRecord:
    """Store one record an agency sent (the agency is who sent it, never a field of the body), then
    reclassify that firm at once. RecordRefused names the field; nothing is stored then."""
    fields = _cleaned(values)
    try:
        with transaction.atomic():
            record = CreditRecord.objects.create(source_agency=agency, channel=channel, **fields)
    except IntegrityError:
        raise RecordRefused(
            _("Record %(id)s was already received from this agency.") % {"id": fields["record_id"]},
            field="record_id",
            code="duplicate",
        ) from None
    audit_record(actor=user, action=CreditAction.RECORD_RECEIVED, obj=record,
                 after={"agency": agency, "uscc": record.uscc, "kind": record.kind, "channel": channel})  # fmt: skip
    reclassify(usccs=[record.uscc])
    return record


MAX_FILE_BYTES = 5 * 1024 * 1024


def records_file_add(
    *, agency: str, data: bytes, channel: str = Channel.FILE, user: User | None = None
) -> tuple[int, list[dict[str, str]]]:
    """A CSV file of records (UTF-8, a header row naming the fields), all or nothing as records_add; a
    file that is too big or not UTF-8 is refused whole (row "0")."""
    if len(data) > MAX_FILE_BYTES:
        return 0, [{"row": "0", "field": "file", "message": _("Send a CSV file of at most 5 MB.")}]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return 0, [{"row": "0", "field": "file", "message": _("The file must be UTF-8 text.")}]
    return records_add(agency=agency, rows=list(csv.DictReader(io.StringIO(text))), channel=channel, user=user)


@transaction.atomic
def records_add(
    *, agency: str, rows: Iterable[Mapping[str, Any]], channel: str = Channel.FILE, user: User | None = None
) -> tuple[int, list[dict[str, str]]]:
    """A batch file's rows: every row is checked first; if any is refused, none is stored (row, field and
    message for each). Returns (stored, errors)."""
    cleaned: list[tuple[int, dict[str, Any]]] = []
    errors: list[dict[str, str]] = []
    seen: set[str] = set()
    for number, values in enumerate(rows, start=1):
        try:
            fields = _cleaned(values)
        except RecordRefused as refused:
            errors.append({"row": str(number), "field": refused.field, "message": str(refused)})
            continue
        if fields["record_id"] in seen:
            errors.append(
                {"row": str(number), "field": "record_id", "message": _("This record id is in the file twice.")}
            )
        seen.add(fields["record_id"])
        cleaned.append((number, fields))
    known = set(
        CreditRecord.objects.filter(source_agency=agency, record_id__in=seen).values_list("record_id", flat=True)
    )
    errors += [
        {"row": str(number), "field": "record_id",
         "message": _("Record %(id)s was already received from this agency.") % {"id": fields["record_id"]}}
        for number, fields in cleaned
        if fields["record_id"] in known
    ]  # fmt: skip
    if errors or not cleaned:
        return 0, sorted(errors, key=lambda e: int(e["row"]))
    created = CreditRecord.objects.bulk_create(
        [CreditRecord(source_agency=agency, channel=channel, **fields) for _n, fields in cleaned]
    )
    AuditEntry.objects.bulk_create(  # one entry per record, as record_add writes, in one statement
        [
            AuditEntry(
                actor=user, organisation_id=user.organisation_id if user else None, action=CreditAction.RECORD_RECEIVED,
                object_type=CreditRecord._meta.label_lower, object_id=str(record.pk),
                after={"agency": agency, "uscc": record.uscc, "kind": record.kind, "channel": channel},
            )
            for record in created
        ]
    )  # fmt: skip
    reclassify(usccs={record.uscc for record in created})
    return len(created), []


def reclassify(*, usccs: Iterable[str] | None = None, today: date | None = None) -> int:
    """These firms (or everyone: the nightly run) under every scheme in force; only changes are stored."""
    schemes = classify.current_schemes(today)
    if usccs is None and connection.vendor == "postgresql":
        return nightly.run(schemes, today)  # every scheme in one pass over the records
    if usccs is None:
        return sum(classify.nightly(scheme, today) for scheme in schemes)
    return sum(classify.apply(scheme, classify.evaluate(scheme, usccs=usccs, today=today)) for scheme in schemes)
