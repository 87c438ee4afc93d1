"""ERP import and export: round trips, idempotence, errors per row and field, hostile files."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from lxml import etree

from declarations.interchange import xml_format
from declarations.interchange.uploads import import_start
from declarations.models import Declaration, ImportJob
from declarations.selectors import working_copy
from singlewindow.models import AuditEntry, Notification
from singlewindow.untrusted import UntrustedFile

from .. import factories
from ..clients import api, erp_file, web

pytestmark = pytest.mark.django_db


def upload(user, data: bytes, name: str = "declarations.xml", status: int = 202) -> dict:
    """Upload through the API and run the queued import (eager Celery, on commit); the job as it ends."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = api(user).post("/api/v1/imports/", {"file": SimpleUploadedFile(name, data)}, format="multipart")
    assert response.status_code == status, response.content
    return api(user).get(f"/api/v1/imports/{response.json()['id']}/").json()


def comparable(declaration: Declaration) -> dict:
    """Everything a declaration declares, without what the portal assigns (numbers, documents)."""
    copy = working_copy(declaration)
    return {k: v for k, v in copy.items() if k not in ("pre_entry_no", "documents")}


@pytest.mark.parametrize("file_format", ["xml", "xlsx"])
def test_export_then_import_gives_the_same_declarations_back_field_for_field(file_format: str) -> None:
    clerk = factories.clerk()
    originals = [factories.valid_draft(clerk, lines=n, documents=False) for n in (1, 3)]
    originals.append(factories.valid_draft(clerk, lines=2, documents=False, target="customs", wood_packaging=True))
    expected = sorted((comparable(d) for d in originals), key=str)
    exported = web(clerk).get(f"/declarations/export/?format={file_format}")
    assert exported.status_code == 200
    Declaration.objects.all().delete()

    job = upload(clerk, exported.content, f"export.{file_format}")
    assert job["status"] == "done" and job["created_count"] == 3, job["report"]
    assert sorted((comparable(d) for d in Declaration.objects.all()), key=str) == expected


def test_the_export_is_valid_against_the_published_schema_and_the_schema_is_current() -> None:
    clerk = factories.clerk()
    factories.valid_draft(clerk, documents=False)
    exported = api(clerk).get("/api/v1/declarations/export/?format=xml")
    schema = etree.XMLSchema(etree.parse(str(xml_format.SCHEMA_PATH)))
    assert schema.validate(etree.fromstring(exported.content)), schema.error_log
    assert xml_format.SCHEMA_PATH.read_text(encoding="utf-8") == xml_format.schema_text()
    published = web(clerk).get("/declarations/interchange/declarations.xsd")
    assert b"".join(published.streaming_content) == xml_format.SCHEMA_PATH.read_bytes()  # type: ignore[attr-defined]


def test_the_same_file_twice_creates_nothing_new_and_known_references_are_skipped() -> None:
    clerk = factories.clerk()
    data = erp_file(clerk)

    first = upload(clerk, data)
    again = upload(clerk, data, status=200)
    assert again["id"] == first["id"] and Declaration.objects.count() == 1

    reordered = data.replace(b"<Declarations", b"<!-- another file -->\n<Declarations", 1)
    second = upload(clerk, reordered)
    assert second["created_count"] == 0 and second["skipped_count"] == 1
    assert Declaration.objects.count() == 1


def workbook(rows: list[dict], lines: list[dict]) -> bytes:
    """A filled-in copy of the portal's template."""
    clerk = factories.clerk()
    template = openpyxl.load_workbook(io.BytesIO(web(clerk).get("/declarations/interchange/template.xlsx").content))
    for title, data in (("Declarations", rows), ("Goods lines", lines)):
        sheet = template[title]
        names = [c.value for c in sheet[1]]
        for row in data:
            sheet.append([row.get(name) for name in names])
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-hans", "确保该值大于或等于"), ("en", "Write yes or no")],
)
def test_rows_that_cannot_be_read_are_refused_per_row_and_field_in_the_users_language(
    language: str, expected: str
) -> None:
    clerk = factories.clerk(language=language)
    data = workbook(
        rows=[
            {"reference": "PO-1", "direction": "import", "gross_weight": "abc", "wood_packaging": "maybe"},
            {"reference": "PO-2", "direction": "import", "packages": "-3"},
            {"reference": "PO-3", "direction": "import", "overseas_party_name": "ACME GmbH"},
            {"reference": "", "direction": "sideways"},
        ],
        lines=[{"reference": "PO-3", "hs_code": "8471300000", "declared_quantity": "2"}, {"reference": "PO-9"}],
    )
    job = upload(clerk, data, "erp.xlsx")
    assert job["created_count"] == 1 and job["failed_count"] == 4
    errors = job["report"]["errors"]
    assert {e["reference"] for e in errors} == {"PO-1", "PO-2", "", "PO-9"}
    po1 = [e for e in errors if e["reference"] == "PO-1"]
    assert len(po1) == 2 and all("row 3" in e["where"] or "第 3 行" in e["where"] for e in po1)
    assert any(expected in e["message"] for e in errors), errors
    created = Declaration.objects.get()
    assert created.reference == "PO-3" and created.lines.get().hs_code == "8471300000"
    assert created.domestic_party_uscc == clerk.organisation.uscc  # pre-filled from the master record
    assert AuditEntry.objects.filter(action="declaration.imported", object_id=str(created.pk)).exists()
    notification = Notification.objects.get(recipient=clerk)
    assert "erp.xlsx" in notification.message and len(mail.outbox) == 1


def test_a_broker_imports_for_clients_it_holds_a_delegation_from_and_no_one_else() -> None:
    client = factories.enterprise()
    stranger = factories.enterprise()
    broker = factories.broker(client)
    data = workbook(
        rows=[
            {"reference": "B-1", "enterprise": client.uscc, "direction": "import"},
            {"reference": "B-2", "enterprise": stranger.uscc, "direction": "import"},
        ],
        lines=[],
    )
    job = upload(broker, data, "broker.xlsx")
    assert job["created_count"] == 1 and job["failed_count"] == 1
    declaration = Declaration.objects.get()
    assert declaration.owner == client and declaration.prepared_by == broker.organisation
    assert not Declaration.objects.filter(owner=stranger).exists()


LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Declarations xmlns="urn:singlewindow:declarations:1"><Declaration reference="&lol3;" direction="import">
<Header/><Lines/></Declaration></Declarations>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Declarations xmlns="urn:singlewindow:declarations:1"><Declaration reference="X" direction="import">
<Header><overseas_party_name>&xxe;</overseas_party_name></Header><Lines/></Declaration></Declarations>"""


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 50_000_000)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "code", "message"),
    [
        ("lol.xml", LAUGHS, "dtd", "DTD"),
        ("xxe.xml", XXE, "dtd", "DTD"),
        ("broken.xml", b'<Declarations xmlns="urn:singlewindow:declarations:1"><Declaration>', "malformed", "XML"),
        ("other.xml", b"<invoice/>", "wrong_root", "Declarations"),
        ("bomb.xlsx", zip_bomb(), "zip_bomb", "workbook"),
        ("broken.xlsx", b"PK\x03\x04" + b"\x00" * 200, "malformed", "workbook"),
        ("invoice.xlsx", b"%PDF-1.7 not a workbook", "wrong_type", "Excel"),
        ("huge.xml", b"<" + b"a" * (21 * 2**20), "too_large", "20 MB"),
    ],
)
def test_a_hostile_or_wrong_file_is_refused_with_a_clear_message_and_changes_nothing(
    name: str, data: bytes, code: str, message: str
) -> None:
    clerk = factories.clerk(language="en")
    response = api(clerk).post(
        "/api/v1/imports/", {"file": SimpleUploadedFile(name, data)}, format="multipart", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["code"] == code and message in error["message"]
    assert not ImportJob.objects.exists() and not Declaration.objects.exists()


def test_the_upload_page_says_why_a_file_is_refused_in_chinese() -> None:
    clerk = factories.clerk()
    response = web(clerk).post("/declarations/imports/", {"file": SimpleUploadedFile("x.xml", XXE)})
    assert response.status_code == 400
    assert "不允许" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_parser_itself_expands_no_entity_should_a_dtd_get_past_the_byte_check() -> None:
    """Two locks: the byte check refuses any DTD; behind it, the parser resolves no entity and reads no file."""
    from singlewindow.untrusted import safe_xml_parser

    parsed = etree.tostring(etree.fromstring(XXE, safe_xml_parser())).decode()
    assert "root:" not in parsed
    assert "lol" * 10 not in etree.tostring(etree.fromstring(LAUGHS, safe_xml_parser())).decode()
    with pytest.raises(UntrustedFile):
        import_start(user=factories.clerk(), upload=SimpleUploadedFile("x.xml", XXE))


def test_the_import_page_shows_a_progress_bar_that_polls_until_the_import_is_done() -> None:
    clerk = factories.clerk()
    data = erp_file(clerk)
    response = web(clerk).post("/declarations/imports/", {"file": SimpleUploadedFile("po.xml", data)})
    job = ImportJob.objects.get()  # queued: on_commit never ran inside the test's transaction
    assert response.status_code == 302 and response["Location"] == f"/declarations/imports/{job.pk}/"
    ImportJob.objects.filter(pk=job.pk).update(status="running", total=4, processed=1)
    page = web(clerk).get(f"/declarations/imports/{job.pk}/").content.decode()
    assert '<progress max="100" value="25"' in page and 'hx-trigger="every 1s"' in page

    with TestCase.captureOnCommitCallbacks(execute=True):
        from declarations.tasks import run_import

        run_import.delay(job.pk)
    fragment = web(clerk).get(f"/declarations/imports/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith("<section") and 'value="100"' in fragment
    assert "hx-trigger" not in fragment and 'id="import-created"' in fragment
    assert web(factories.clerk()).get(f"/declarations/imports/{job.pk}/").status_code == 404


def test_a_workbook_declaring_a_million_rows_is_refused_at_once() -> None:
    """A 5 KB sheet whose dimension says A1:XFD1048576 would have openpyxl pad out a million rows."""
    clerk = factories.clerk(language="en")
    template = web(clerk).get("/declarations/interchange/template.xlsx").content
    source = zipfile.ZipFile(io.BytesIO(template))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in source.namelist():
            data = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b'<dimension ref="A1:XFD1048576"/><sheetData>', 1)
                data = data.replace(
                    b"</sheetData>",
                    b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
                )
            archive.writestr(name, data)
    response = api(clerk).post(
        "/api/v1/imports/", {"file": SimpleUploadedFile("big.xlsx", out.getvalue())}, format="multipart"
    )
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == "too_many_rows"
    assert not ImportJob.objects.exists()


def test_an_import_that_stops_is_marked_failed_and_the_same_file_starts_it_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from declarations.interchange import imports

    clerk = factories.clerk()
    data = erp_file(clerk)

    def broken(**kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    monkeypatch.setattr(imports, "_import_chunk", broken)
    job = upload(clerk, data)
    assert job["status"] == "failed" and "RuntimeError" in job["report"]["errors"][0]["message"]
    monkeypatch.undo()
    again = upload(clerk, data)
    assert again["status"] == "done" and again["created_count"] == 1


def test_a_reference_longer_than_the_field_is_refused_by_row_not_by_a_crash() -> None:
    clerk = factories.clerk(language="en")
    data = workbook(rows=[{"reference": "R" * 60, "direction": "import"}], lines=[])
    job = upload(clerk, data, "long.xlsx")
    assert job["status"] == "done" and job["failed_count"] == 1
    assert job["report"]["errors"][0]["field"] == "Your reference"
