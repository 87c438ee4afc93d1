"""ERP upload: a file is checked and read when it is uploaded (a hostile or unreadable one is refused
then, and nothing is stored), kept on an ImportJob, and its import queued after commit (the task
`run_import` (interchange/tasks.py), whose work is imports.import_run()). The same file uploaded again by the
same organisation returns the earlier job."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from singlewindow.choices import OrganisationKind
from singlewindow.models import User
from singlewindow.services import audit_record
from singlewindow.untrusted import UntrustedFile, sniff

from ..choices import ImportStatus
from ..models import ImportJob
from .imports import read_records
from .tasks import run_import


def import_start(*, user: User, upload: UploadedFile) -> tuple[ImportJob, bool]:
    """Check and read the upload now; queue the import. Returns the job and whether it is new (the
    same file uploaded again by the same organisation returns the earlier job)."""
    org = user.organisation
    if org is None or org.kind not in (OrganisationKind.ENTERPRISE, OrganisationKind.BROKER):
        raise PermissionDenied
    data = upload.read(settings.IMPORT_MAX_BYTES + 1)
    if len(data) > settings.IMPORT_MAX_BYTES:
        raise UntrustedFile(
            _("The file is larger than %(mb)d MB.") % {"mb": settings.IMPORT_MAX_BYTES // 2**20}, "too_large"
        )
    file_format = sniff(data)
    if not file_format:
        raise UntrustedFile(
            _("Upload the declarations as XML or as an Excel workbook (.xlsx) made from the portal's template."),
            "wrong_type",
        )
    digest = hashlib.sha256(data).hexdigest()
    earlier = ImportJob.objects.filter(organisation=org, sha256=digest).first()
    if earlier is not None and earlier.status != ImportStatus.FAILED:
        return earlier, False
    records = read_records(data, file_format)
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
                total=len(records),
            )
            audit_record(actor=user, action="import.queued", obj=job, after={"file": job.file_name, "total": job.total})
            transaction.on_commit(lambda: run_import.delay(job.pk))
    except IntegrityError:  # the same file uploaded twice at once: the other upload's job is the one
        return ImportJob.objects.get(organisation=org, sha256=digest), False
    return job, True
