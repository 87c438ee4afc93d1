"""Attaching documents through the API: a wrong `kind` is refused on `kind`, listing the codes there are
(which the schema documents as an enum), and a retried upload with an Idempotency-Key attaches the file once."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from declarations.choices import DocumentKind
from declarations.examples import blank_pdf
from declarations.models import AttachedDocument
from singlewindow.models import User

from .. import factories

pytestmark = pytest.mark.django_db


def upload(api: APIClient, pk: int, kind: str, **headers: str) -> object:
    return api.post(
        f"/api/v1/declarations/{pk}/documents/",
        {"kind": kind, "file": SimpleUploadedFile("inv.pdf", blank_pdf(), "application/pdf")},
        format="multipart",
        **headers,
    )


def test_a_kind_that_is_not_one_is_refused_on_kind_listing_the_codes(api_a: APIClient, user_a: User) -> None:
    draft = factories.valid_draft(user_a, documents=False)
    response = upload(api_a, draft.pk, "commercial_invoice", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400, response.content  # type: ignore[attr-defined]
    [error] = response.json()["errors"]  # type: ignore[attr-defined]
    assert (error["field"], error["code"]) == ("kind", "invalid_choice")
    assert error["message"] == (
        "“commercial_invoice” is not a kind of document. The kinds are: "
        "invoice, packing_list, contract, licence, certificate, bill_of_lading, other."
    )
    zh = upload(api_a, draft.pk, "commercial_invoice", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert "commercial_invoice" in zh.json()["errors"][0]["message"]  # type: ignore[attr-defined]
    assert ", ".join(DocumentKind.values) in zh.json()["errors"][0]["message"]  # type: ignore[attr-defined]
    assert not AttachedDocument.objects.exists()


def test_the_schema_documents_the_kinds_of_document_as_an_enum(api_a: APIClient) -> None:
    schema = api_a.get("/api/schema/?format=json").json()
    components = schema["components"]["schemas"]
    kind = components["DocumentUploadRequest"]["properties"]["kind"]
    enum = components[kind["$ref"].rsplit("/", 1)[1]]["enum"] if "$ref" in kind else kind["enum"]
    assert enum == list(DocumentKind.values)


def test_a_retried_upload_with_the_same_key_attaches_the_file_once(api_a: APIClient, user_a: User) -> None:
    draft = factories.valid_draft(user_a, documents=False)
    first = upload(api_a, draft.pk, "invoice", HTTP_IDEMPOTENCY_KEY="erp-upload-1")
    assert first.status_code == 201, first.content  # type: ignore[attr-defined]
    again = upload(api_a, draft.pk, "invoice", HTTP_IDEMPOTENCY_KEY="erp-upload-1")
    assert (again.status_code, again.json()) == (201, first.json())  # type: ignore[attr-defined]
    assert again.headers["Idempotent-Replayed"] == "true"  # type: ignore[attr-defined]
    assert AttachedDocument.objects.filter(declaration=draft).count() == 1
    other = upload(api_a, draft.pk, "packing_list", HTTP_IDEMPOTENCY_KEY="erp-upload-1")
    assert other.status_code == 422  # type: ignore[attr-defined]
    assert AttachedDocument.objects.filter(declaration=draft).count() == 1


def multipart(boundary: str, kind: str, content: bytes) -> bytes:
    """A multipart body as an HTTP library writes it: each request with a boundary of its own."""
    return b"".join(
        [
            f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\n{kind}\r\n'.encode(),
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="inv.pdf"\r\n'.encode(),
            b"Content-Type: application/pdf\r\n\r\n",
            content,
            f"\r\n--{boundary}--\r\n".encode(),
        ]
    )


def test_a_retry_is_recognised_though_its_multipart_boundary_is_new(api_a: APIClient, user_a: User) -> None:
    draft = factories.valid_draft(user_a, documents=False)
    answers = []
    for boundary in ("a1b2c3d4e5f6", "0f9e8d7c6b5a"):  # requests, curl…: a random boundary per request
        answers.append(
            api_a.generic(
                "POST",
                f"/api/v1/declarations/{draft.pk}/documents/",
                multipart(boundary, "invoice", blank_pdf()),
                content_type=f"multipart/form-data; boundary={boundary}",
                HTTP_IDEMPOTENCY_KEY="erp-upload-2",
            )
        )
    assert [a.status_code for a in answers] == [201, 201], answers[0].content
    assert answers[1].json() == answers[0].json() and answers[1].headers["Idempotent-Replayed"] == "true"
    assert AttachedDocument.objects.filter(declaration=draft).count() == 1


def test_the_same_key_with_another_file_of_the_same_name_is_a_422(api_a: APIClient, user_a: User) -> None:
    draft = factories.valid_draft(user_a, documents=False)
    answers = [
        api_a.generic(
            "POST",
            f"/api/v1/declarations/{draft.pk}/documents/",
            multipart("b0undary", "invoice", blank_pdf(title)),
            content_type="multipart/form-data; boundary=b0undary",
            HTTP_IDEMPOTENCY_KEY="erp-upload-3",
        )
        for title in ("invoice 1", "invoice 2")  # both inv.pdf, another content
    ]
    assert [a.status_code for a in answers] == [201, 422], answers[1].content
    assert AttachedDocument.objects.filter(declaration=draft).count() == 1
