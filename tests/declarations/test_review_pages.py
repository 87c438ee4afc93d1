"""The draft exchange on the declaration page, and the notifications it sends."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import TestCase

from declarations.models import Declaration
from singlewindow.models import Notification, User

from .. import factories
from ..clients import api, web

pytestmark = pytest.mark.django_db


@pytest.fixture
def exchange() -> tuple[User, User, Declaration]:
    clerk = factories.clerk(language="en")
    broker = factories.broker(clerk.organisation)
    draft = factories.valid_draft(clerk)
    draft.prepared_by = broker.organisation
    draft.save()
    return clerk, broker, draft


def test_the_client_is_told_in_its_language_reviews_comments_next_to_the_field_and_approves(
    exchange: tuple[User, User, Declaration],
) -> None:
    clerk, broker, draft = exchange
    page = f"/declarations/{draft.pk}/"
    with TestCase.captureOnCommitCallbacks(execute=True):
        sent = web(broker).post(f"{page}review/send/", {"note": "请核对"})
    assert sent.status_code == 302

    notification = Notification.objects.get(recipient=clerk)
    assert notification.url == page
    [email] = mail.outbox
    assert email.to == [clerk.email] and "for your review" in email.body and page in email.body
    assert broker.organisation.name_en in email.body  # the broker by its English name, for an English reader
    listed = web(clerk).get("/notifications/").content.decode()
    assert "发给您审核" in listed  # the page speaks the reader's page language (Chinese by default)

    client = web(clerk)
    shown = client.get(page).content.decode()
    assert 'id="review"' in shown and 'id="approve"' in shown
    client.post(f"{page}review/comment/", {"field": "gross_weight", "text": "毛重应为2460.5"})
    client.post(f"{page}review/comment/", {"line": "2", "line_field": "unit_price", "text": "单价偏高"})
    shown = client.get(page).content.decode()
    gross = shown.index('id="field-gross_weight"')
    assert shown.index("毛重应为2460.5") > gross and shown.index("毛重应为2460.5") < shown.index("</div>", gross + 200)
    assert "单价偏高" in shown
    assert Notification.objects.filter(recipient__organisation=broker.organisation, kind="commented").count() == 2

    assert client.post(f"{page}review/approve/").status_code == 302
    draft.refresh_from_db()
    assert draft.review_state == "approved"
    assert Notification.objects.filter(recipient=broker, kind="approved").exists()


def test_the_broker_sees_what_changed_since_the_client_last_saw_it(exchange: tuple[User, User, Declaration]) -> None:
    clerk, broker, draft = exchange
    page = f"/declarations/{draft.pk}/"
    web(broker).post(f"{page}review/send/")
    Declaration.objects.filter(pk=draft.pk).update(gross_weight="2460.5")
    web(broker).post(f"{page}review/send/")
    shown = web(clerk).get(page).content.decode()
    table = shown[shown.index('id="review-changes"') :]
    assert "2450.5" in table and "2460.5" in table


def test_a_comment_on_no_field_of_the_declaration_is_refused_and_nothing_is_kept(
    exchange: tuple[User, User, Declaration],
) -> None:
    clerk, _broker, draft = exchange
    response = web(clerk).post(
        f"/declarations/{draft.pk}/review/comment/", {"field": "salary", "text": "x"}, follow=True
    )
    assert "请指明" in response.content.decode() or "Name a field" in response.content.decode()
    assert not draft.comments.exists()


def test_notifications_are_read_one_by_one_or_all_and_only_ones_own() -> None:
    clerk, other = factories.clerk(), factories.clerk()
    from declarations.choices import APPROVED
    from singlewindow.notifications import notify

    notify(users=[clerk], kind=APPROVED, url="/declarations/", params={"by": "X", "declaration": "#1"})
    [mine] = Notification.objects.filter(recipient=clerk)
    assert web(other).post("/notifications/read/", {"notification": mine.pk}).status_code == 404
    assert web(clerk).get("/declarations/").content.decode().count('id="unread-count"') == 1
    followed = web(clerk).post("/notifications/read/", {"notification": mine.pk})
    assert followed.status_code == 302 and followed["Location"] == "/declarations/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert 'id="unread-count"' not in web(clerk).get("/declarations/").content.decode()


def test_choosing_a_language_is_remembered_for_emails() -> None:
    clerk = factories.clerk()
    web(clerk).post("/i18n/setlang/", {"language": "en", "next": "/declarations/"})
    clerk.refresh_from_db()
    assert clerk.language == "en"


def test_every_revision_is_kept_and_readable_as_it_was_sent(exchange: tuple[User, User, Declaration]) -> None:
    clerk, broker, draft = exchange
    page = f"/declarations/{draft.pk}/"
    web(broker).post(f"{page}review/send/")
    Declaration.objects.filter(pk=draft.pk).update(gross_weight="2460.5")
    web(broker).post(f"{page}review/send/")
    Declaration.objects.filter(pk=draft.pk).update(gross_weight="2470.5")

    first = web(clerk).get(f"{page}?revision=1").content.decode()
    assert 'id="revision-banner"' in first and "2450.5" in first and "2470.5" not in first
    assert "2460.5" in web(clerk).get(f"{page}?revision=2").content.decode()
    assert web(clerk).get(f"{page}?revision=9").status_code == 404
    changes = api(clerk).get(f"/api/v1/declarations/{draft.pk}/diff/?from=r1&to=r2").json()
    assert [(c["path"], c["before"], c["after"]) for c in changes] == [("gross_weight", "2450.5", "2460.5")]
    assert web(factories.clerk()).get(f"{page}?revision=1").status_code == 404


def test_a_broker_whose_delegation_ended_hears_nothing_more_and_cannot_be_handed_the_draft(
    exchange: tuple[User, User, Declaration],
) -> None:
    from singlewindow.models import Delegation

    clerk, broker, draft = exchange
    page = f"/declarations/{draft.pk}/"
    web(broker).post(f"{page}review/send/")
    Delegation.objects.filter(broker=broker.organisation).update(status="revoked")
    web(clerk).post(f"{page}review/comment/", {"field": "gross_weight", "text": "我们的真实单价是3.10"})
    assert not Notification.objects.filter(recipient=broker, kind="commented").exists()
    handed = web(clerk).post(f"{page}review/send/", follow=True).content.decode()
    assert "委托已结束" in handed or "delegation to this broker has ended" in handed
    draft.refresh_from_db()
    assert draft.review_state == "with_client" and draft.revisions.count() == 1


def test_an_email_retry_sends_only_what_did_not_go(exchange: tuple[User, User, Declaration]) -> None:
    from singlewindow.emails import email_notifications

    clerk, broker, draft = exchange
    colleague = factories.clerk(org=clerk.organisation)
    with TestCase.captureOnCommitCallbacks(execute=True):
        web(broker).post(f"/declarations/{draft.pk}/review/send/")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([clerk.email, colleague.email])
    ids = list(Notification.objects.values_list("pk", flat=True))
    assert email_notifications(ids) == 0 and len(mail.outbox) == 2


def test_the_broker_reads_the_clients_comments_beside_the_fields_of_the_edit_form(
    exchange: tuple[User, User, Declaration],
) -> None:
    clerk, broker, draft = exchange
    page = f"/declarations/{draft.pk}/"
    web(broker).post(f"{page}review/send/")
    web(clerk).post(f"{page}review/comment/", {"field": "gross_weight", "text": "毛重应为2460.5"})
    web(clerk).post(f"{page}review/comment/", {"line": "2", "line_field": "unit_price", "text": "单价偏高"})
    form = web(broker).get(f"{page}edit/").content.decode()

    def block(input_id: str) -> str:  # the field's block: its label, input, hint and notes
        start = form.rindex('<div class="field', 0, form.index(f'id="{input_id}"'))
        return form[start : form.index('<div class="field', start + 1)]

    assert "毛重应为2460.5" in block("id_gross_weight") and "毛重应为2460.5" not in block("id_net_weight")
    assert "单价偏高" in block("id_lines-1-unit_price") and "单价偏高" not in block("id_lines-0-unit_price")


def test_documents_added_after_approval_show_in_the_clients_diff_and_the_broker_is_told_why(
    exchange: tuple[User, User, Declaration],
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from declarations import services
    from declarations.examples import blank_pdf

    clerk, broker, draft = exchange
    page = f"/declarations/{draft.pk}/"
    web(broker).post(f"{page}review/send/")
    web(clerk).post(f"{page}review/approve/")
    invoice = draft.documents.get(kind="invoice")
    services.document_remove(document=invoice, user=broker)
    services.document_attach(
        declaration=draft, user=broker, kind="invoice", upload=SimpleUploadedFile("inv-2.pdf", blank_pdf("new"))
    )
    told = web(broker).get(page).content.decode()
    assert 'id="approval-withdrawn"' in told and "inv-2.pdf" in told  # why it is no longer approved

    web(broker).post(f"{page}review/send/")
    seen = web(clerk).get(page).content.decode()
    changes = seen[seen.index('id="review-changes"') : seen.index("</table>", seen.index('id="review-changes"'))]
    assert "商业发票" in changes and "inv-2.pdf" in changes and invoice.original_name in changes
    assert "最近两稿之间没有修改" not in seen


def test_the_clients_return_reads_as_a_return_and_the_broker_reads_the_note(
    exchange: tuple[User, User, Declaration],
) -> None:
    clerk, broker, draft = exchange
    page = f"/declarations/{draft.pk}/"
    web(broker).post(f"{page}review/send/")
    returned = web(clerk).post(f"{page}review/send/", {"note": "请修改件数"}, follow=True).content.decode()
    assert "Returned to the customs broker." in returned or "已发回报关企业" in returned
    assert "Revision 2 sent" not in returned and "第 2 稿已发送" not in returned

    [told] = Notification.objects.filter(recipient=broker, kind="returned_to_broker")
    assert "请修改件数" in told.message  # the client's note, in the one notification of the return
    assert not Notification.objects.filter(recipient=broker, kind="commented").exists()

    shown = web(broker).get(page).content.decode()
    note = shown[shown.index('id="review-note"') : shown.index("</div>", shown.index('id="review-note"'))]
    assert "请修改件数" in note
    history = shown[shown.index('class="table history"') :]
    assert "Returned to the customs broker" in history or "已发回报关企业" in history
    assert "已发送修改稿" not in history.split("</tr>")[1]  # the newest row is the return
