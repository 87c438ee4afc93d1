"""Submitting freezes a numbered, immutable version; an invalid declaration changes nothing."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from declarations import services
from declarations.choices import DeclarationStatus, DocumentKind
from declarations.examples import blank_pdf
from declarations.models import Declaration, DeclarationVersion
from singlewindow.models import AuditEntry, User

from .. import factories

pytestmark = pytest.mark.django_db


def test_submission_freezes_a_numbered_version_and_records_who_and_when(user_a: User) -> None:
    declaration = factories.valid_draft(user_a)
    version = services.declaration_submit(declaration=declaration, user=user_a)
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.SUBMITTED
    assert len(declaration.pre_entry_no) == 18 and declaration.pre_entry_no.startswith("2200")
    assert (version.number, version.pre_entry_no, version.submitted_by) == (
        1,
        declaration.pre_entry_no,
        user_a,
    )
    assert sorted(version.deliveries.values_list("agency", "status")) == [
        ("customs", "pending"),
        ("inspection", "pending"),
    ]
    assert version.agencies == ["customs", "inspection"]
    assert version.payload["header"]["bill_of_lading"] == "COSU6234567890"
    assert [line["hs_code"] for line in version.payload["lines"]] == [
        "8471300000",
        "8443321000",
        "8517130000",
    ]
    assert len(version.digest) == 64
    audit = AuditEntry.objects.get(action="declaration.submitted", object_id=str(declaration.pk))
    assert audit.actor == user_a
    assert audit.after["pre_entry_no"] == declaration.pre_entry_no


def test_pre_entry_numbers_are_unique_and_sequential(user_a: User) -> None:
    first = services.declaration_submit(declaration=factories.valid_draft(user_a), user=user_a)
    second = services.declaration_submit(declaration=factories.valid_draft(user_a), user=user_a)
    assert int(second.pre_entry_no[-9:]) == int(first.pre_entry_no[-9:]) + 1


def test_invalid_declaration_raises_and_changes_nothing(user_a: User) -> None:
    declaration = factories.valid_draft(user_a, bill_of_lading="")
    audit_before = AuditEntry.objects.count()
    with pytest.raises(services.DeclarationInvalid) as refused:
        services.declaration_submit(declaration=declaration, user=user_a)
    assert [p.field for p in refused.value.found] == ["bill_of_lading"]
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.DRAFT
    assert declaration.pre_entry_no is None
    assert not DeclarationVersion.objects.exists()
    assert AuditEntry.objects.count() == audit_before


def test_a_submitted_declaration_cannot_be_edited(user_a: User) -> None:
    declaration = factories.valid_draft(user_a)
    services.declaration_submit(declaration=declaration, user=user_a)
    with pytest.raises(services.NotEditable):
        services.declaration_save_draft(declaration=declaration, user=user_a, header={"packages": 5})


def test_submission_queries_do_not_grow_with_goods_lines(user_a: User) -> None:
    services.declaration_submit(declaration=factories.valid_draft(user_a), user=user_a)  # warm caches, sequence
    counts = []
    for lines in (1, 40):
        declaration = factories.valid_draft(user_a, lines=lines)
        with CaptureQueriesContext(connection) as queries:
            services.declaration_submit(declaration=declaration, user=user_a)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_new_draft_is_prefilled_from_the_master_record(user_a: User) -> None:
    declaration = services.declaration_create(user=user_a)
    org = user_a.organisation
    assert org is not None
    assert declaration.domestic_party_name == org.name
    assert declaration.domestic_party_uscc == org.uscc
    assert declaration.domestic_party_customs_code == org.customs_code
    assert declaration.domestic_party_inspection_code == org.inspection_code


def test_copy_makes_a_new_draft_for_the_next_shipment_with_lines_and_lasting_documents(user_a: User) -> None:
    source = factories.valid_draft(user_a)  # with its invoice and packing list
    contract, tampered = (
        services.document_attach(
            declaration=source, user=user_a, kind=kind, upload=SimpleUploadedFile(f"{kind}.pdf", blank_pdf(kind))
        )
        for kind in (DocumentKind.CONTRACT, DocumentKind.CERTIFICATE)
    )
    services.declaration_submit(declaration=source, user=user_a)
    with open(tampered.file.path, "ab") as f:  # the stored file no longer holds what was attached
        f.write(b"changed")
    copy = services.declaration_copy(source=source, user=user_a)
    assert copy.status == DeclarationStatus.DRAFT and copy.pre_entry_no is None
    assert copy.copied_from == source
    assert list(copy.lines.values_list("hs_code", flat=True)) == list(source.lines.values_list("hs_code", flat=True))
    assert (copy.overseas_party_name, copy.contract_no) == (source.overseas_party_name, source.contract_no)
    # What was the source's shipment is left for the clerk to fill: bill, voyage, date, containers.
    assert (copy.bill_of_lading, copy.voyage_no, copy.import_export_date) == ("", "", None)
    assert source.bill_of_lading and source.containers.count() == 1 and copy.containers.count() == 0

    # The intact contract is copied by reference (same stored file, same digest); the changed certificate is
    # not, nor the source shipment's invoice and packing list.
    def held(declaration: Declaration) -> set[tuple[str, str, str]]:
        return {(d.kind, d.sha256, d.file.name) for d in declaration.documents.all()}

    assert held(copy) == {(contract.kind, contract.sha256, contract.file.name)}
    # Discarding the copy leaves the file the submitted declaration still refers to.
    services.declaration_discard(declaration=copy, user=user_a)
    with contract.file.open("rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == contract.sha256


def test_draft_save_is_audited_with_before_and_after(user_a: User) -> None:
    declaration = factories.valid_draft(user_a)
    services.declaration_save_draft(declaration=declaration, user=user_a, header={"gross_weight": Decimal("3000")})
    entry = AuditEntry.objects.filter(action="declaration.draft_saved", object_id=str(declaration.pk)).first()
    assert entry is not None
    assert entry.before == {"gross_weight": "2450.5"}
    assert entry.after == {"gross_weight": "3000"}


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("invoice.pdf", b"MZ\x90\x00 this is a Windows program, not a PDF"),
        ("invoice.pdf", b"%PDF-1.7\n this only starts like a PDF"),
        ("photo.png", b"\x89PNG\r\n\x1a\n broken image"),
    ],
)
def test_attachments_are_checked_by_content_not_by_name(user_a: User, name: str, content: bytes) -> None:
    declaration = services.declaration_create(user=user_a)
    with pytest.raises(services.DocumentRejected):
        services.document_attach(
            declaration=declaration,
            user=user_a,
            kind=DocumentKind.INVOICE,
            upload=SimpleUploadedFile(name, content, "application/pdf"),
        )
    assert declaration.documents.count() == 0


def test_a_real_pdf_named_png_is_stored_as_pdf(user_a: User) -> None:
    declaration = services.declaration_create(user=user_a)
    document = services.document_attach(
        declaration=declaration,
        user=user_a,
        kind=DocumentKind.INVOICE,
        upload=SimpleUploadedFile("scan.png", blank_pdf(), "image/png"),
    )
    assert document.content_type == "application/pdf"


def test_attachments_over_the_size_limit_are_refused(user_a: User, settings) -> None:  # type: ignore[no-untyped-def]
    settings.ATTACHMENT_MAX_BYTES = 1024
    declaration = services.declaration_create(user=user_a)
    with pytest.raises(services.DocumentRejected, match=r"1\.0\sKB"):
        services.document_attach(
            declaration=declaration,
            user=user_a,
            kind=DocumentKind.INVOICE,
            upload=SimpleUploadedFile("big.pdf", blank_pdf() + b"\0" * 2048, "application/pdf"),
        )
