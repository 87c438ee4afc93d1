"""Final means final: a released or rejected branch is not reopened by a later receipt (kept for the
record, shown as ignored); an agency withdraws a release only by revoking it, with its reason, and a
vessel whose release is revoked loses its port clearance. Amounts in receipts are bounded by the schema
and served as text."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.test import Client, TestCase
from django.utils import timezone

from agencies.models import QuarantinedReceipt
from declarations import services
from declarations.events import AgencyEvent, events_record
from declarations.models import Declaration, Delivery, Event, InspectionAppointment
from declarations.timeline import timeline_for
from singlewindow.models import User
from vessels import services as vessel_services
from vessels.certificate import verify_url_for
from vessels.choices import CertificateState
from vessels.models import PortClearance

from .. import factories
from ..clients import api, web
from ..vessels.test_filing import release_everywhere
from .receipts import branch, envelope, post, receipt, release_all

pytestmark = pytest.mark.django_db

REASON = "放行后发现申报价格明显偏低"


@pytest.fixture
def submitted(user_a: User) -> Declaration:
    declaration = factories.valid_draft(user_a)
    services.declaration_submit(declaration=declaration, user=user_a)
    return factories.delivered(declaration)


def customs_branch(declaration: Declaration) -> dict:  # type: ignore[type-arg]
    timeline = timeline_for(declaration)
    assert timeline is not None
    return next(vars(b) for b in timeline.branches if b.agency == "customs")


def test_a_late_inspection_or_acceptance_after_the_release_is_kept_but_changes_nothing(
    client: Client, submitted: Declaration, user_a: User
) -> None:
    release_all(client, submitted)  # sequences 1-3, the last "released"
    customs = branch(submitted, "customs")
    late = envelope(receipt(customs, "inspection_ordered", 4, goods="1"), receipt(customs, "accepted", 5))
    assert post(client, late).status_code == 202

    submitted.refresh_from_db()
    assert submitted.status == "released"
    assert customs_branch(submitted)["state"] == "released"
    assert not InspectionAppointment.objects.exists()  # a late order books no inspection
    assert Event.objects.filter(version__declaration=submitted, agency="customs").count() == 5  # kept, all of them
    data = api(user_a).get(f"/api/v1/declarations/{submitted.pk}/timeline/").json()
    assert data["status"] == "released"
    ignored = [(e["kind"], e["details"].get("goods")) for e in data["events"] if e["ignored"]]
    assert ignored == [("inspection_ordered", "1"), ("accepted", None)]
    page = web(user_a).get(f"/declarations/{submitted.pk}/").content.decode()
    assert page.count('class="ignored"') == 2


def test_a_release_after_a_rejection_does_not_reopen_the_branch(client: Client, submitted: Declaration) -> None:
    customs = branch(submitted, "customs")
    post(client, envelope(receipt(customs, "received", 1), receipt(customs, "rejected", 2, reason="毛重与舱单不符")))
    post(client, envelope(receipt(customs, "released", 3)))
    inspection = branch(submitted, "inspection")
    post(client, envelope(receipt(inspection, "released", 1)))
    submitted.refresh_from_db()
    assert submitted.status == "rejected" and submitted.is_draft
    assert customs_branch(submitted)["state"] == "rejected"
    timeline = timeline_for(submitted)
    assert timeline is not None
    assert [e.kind for e in timeline.events if e.ignored] == ["released"]


def test_an_agency_revokes_its_release_with_a_reason_the_timeline_shows(
    client: Client, submitted: Declaration, user_a: User
) -> None:
    release_all(client, submitted)
    customs = branch(submitted, "customs")
    assert post(client, envelope(receipt(customs, "release_revoked", 4, reason=REASON))).status_code == 202
    submitted.refresh_from_db()
    assert submitted.status == "revoked"
    assert {k: customs_branch(submitted)[k] for k in ("state", "reason", "waiting")} == {
        "state": "release_revoked",
        "reason": REASON,
        "waiting": False,
    }
    data = api(user_a).get(f"/api/v1/declarations/{submitted.pk}/timeline/").json()
    assert data["released"] is False and data["status"] == "revoked"
    assert [(e["kind"], e["details"]["reason"]) for e in data["events"] if e["kind"] == "release_revoked"] == [
        ("release_revoked", REASON)
    ]
    assert REASON in web(user_a).get(f"/declarations/{submitted.pk}/").content.decode()
    # Final too: a release sent after the revocation does not give the goods back.
    post(client, envelope(receipt(customs, "released", 5)))
    submitted.refresh_from_db()
    assert submitted.status == "revoked"


def test_revoking_a_release_the_branch_never_had_changes_nothing(client: Client, submitted: Declaration) -> None:
    customs = branch(submitted, "customs")
    post(client, envelope(receipt(customs, "accepted", 1), receipt(customs, "release_revoked", 2, reason=REASON)))
    submitted.refresh_from_db()
    assert submitted.status == "submitted"
    assert customs_branch(submitted)["state"] == "accepted"


def test_a_revoked_release_revokes_the_vessels_port_clearance(db: None) -> None:
    agent = factories.ship_agent()
    declaration = factories.vessel_draft(agent)
    vessel_services.vessel_submit(declaration=declaration, user=agent)
    release_everywhere(declaration)
    clearance = PortClearance.objects.get(declaration=declaration)
    assert clearance.state == CertificateState.ISSUED
    border = Delivery.objects.get(version__declaration=declaration, agency="border")
    with TestCase.captureOnCommitCallbacks(execute=True):
        events_record(
            events=[
                AgencyEvent(
                    receipt_id="border-revoke-1", message_id=border.message_id, agency="border", sequence=2,
                    at=timezone.now(), kind="release_revoked", data={"reason": "船员名单与实际不符"},
                )
            ]
        )  # fmt: skip
    declaration.refresh_from_db()
    clearance.refresh_from_db()
    assert declaration.status == "revoked"
    assert clearance.state == CertificateState.REVOKED and "船员名单与实际不符" in clearance.revocation_reason
    page = Client().get(urlsplit(verify_url_for(vessel_services.clearance_facts(clearance))).path)
    assert page.status_code == 200
    body = page.content.decode()
    assert "已被签发机关撤销" in body and "船员名单与实际不符" in body


@pytest.mark.parametrize("amount", ["1e999999", "NaN", "INF", "9" * 50, "-1.00", "12.345", " 1,000.00"])
def test_a_batch_with_a_hostile_amount_is_quarantined(client: Client, submitted: Declaration, amount: str) -> None:
    customs = branch(submitted, "customs")
    body = envelope(receipt(customs, "received", 1), receipt(customs, "duties_assessed", 2, duties=amount))
    assert post(client, body).status_code == 400
    assert QuarantinedReceipt.objects.count() == 1
    assert not Event.objects.filter(receipt_id__isnull=False).exists()


def test_the_timeline_api_serves_amounts_as_text(client: Client, submitted: Declaration, user_a: User) -> None:
    customs = branch(submitted, "customs")
    largest = "9" * 16 + ".99"
    post(client, envelope(receipt(customs, "duties_assessed", 1, duties="1234.5")))
    data = api(user_a).get(f"/api/v1/declarations/{submitted.pk}/timeline/").json()
    assert data["duties"]["amount"] == "1234.50"
    assert [e["details"]["amount"] for e in data["events"] if e["kind"] == "duties_assessed"] == ["1234.50"]
    post(client, envelope(receipt(customs, "duties_assessed", 2, duties=largest)))
    response = api(user_a).get(f"/api/v1/declarations/{submitted.pk}/timeline/")
    assert response.json()["duties"]["amount"] == largest  # as sent, not a float that lost its cents


@pytest.mark.parametrize("amount", ["1e999999", "NaN", "9" * 50, "Infinity", "not a number"])
def test_an_amount_stored_some_other_way_cannot_break_the_timeline(
    submitted: Declaration, user_a: User, amount: str
) -> None:
    customs = branch(submitted, "customs")
    events_record(
        events=[
            AgencyEvent(
                receipt_id="odd-amount", message_id=customs.message_id, agency="customs", sequence=1,
                at=timezone.now(), kind="duties_assessed", data={"amount": amount, "currency": "CNY"},
            )
        ]
    )  # fmt: skip
    response = api(user_a).get(f"/api/v1/declarations/{submitted.pk}/timeline/")
    assert response.status_code == 200
    assert response.json()["duties"]["amount"] == ""
    assert web(user_a).get(f"/declarations/{submitted.pk}/").status_code == 200
