"""The draft exchange between a customs broker and its client."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from django.utils.translation import gettext

from declarations.choices import DocumentKind, ReviewState
from declarations.examples import blank_pdf, example_header
from declarations.models import AttachedDocument, Declaration
from singlewindow.choices import OrganisationKind
from singlewindow.models import Delegation, User

from .. import factories
from ..clients import api

pytestmark = pytest.mark.django_db


@pytest.fixture
def parties(db: None) -> tuple[User, User]:
    """A client's clerk and a broker holding a delegation that allows submitting."""
    clerk = factories.clerk()
    broker = factories.UserFactory(organisation=factories.OrganisationFactory(kind=OrganisationKind.BROKER))
    today = timezone.localdate()
    Delegation.objects.create(client=clerk.organisation, broker=broker.organisation, status="active", may_submit=True,
                              valid_from=today, valid_until=today + timedelta(days=30), proposed_by=clerk.organisation)  # fmt: skip
    return clerk, broker


@pytest.fixture
def brokered(parties: tuple[User, User]) -> tuple[User, User, str]:
    """A complete draft of the client's that its broker prepares, and its API address."""
    clerk, broker = parties
    draft = factories.valid_draft(clerk)
    draft.prepared_by = broker.organisation
    draft.save()
    return clerk, broker, f"/api/v1/declarations/{draft.pk}"


def test_broker_prepares_client_reviews_comments_broker_revises_client_approves_broker_submits(
    brokered: tuple[User, User, str],
) -> None:
    clerk, broker, url = brokered
    assert api(broker).post(f"{url}/submit/").status_code == 409  # not approved yet

    assert api(broker).post(f"{url}/review/send/", {"note": "请核对毛重"}, format="json").status_code == 201
    assert api(clerk).get(f"{url}/review/").json()["state"] == "with_client"
    comment = api(clerk).post(
        f"{url}/review/comments/", {"field": "gross_weight", "text": "毛重应为2460.5"}, format="json"
    )
    assert comment.status_code == 201
    assert api(broker).get(f"{url}/review/").json()["comments"][0]["text"] == "毛重应为2460.5"

    header = {k: str(v) for k, v in example_header().items()} | {"gross_weight": "2460.5"}
    assert api(broker).patch(f"{url}/", header, format="json").status_code == 200
    api(broker).post(f"{url}/review/send/", {}, format="json")
    seen = api(clerk).get(f"{url}/review/").json()
    assert [c["path"] for c in seen["changes_since_previous"]] == ["gross_weight"]
    assert seen["changes_since_previous"][0]["before"] == "2450.5"
    assert api(clerk).post(f"{url}/review/approve/").status_code == 200
    assert api(broker).post(f"{url}/submit/").status_code == 201


def test_a_change_after_approval_withdraws_it(brokered: tuple[User, User, str]) -> None:
    clerk, broker, url = brokered
    api(broker).post(f"{url}/review/send/", {}, format="json")
    api(clerk).post(f"{url}/review/approve/")
    assert api(broker).patch(f"{url}/", {"packages": 121}, format="json").status_code == 200
    assert api(broker).get(f"{url}/review/").json()["state"] == ""
    assert api(broker).post(f"{url}/submit/").status_code == 409


def test_a_client_hands_its_draft_to_the_broker_who_may_then_submit(brokered: tuple[User, User, str]) -> None:
    clerk, broker, url = brokered
    assert api(clerk).post(f"{url}/review/send/", {}, format="json").json()["sent_to"] == "with_broker"
    assert api(broker).post(f"{url}/submit/").status_code == 201


def test_only_the_client_approves_and_strangers_get_404(brokered: tuple[User, User, str]) -> None:
    clerk, broker, url = brokered
    api(broker).post(f"{url}/review/send/", {}, format="json")
    assert api(broker).post(f"{url}/review/approve/").status_code == 409
    assert (
        api(clerk).post(f"{url}/review/comments/", {"field": "not a field!", "text": "x"}, format="json").status_code
        == 409
    )
    stranger = api(factories.clerk())
    for method, path in (
        ("get", "review/"),
        ("post", "review/send/"),
        ("post", "review/comments/"),
        ("post", "review/approve/"),
    ):
        assert getattr(stranger, method)(f"{url}/{path}", {}, format="json").status_code == 404


# The approval binds the content and its attached documents -----------------------------------------


def approved(brokered: tuple[User, User, str]) -> tuple[User, User, str, Declaration]:
    clerk, broker, url = brokered
    assert api(broker).post(f"{url}/review/send/", {}, format="json").status_code == 201
    assert api(clerk).post(f"{url}/review/approve/").status_code == 200
    return clerk, broker, url, Declaration.objects.get(pk=int(url.rsplit("/", 1)[1]))


def test_replacing_a_document_after_approval_withdraws_it(brokered: tuple[User, User, str]) -> None:
    _clerk, broker, url, declaration = approved(brokered)
    invoice = declaration.documents.get(kind=DocumentKind.INVOICE)
    assert api(broker).delete(f"{url}/documents/{invoice.pk}/").status_code == 204
    upload = SimpleUploadedFile("invoice-2.pdf", blank_pdf("another invoice"), "application/pdf")
    assert (
        api(broker).post(f"{url}/documents/", {"kind": "invoice", "file": upload}, format="multipart").status_code
        == 201
    )
    assert api(broker).get(f"{url}/review/").json()["state"] == ""
    assert api(broker).post(f"{url}/submit/").status_code == 409


def test_adding_a_document_after_approval_withdraws_it(brokered: tuple[User, User, str]) -> None:
    _clerk, broker, url, declaration = approved(brokered)
    upload = SimpleUploadedFile("contract.pdf", blank_pdf("contract"), "application/pdf")
    assert (
        api(broker).post(f"{url}/documents/", {"kind": "contract", "file": upload}, format="multipart").status_code
        == 201
    )
    declaration.refresh_from_db()
    assert declaration.review_state == ReviewState.NONE
    assert api(broker).post(f"{url}/submit/").status_code == 409


def test_removing_a_document_after_approval_withdraws_it(brokered: tuple[User, User, str]) -> None:
    _clerk, broker, url, declaration = approved(brokered)
    packing_list = declaration.documents.get(kind=DocumentKind.PACKING_LIST)
    assert api(broker).delete(f"{url}/documents/{packing_list.pk}/").status_code == 204
    assert api(broker).get(f"{url}/review/").json()["state"] == ""
    assert api(broker).post(f"{url}/submit/").status_code == 409


def test_the_approval_is_bound_to_the_digest_of_what_the_client_saw(brokered: tuple[User, User, str]) -> None:
    """A document changed by any path that skips the services still voids the approval: the broker
    submits only the content and documents whose digest the client approved."""
    _clerk, broker, url, declaration = approved(brokered)
    AttachedDocument.objects.filter(declaration=declaration, kind=DocumentKind.INVOICE).update(sha256="0" * 64)
    refused = api(broker).post(f"{url}/submit/")
    with translation.override(broker.language):
        changed = gettext("The draft or its documents changed after the client approved it; send it again.")
    assert refused.status_code == 409 and refused.json()["errors"][0]["message"] == changed
    AttachedDocument.objects.filter(declaration=declaration, kind=DocumentKind.INVOICE).update(
        sha256=_sha_of(declaration)
    )
    assert api(broker).post(f"{url}/submit/").status_code == 201


def _sha_of(declaration: Declaration) -> str:
    """The invoice's real digest, read from its file."""
    document = declaration.documents.get(kind=DocumentKind.INVOICE)
    return hashlib.sha256(document.file.read()).hexdigest()
