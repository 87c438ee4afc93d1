"""ERP import: an uploaded file (checked and read on upload, uploads.py) is turned into drafts in the
background by import_run(), the work of the task `run_import` (tasks.py): a chunk per
transaction, with its progress on the job. The same file is imported once per organisation, each
declaration once per reference, so a re-upload or a re-run after a crash creates nothing twice."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from singlewindow.choices import OrganisationKind
from singlewindow.delegations import active_delegations
from singlewindow.models import AuditEntry, Organisation, User
from singlewindow.notifications import notify
from singlewindow.services import audit_record
from singlewindow.untrusted import UntrustedFile

from ..choices import GOODS, IMPORT_FINISHED, DeclarationAction, ImportAction, ImportFormat, ImportStatus
from ..models import Container, Declaration, GoodsLine, ImportJob
from ..parties import master_record_values, parties_fill
from ..pipeline import rules_prefetch
from ..validation import validate
from . import excel_format, xml_format
from .records import FieldError, Record, Typed, convert

CHUNK = 100
log = logging.getLogger(__name__)


def read_records(data: bytes, file_format: str) -> list[Record]:
    """The file's declarations; the limits are checked while reading, so a file over them stops early."""
    limit = settings.IMPORT_MAX_DECLARATIONS
    if file_format == ImportFormat.XML:
        records = xml_format.read(data, max_bytes=settings.IMPORT_MAX_BYTES, max_declarations=limit)
    else:
        records = excel_format.read(
            data, max_bytes=settings.IMPORT_MAX_BYTES, max_rows=limit * 60, max_declarations=limit
        )
    if not records:
        raise UntrustedFile(_("The file holds no declarations."), "empty")
    return records


def import_run(*, job_id: int) -> ImportJob:
    """Turn the job's file into drafts; safe to run again (what exists is skipped). An import that
    stops on an unexpected error is marked failed, so uploading the file again starts it afresh."""
    job = ImportJob.objects.select_related("created_by__organisation", "organisation").get(pk=job_id)
    if job.status == ImportStatus.DONE:
        return job
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, processed=0)
    try:
        return _run(job)
    except UntrustedFile as refused:  # a large file is read here, not on upload: its refusal is the report
        return _failed(job, str(refused))
    except Exception as error:
        log.exception("import %s stopped", job.pk)
        with translation.override(job.created_by.language):
            message = _("The import stopped on an unexpected error (%(error)s); upload the file again to resume.") % {
                "error": type(error).__name__
            }
        return _failed(job, message)


def _failed(job: ImportJob, message: str) -> ImportJob:
    report = {
        "created": [],
        "skipped": [],
        "failed": [],
        "errors": [{"where": "", "reference": "", "field": "", "message": message}],
    }
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.FAILED, report=report, finished_at=timezone.now())
    job.refresh_from_db()
    return job


def _run(job: ImportJob) -> ImportJob:
    user = job.created_by
    with translation.override(user.language):
        records = read_records(bytes(job.content), job.file_format)
        ImportJob.objects.filter(pk=job.pk).update(total=len(records))
        report: dict[str, list[Any]] = {"created": [], "skipped": [], "errors": [], "failed": []}
        seen: set[str] = set()
        for start in range(0, len(records), CHUNK):
            chunk = records[start : start + CHUNK]
            try:
                with transaction.atomic():
                    outcome = _import_chunk(user=user, records=chunk, seen=set(seen), job=job)
            except IntegrityError:  # another import created one of these references meanwhile: skip it now
                with transaction.atomic():
                    outcome = _import_chunk(user=user, records=chunk, seen=set(seen), job=job)
            seen.update(outcome.pop("seen"))
            for key in report:
                report[key] += outcome[key]
            ImportJob.objects.filter(pk=job.pk).update(
                processed=F("processed") + len(chunk),
                created_count=len(report["created"]),
                skipped_count=len(report["skipped"]),
                failed_count=len(report["failed"]),
            )
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.DONE, report=report, finished_at=timezone.now())
    job.refresh_from_db()
    audit_record(actor=user, action=ImportAction.FINISHED, obj=job,
                 after={"created": job.created_count, "skipped": job.skipped_count, "failed": job.failed_count})  # fmt: skip
    notify(
        users=[user],
        kind=IMPORT_FINISHED,
        url=reverse("declarations:import", args=[job.pk]),
        params={"file": job.file_name, "created": job.created_count, "failed": job.failed_count},
    )
    return job


def _owners(user: User) -> dict[str, tuple[Organisation, Organisation | None, frozenset[str] | None]]:
    """USCC → (owner, preparing broker, kinds allowed or None for all) the user may import for."""
    org = user.organisation
    assert org is not None
    if org.kind == OrganisationKind.ENTERPRISE:
        return {org.uscc: (org, None, None), "": (org, None, None)}
    owners: dict[str, tuple[Organisation, Organisation | None, frozenset[str] | None]] = {}
    for delegation in active_delegations(broker_id=org.pk):
        kinds = frozenset(delegation.kinds) if delegation.kinds else None
        _owner, _broker, known = owners.get(delegation.client.uscc, (delegation.client, org, frozenset()))
        merged = None if kinds is None or known is None else known | kinds
        owners[delegation.client.uscc] = (delegation.client, org, merged)
    return owners


def _owner_refusal(user: User, typed: Typed) -> str:
    if user.organisation is not None and user.organisation.kind == OrganisationKind.ENTERPRISE:
        return _("This declaration names another enterprise (%(uscc)s); you import only your own.") % {
            "uscc": typed.settings["enterprise"]
        }
    if not typed.settings["enterprise"]:
        return _("Name the client enterprise's USCC on each declaration you import for a client.")
    return _("You hold no delegation from this enterprise for this kind of declaration.")


def _import_chunk(*, user: User, records: Sequence[Record], seen: set[str], job: ImportJob) -> dict[str, list[Any]]:
    owners = _owners(user)
    errors: list[FieldError] = []
    failed: list[str] = []
    ready: list[tuple[Record, Typed, Organisation, Organisation | None]] = []
    for record in records:
        typed, problems = convert(record)
        if typed is None:
            errors += problems
            failed.append(record.where)
            continue
        grant = owners.get(typed.settings["enterprise"])
        if grant is None or (grant[2] is not None and typed.settings["kind"] not in grant[2]):
            errors.append(FieldError(record.where, record.reference, _("Enterprise USCC"), _owner_refusal(user, typed)))
            failed.append(record.where)
            continue
        key = f"{grant[0].pk}:{typed.settings['reference']}"
        if key in seen:
            errors.append(FieldError(record.where, record.reference, _("Your reference"),
                                     _("This reference appears more than once in the file.")))  # fmt: skip
            failed.append(record.where)
            continue
        seen.add(key)
        ready.append((record, typed, grant[0], grant[1]))

    existing = set(
        Declaration.objects.filter(
            owner__in={o.pk for _r, _t, o, _b in ready},
            reference__in=[t.settings["reference"] for _r, t, _o, _b in ready],
        ).values_list("owner_id", "reference")
    )
    skipped = [t.settings["reference"] for _r, t, o, _b in ready if (o.pk, t.settings["reference"]) in existing]
    ready = [(r, t, o, b) for r, t, o, b in ready if (o.pk, t.settings["reference"]) not in existing]

    declarations: list[Declaration] = []
    line_rows: list[list[GoodsLine]] = []
    container_rows: list[list[Container]] = []
    problem_counts: list[int] = []
    today = timezone.localdate()
    for _record, typed, owner, broker in ready:
        declaration = Declaration(
            owner=owner, prepared_by=broker, created_by=user, reference=typed.settings["reference"],
            direction=typed.settings["direction"], kind=typed.settings["kind"], target=typed.settings["target"],
            **master_record_values(owner),
        )  # fmt: skip
        for name, value in typed.header.items():
            setattr(declaration, name, value)
        parties_fill(declaration, owner)  # who declares is the owner's record, whatever the file says
        declarations.append(declaration)
        line_rows.append([GoodsLine(line_no=i, **row) for i, row in enumerate(typed.lines, start=1)])
        container_rows.append([Container(**row) for row in typed.containers])
    # What other apps' rules need of the database, for the whole chunk in one go.
    prefetched = rules_prefetch(GOODS, declarations)
    for declaration, lines, containers in zip(declarations, line_rows, container_rows, strict=True):
        problem_counts.append(len(validate(declaration, lines, containers, [], today=today, prefetched=prefetched)))
    Declaration.objects.bulk_create(declarations)
    for declaration, lines, containers in zip(declarations, line_rows, container_rows, strict=True):
        for line in lines:
            line.declaration = declaration
        for container in containers:
            container.declaration = declaration
    GoodsLine.objects.bulk_create([line for lines in line_rows for line in lines])
    Container.objects.bulk_create([c for containers in container_rows for c in containers])
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                actor=user,
                organisation_id=user.organisation_id,
                action=DeclarationAction.IMPORTED,
                object_type=Declaration._meta.label_lower,
                object_id=str(d.pk),
                after={"import": job.pk, "reference": d.reference},
            )
            for d in declarations
        ]
    )
    return {
        "created": [
            {"reference": d.reference, "id": d.pk, "problems": n}
            for d, n in zip(declarations, problem_counts, strict=True)
        ],
        "skipped": skipped,
        "errors": [e.as_dict() for e in errors],
        "failed": failed,
        "seen": sorted(seen),
    }


def imports_visible_to(user: User) -> QuerySet[ImportJob]:
    """An organisation's own imports; nobody else's."""
    if user.organisation_id is None:
        return ImportJob.objects.none()
    return ImportJob.objects.filter(organisation_id=user.organisation_id).defer("content")


def import_get(*, user: User, pk: int) -> ImportJob:
    try:
        return imports_visible_to(user).get(pk=pk)
    except (ImportJob.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
