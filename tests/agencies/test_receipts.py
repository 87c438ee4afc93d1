"""Receipts: signed, parsed safely, deduplicated, read in the agency's order; bad ones quarantined."""

from __future__ import annotations

import pytest
from django.test import Client

from agencies.models import QuarantinedReceipt
from declarations import services
from declarations.models import Declaration, Event, InspectionAppointment
from declarations.timeline import timeline_for
from singlewindow.models import User

from .. import factories
from ..clients import web
from .receipts import branch, envelope, post, receipt, release_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(user_a: User) -> Declaration:
    declaration = factories.valid_draft(user_a)
    services.declaration_submit(declaration=declaration, user=user_a)
    declaration.refresh_from_db()
    return declaration


def test_released_by_every_agency_means_released(client: Client, submitted: Declaration) -> None:
    customs = branch(submitted, "customs")
    post(client, envelope(receipt(customs, "received", 1), receipt(customs, "released", 2)))
    submitted.refresh_from_db()
    assert submitted.status == "submitted"
    assert timeline_for(submitted).waiting_for == ["检验检疫"]  # type: ignore[union-attr]
    release_all(client, submitted)
    submitted.refresh_from_db()
    assert submitted.status == "released"
    assert timeline_for(submitted).released  # type: ignore[union-attr]


def test_duplicate_receipts_are_stored_once(client: Client, submitted: Declaration) -> None:
    customs = branch(submitted, "customs")
    body = envelope(receipt(customs, "received", 1, receipt_id="dup-1"))
    assert post(client, body).status_code == 202
    assert post(client, body).status_code == 202
    assert Event.objects.filter(receipt_id="dup-1").count() == 1


def test_out_of_order_receipts_follow_the_agencys_sequence(client: Client, submitted: Declaration) -> None:
    for agency in ("customs", "inspection"):
        d = branch(submitted, agency)
        post(client, envelope(receipt(d, "released", 3)))
        post(client, envelope(receipt(d, "accepted", 2), receipt(d, "received", 1)))
    submitted.refresh_from_db()
    assert submitted.status == "released"
    assert [b.state for b in timeline_for(submitted).branches] == ["released", "released"]  # type: ignore[union-attr]


def test_rejection_names_the_field_and_the_firm_can_correct_and_resubmit(
    client: Client, submitted: Declaration, user_a: User
) -> None:
    customs = branch(submitted, "customs")
    post(
        client,
        envelope(
            receipt(customs, "received", 1),
            receipt(customs, "rejected", 2, reason="毛重与舱单不符", field="DecHead/GrossWet"),
        ),
    )
    submitted.refresh_from_db()
    assert submitted.status == "rejected" and submitted.is_draft
    rejected = next(b for b in timeline_for(submitted).branches if b.agency == "customs")  # type: ignore[union-attr]
    assert (rejected.reason, rejected.field) == ("毛重与舱单不符", "毛重(千克)")
    assert not rejected.waiting  # the firm must act, not the agency

    services.declaration_save_draft(declaration=submitted, user=user_a, header={"gross_weight": "2460.5"})
    version = services.declaration_submit(declaration=submitted, user=user_a)
    assert version.number == 2 and version.pre_entry_no == submitted.pre_entry_no
    assert branch(submitted, "inspection").status == "pending"
    assert branch(submitted, "inspection").version.number == 2
    assert submitted.versions.get(number=1).deliveries.get(agency="inspection").status == "cancelled"
    assert {e.version.number for e in timeline_for(submitted).events} == {1, 2}  # type: ignore[union-attr]


def test_two_inspection_orders_become_one_joint_inspection(client: Client, submitted: Declaration) -> None:
    for agency in ("customs", "inspection"):
        d = branch(submitted, agency)
        post(client, envelope(receipt(d, "accepted", 1), receipt(d, "inspection_ordered", 2, goods="1,2")))
    appointment = InspectionAppointment.objects.get()
    assert appointment.agencies == ["customs", "inspection"]
    assert appointment.goods == "1,2"
    assert appointment.place == "洋山深水港四期码头"
    assert appointment.scheduled_at.astimezone().hour in (9, 14) or appointment.scheduled_at.hour in (1, 6)


def test_duties_show_unpaid_until_the_payment_receipt(client: Client, submitted: Declaration) -> None:
    customs = branch(submitted, "customs")
    post(client, envelope(receipt(customs, "duties_assessed", 2, duties="1234.50")))
    duties = timeline_for(submitted).duties  # type: ignore[union-attr]
    assert (str(duties["amount"]), duties["payment"]) == ("1234.50", "unpaid")  # type: ignore[index]
    post(client, envelope(receipt(customs, "payment", 3, payment="paid")))
    assert timeline_for(submitted).duties["payment"] == "paid"  # type: ignore[union-attr,index]


def test_unsigned_or_wrongly_signed_receipts_are_refused_and_change_nothing(
    client: Client, submitted: Declaration
) -> None:
    body = envelope(receipt(branch(submitted, "customs"), "released", 1))
    assert post(client, body, signed=False).status_code == 401
    assert post(client, body, sig="sha256=" + "0" * 64).status_code == 401
    assert not Event.objects.filter(receipt_id__isnull=False).exists()
    assert not QuarantinedReceipt.objects.exists()


LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>'
    b'<Receipts xmlns="urn:singlewindow:receipt:1">&lol2;</Receipts>'
)
XXE = (
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b'<Receipts xmlns="urn:singlewindow:receipt:1"><Receipt><ReceiptId>&xxe;</ReceiptId></Receipt></Receipts>'
)


def test_the_receipt_parser_expands_no_entity_and_reads_no_file() -> None:
    from lxml import etree

    from singlewindow.untrusted import safe_xml_parser as safe_parser  # the one the receipt reader uses

    assert "lollol" not in etree.tostring(etree.fromstring(LAUGHS, safe_parser())).decode()
    assert "root:" not in etree.tostring(etree.fromstring(XXE, safe_parser())).decode()


@pytest.mark.parametrize(
    "body",
    [
        b"<Receipts><Receipt>not closed",
        LAUGHS,
        XXE,
        b'<Receipts xmlns="urn:singlewindow:receipt:1"><Receipt><ReceiptId>x</ReceiptId></Receipt></Receipts>',
    ],
    ids=["malformed", "entity-expansion", "external-entity", "invalid"],
)
def test_unreadable_receipts_are_quarantined_and_nothing_else_changes(
    client: Client, submitted: Declaration, body: bytes
) -> None:
    response = post(client, body)
    assert response.status_code == 400
    kept = QuarantinedReceipt.objects.get()
    assert bytes(kept.body) == body
    assert not Event.objects.filter(receipt_id__isnull=False).exists()
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_receipts_for_unknown_messages_are_quarantined(client: Client, submitted: Declaration) -> None:
    customs = branch(submitted, "customs")
    customs.message_id = "nobody-sent-this"
    response = post(client, envelope(receipt(customs, "released", 1)))
    assert response.status_code == 202
    assert "nobody-sent-this" in QuarantinedReceipt.objects.get().reason
    assert not Event.objects.filter(receipt_id__isnull=False).exists()


def test_the_timeline_api_and_the_officers_shared_view(client: Client, submitted: Declaration, user_a: User) -> None:
    from rest_framework.test import APIClient

    from singlewindow.choices import Agency

    factories.delivered(submitted)  # officers see what was delivered to their agency
    release_all(client, submitted)
    api = APIClient()
    api.force_authenticate(user_a)
    response = api.get(f"/api/v1/declarations/{submitted.pk}/timeline/")
    data = response.json()
    assert response.status_code == 200 and "branches" in data, data
    assert data["released"] is True and [b["state"] for b in data["branches"]] == ["released", "released"]
    officer = APIClient()
    officer.force_authenticate(factories.officer(Agency.INSPECTION))
    shared = officer.get(f"/api/v1/declarations/{submitted.pk}/timeline/").json()
    assert {b["agency"]: b["state"] for b in shared["branches"]} == {"customs": "released", "inspection": "released"}
    foreign = APIClient()
    foreign.force_authenticate(factories.clerk())
    assert foreign.get(f"/api/v1/declarations/{submitted.pk}/timeline/").status_code == 404


def test_officers_see_what_was_submitted_not_the_firms_corrections(
    client: Client, submitted: Declaration, user_a: User
) -> None:
    from singlewindow.choices import Agency

    factories.delivered(submitted)  # officers see what was delivered to their agency
    customs = branch(submitted, "customs")
    post(client, envelope(receipt(customs, "rejected", 1, reason="提单号有误", field="DecHead/BillNo")))
    submitted.refresh_from_db()
    services.declaration_save_draft(declaration=submitted, user=user_a, header={"bill_of_lading": "FIXED123456"})
    officer = web(factories.officer(Agency.CUSTOMS))  # with the second factor verified
    page = officer.get(f"/declarations/{submitted.pk}/").content.decode()
    assert "COSU6234567890" in page and "FIXED123456" not in page
    assert "提单号有误" in page


def test_one_task_records_every_waiting_batch_and_later_tasks_do_nothing(submitted: Declaration) -> None:
    from agencies.models import ReceiptBatch
    from agencies.receipts import receipts_record

    customs, inspection = branch(submitted, "customs"), branch(submitted, "inspection")
    first = ReceiptBatch.objects.create(body=envelope(receipt(customs, "released", 1)))
    second = ReceiptBatch.objects.create(body=envelope(receipt(inspection, "released", 1)))
    recorded = receipts_record(batch_id=first.pk)
    assert recorded is not None and recorded.stored == 2
    assert receipts_record(batch_id=second.pk) is None
    assert not ReceiptBatch.objects.filter(processed_at=None).exists()
    submitted.refresh_from_db()
    assert submitted.status == "released"


def test_the_firm_reads_its_released_declaration_with_the_status_change_in_its_history(
    client: Client, submitted: Declaration, user_a: User
) -> None:
    release_all(client, submitted)
    firm = Client()
    firm.force_login(user_a)
    response = firm.get(f"/declarations/{submitted.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "各监管部门均已放行" in page
    assert "根据监管部门回执变更状态" in page
