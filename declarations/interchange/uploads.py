"""ERP upload: a file is checked when it is uploaded (a hostile or unreadable one is refused then, and
nothing is stored), kept on an ImportJob, and its import queued after commit (the task `run_import`
(interchange/tasks.py), whose work is imports.import_run()). The same file uploaded again by the same
organisation returns the earlier job.

The request does only what is cheap whatever the file: its size (before reading a byte of it), its type,
a DTD anywhere, a workbook's zip directory. A small file (IMPORT_INLINE_BYTES) is then read at once, so
its refusal comes with the answer; a larger one is read by the worker, which refuses it there (the job
says why), so a big file never holds a web process."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from singlewindow.choices import OrganisationKind
from singlewindow.models import User
from singlewindow.services import audit_record
from singlewindow.untrusted import UntrustedFile, check_workbook, refuse_big_or_dtd, sniff

from ..choices import ImportAction, ImportFormat, ImportStatus
from ..models import ImportJob
from .imports import read_records
from .tasks import run_import

STALLED = timedelta(minutes=5)  # a job still queued after this lost its task


def import_start(*, user: User, upload: UploadedFile) -> tuple[ImportJob, bool]:
    """Check and read the upload now; queue the import. Returns the job and whether it is new (the
    same file uploaded again by the same organisation returns the earlier job)."""
    org = user.organisation
    if org is None or org.kind not in (OrganisationKind.ENTERPRISE, OrganisationKind.BROKER):
        raise PermissionDenied
    too_large = UntrustedFile(
        _("The file is larger than %(mb)d MB.") % {"mb": settings.IMPORT_MAX_BYTES // 2**20}, "too_large"
    )
    if (upload.size or 0) > settings.IMPORT_MAX_BYTES:
        raise too_large
    data = upload.read(settings.IMPORT_MAX_BYTES + 1)
    if len(data) > settings.IMPORT_MAX_BYTES:
        raise too_large
    file_format = sniff(data)
    if not file_format:
        raise UntrustedFile(
            _("Upload the declarations as XML or as an Excel workbook (.xlsx) made from the portal's template."),
            "wrong_type",
        )
    digest = hashlib.sha256(data).hexdigest()
    earlier = ImportJob.objects.filter(organisation=org, sha256=digest).first()
    if earlier is not None and earlier.status != ImportStatus.FAILED:
        if earlier.status == ImportStatus.QUEUED and earlier.created_at < timezone.now() - STALLED:
            # Its task was lost (the broker was down when it was queued): the same upload queues it again.
            transaction.on_commit(lambda: run_import.delay(earlier.pk), robust=True)
        return earlier, False
    if file_format == ImportFormat.XML:
        refuse_big_or_dtd(data, max_bytes=settings.IMPORT_MAX_BYTES)
    else:
        check_workbook(data, max_bytes=settings.IMPORT_MAX_BYTES, max_uncompressed=settings.IMPORT_MAX_BYTES * 20)
    total = len(read_records(data, file_format)) if len(data) <= settings.IMPORT_INLINE_BYTES else 0
    try:
        with transaction.atomic():
            if earlier is not None:  # a failed import of this file: start it again
                earlier.delete()
            job = ImportJob.objects.create(
                organisation=org,
                created_by=user,
                file_name=(upload.name or "upload")[:200],
                file_format=file_format,
                sha256=digest,
                content=data,
                total=total,
            )
            audit_record(
                actor=user, action=ImportAction.QUEUED, obj=job, after={"file": job.file_name, "total": job.total}
            )
            transaction.on_commit(lambda: run_import.delay(job.pk), robust=True)  # a broker down: see above
    except IntegrityError:  # the same file uploaded twice at once: the other upload's job is the one
        return ImportJob.objects.get(organisation=org, sha256=digest), False
    return job, True
