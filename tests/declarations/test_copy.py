"""Copying a declaration for the next shipment of the same goods, as the clerk sees it."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from declarations import selectors, services
from declarations.choices import DocumentKind
from declarations.examples import blank_pdf
from declarations.history import label_of
from declarations.models import Declaration
from singlewindow.models import User

from .. import factories
from ..clients import web

pytestmark = pytest.mark.django_db


def test_a_copy_of_a_declaration_with_documents_opens_and_its_history_says_what_was_copied(user_a: User) -> None:
    source = factories.valid_draft(user_a)
    services.document_attach(
        declaration=source, user=user_a, kind=DocumentKind.CONTRACT,
        upload=SimpleUploadedFile("contract.pdf", blank_pdf("contract")),
    )  # fmt: skip
    client = web(user_a)
    copied = client.post(f"/declarations/{source.pk}/copy/")
    copy = Declaration.objects.exclude(pk=source.pk).get(owner=user_a.organisation)
    assert copied["Location"] == f"/declarations/{copy.pk}/edit/"

    page = client.get(f"/declarations/{copy.pk}/")
    assert page.status_code == 200
    shown = page.content.decode()
    assert f"#{source.pk}" in shown  # 复制自 #7
    with translation.override("zh-hans"):
        copied_one = translation.ngettext("%(n)d copied", "%(n)d copied", 1) % {"n": 1}
    assert "随附单证" in shown and copied_one in shown  # the contract: the invoice and packing list stay behind
    assert "其他数据" not in shown  # no key read as "other data"


def test_submitting_a_copy_lands_on_its_page(user_a: User) -> None:
    from .test_pages import form_data

    source = factories.valid_draft(user_a)
    copy = services.declaration_copy(source=source, user=user_a)
    for kind in (DocumentKind.INVOICE, DocumentKind.PACKING_LIST):
        services.document_attach(
            declaration=copy, user=user_a, kind=kind, upload=SimpleUploadedFile(f"{kind}.pdf", blank_pdf(kind))
        )
    copy.refresh_from_db()
    client = web(user_a)
    posted = form_data(copy, bill_of_lading="COSU6234567999", import_export_date=str(source.import_export_date))
    submitted = client.post(f"/declarations/{copy.pk}/edit/", {**posted, "action": "submit"})
    assert submitted.status_code == 302 and submitted["Location"] == f"/declarations/{copy.pk}/"
    assert client.get(submitted["Location"]).status_code == 200


def test_label_of_never_fails_on_a_key_that_is_not_a_field() -> None:
    assert label_of("documents")  # a reverse relation: labelled, not an AttributeError
    assert label_of("lines") and label_of("no_such_key") == "其他数据"


def test_the_copys_edit_page_names_what_to_fill_for_the_new_shipment(user_a: User) -> None:
    source = factories.valid_draft(user_a)
    client = web(user_a)
    response = client.post(f"/declarations/{source.pk}/copy/", follow=True)
    shown = response.content.decode()
    for label in ("提运单号", "航次号", "进出口日期"):
        assert label in shown
    copy = Declaration.objects.exclude(pk=source.pk).get(owner=user_a.organisation)
    assert copy.bill_of_lading == "" and copy.containers.count() == 0 and copy.documents.count() == 0


def test_a_bill_of_lading_already_submitted_is_flagged_on_the_edit_page(user_a: User, user_b: User) -> None:
    first = factories.valid_draft(user_a)
    services.declaration_submit(declaration=first, user=user_a)
    first.refresh_from_db()
    again = factories.valid_draft(user_a)  # the same bill, COSU6234567890
    page = web(user_a).get(f"/declarations/{again.pk}/edit/").content.decode()
    assert 'id="bill-shared"' in page and first.pre_entry_no in page

    others = factories.valid_draft(user_b)  # another enterprise's declaration is none of its business
    assert 'id="bill-shared"' not in web(user_b).get(f"/declarations/{others.pk}/edit/").content.decode()
    exported = factories.valid_draft(user_a, direction="export")
    assert selectors.declarations_sharing_bill(user=user_a, declaration=exported) == []
    services.declaration_save_draft(declaration=again, user=user_a, header={"bill_of_lading": "COSU6234567891"})
    assert 'id="bill-shared"' not in web(user_a).get(f"/declarations/{again.pk}/edit/").content.decode()


def test_a_broker_is_shown_only_the_declarations_sharing_the_bill_that_its_delegation_covers(user_a: User) -> None:
    general = factories.valid_draft(user_a)
    services.declaration_submit(declaration=general, user=user_a)
    bonded = factories.valid_draft(user_a)
    services.declaration_submit(declaration=bonded, user=user_a)
    Declaration.objects.filter(pk=bonded.pk).update(kind="bonded")  # a kind the broker was not delegated
    assert user_a.organisation is not None
    broker = factories.broker(user_a.organisation, kinds=["general"])
    draft = factories.valid_draft(user_a)  # the same bill again
    assert selectors.declarations_sharing_bill(user=broker, declaration=draft) == [general]
    assert set(selectors.declarations_sharing_bill(user=user_a, declaration=draft)) == {general, bonded}
