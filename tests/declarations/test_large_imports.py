"""Big ERP files do not hold the web process: the request checks what is cheap (size before reading,
type, DTD, zip directory), a file above IMPORT_INLINE_BYTES is read by the worker, and the limits are
checked while reading, so a file over them stops there instead of being read whole first."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from declarations.interchange import excel_format, xml_format
from declarations.interchange.uploads import import_start
from declarations.models import Declaration, ImportJob
from singlewindow.untrusted import UntrustedFile

from .. import factories
from ..clients import api, erp_file
from .test_interchange import workbook

pytestmark = pytest.mark.django_db


def exported(clerk: Any, copies: int) -> bytes:
    """An export of `copies` declarations, each with its own reference."""
    one = erp_file(clerk)
    head, rest = one.split(b"<Declaration ", 1)
    body, tail = rest.rsplit(b"</Declaration>", 1)
    declarations = b"".join(
        b"<Declaration " + body.replace(b'reference="', f'reference="R{i}-'.encode(), 1) + b"</Declaration>"
        for i in range(copies)
    )
    return head + declarations + tail


def test_a_large_file_is_taken_at_once_and_refused_by_the_worker_with_the_reason(settings) -> None:  # type: ignore[no-untyped-def]
    settings.IMPORT_INLINE_BYTES = 1000
    settings.IMPORT_MAX_DECLARATIONS = 3
    clerk = factories.clerk(language="en")
    data = exported(clerk, copies=5)
    assert len(data) > settings.IMPORT_INLINE_BYTES

    with TestCase.captureOnCommitCallbacks() as queued:
        response = api(clerk).post(
            "/api/v1/imports/", {"file": SimpleUploadedFile("big.xml", data)}, format="multipart"
        )
    assert response.status_code == 202  # not read in the request: no refusal yet
    job = ImportJob.objects.get()
    assert (job.status, job.total) == ("queued", 0)

    for callback in queued:  # the worker's turn
        callback()
    job.refresh_from_db()
    assert job.status == "failed"
    assert "more than 3 declarations" in job.report["errors"][0]["message"]
    assert not Declaration.objects.exists()


def test_within_the_limits_the_worker_reads_a_large_file_and_imports_it(settings) -> None:  # type: ignore[no-untyped-def]
    settings.IMPORT_INLINE_BYTES = 1000
    clerk = factories.clerk()
    data = exported(clerk, copies=3)

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = api(clerk).post(
            "/api/v1/imports/", {"file": SimpleUploadedFile("big.xml", data)}, format="multipart"
        )

    job = ImportJob.objects.get(pk=response.json()["id"])
    assert (job.status, job.total, job.created_count) == ("done", 3, 3)


def test_the_size_is_refused_before_a_byte_is_read() -> None:
    class Huge(SimpleUploadedFile):
        def read(self, *args: Any, **kwargs: Any) -> bytes:
            raise AssertionError("read a file whose size was already too large")

    upload = Huge("huge.xml", b"<Declarations/>")
    upload.size = 50 * 2**20  # what Django's upload handler counted while it streamed the file to disk
    with pytest.raises(UntrustedFile) as refused:
        import_start(user=factories.clerk(language="en"), upload=upload)
    assert refused.value.code == "too_large"
    assert not ImportJob.objects.exists()


def test_reading_xml_stops_at_the_limit_without_reading_the_rest() -> None:
    clerk = factories.clerk(language="en")
    data = exported(clerk, copies=4)
    broken_tail = data.replace(b"</Declarations>", b"<Declaration><Header>")  # malformed after the 4th

    with pytest.raises(UntrustedFile) as refused:
        xml_format.read(broken_tail, max_bytes=2**20, max_declarations=2)
    assert refused.value.code == "too_many"  # stopped at the 3rd, never met the broken end
    with pytest.raises(UntrustedFile) as refused:
        xml_format.read(broken_tail, max_bytes=2**20, max_declarations=10)
    assert refused.value.code == "malformed"
    assert len(xml_format.read(data, max_bytes=2**20, max_declarations=4)) == 4


def test_reading_a_workbook_stops_at_the_limit() -> None:
    data = workbook(rows=[{"reference": f"PO-{i}", "direction": "import"} for i in range(6)], lines=[])

    with pytest.raises(UntrustedFile) as refused:
        excel_format.read(data, max_bytes=2**20, max_rows=1000, max_declarations=5)
    assert refused.value.code == "too_many"
    assert len(excel_format.read(data, max_bytes=2**20, max_rows=1000, max_declarations=6)) == 6
