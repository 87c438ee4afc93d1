"""Delivering a branch: one claim per attempt, unrecoverable messages fail at once, a branch still failing
after the retry horizon fails, scoping by delivery."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import F
from django.test import Client

from agencies.delivery import Attempt, delivery_attempt
from declarations import services
from declarations.models import Declaration, Delivery, Event
from singlewindow.choices import Agency
from singlewindow.models import User

from .. import factories
from ..clients import web
from .receipts import branch, envelope, post, receipt

pytestmark = pytest.mark.django_db
UNREACHABLE = {"customs": "http://127.0.0.1:9/messages", "inspection": "http://127.0.0.1:9/messages"}


@pytest.fixture
def submitted(user_a: User) -> Declaration:
    declaration = factories.valid_draft(user_a)
    services.declaration_submit(declaration=declaration, user=user_a)
    declaration.refresh_from_db()
    return declaration


def test_an_attempt_is_claimed_once_even_when_asked_for_twice(submitted: Declaration, settings) -> None:  # type: ignore[no-untyped-def]
    settings.AGENCY_ENDPOINTS = UNREACHABLE
    customs = branch(submitted, "customs")
    first, delay = delivery_attempt(delivery_id=customs.pk, attempts=0)
    second, _ = delivery_attempt(delivery_id=customs.pk, attempts=0)
    assert (first, second) == (Attempt.RETRY, Attempt.SKIPPED)
    assert delay > 0
    customs.refresh_from_db()
    assert (customs.attempts, customs.status) == (1, "pending")
    assert customs.last_error


def test_the_retry_horizon_ends_in_delivery_failed(submitted: Declaration, settings) -> None:  # type: ignore[no-untyped-def]
    settings.AGENCY_ENDPOINTS = UNREACHABLE
    settings.DELIVERY_RETRY_HOURS = 1
    settings.AGENCY_CIRCUIT_FAILURES = 100  # not an agency down (tests/agencies/test_outage.py): this branch fails
    customs = branch(submitted, "customs")
    assert delivery_attempt(delivery_id=customs.pk, attempts=0)[0] is Attempt.RETRY
    Delivery.objects.filter(pk=customs.pk).update(trying_since=F("trying_since") - timedelta(minutes=59))
    assert delivery_attempt(delivery_id=customs.pk, attempts=1)[0] is Attempt.RETRY
    Delivery.objects.filter(pk=customs.pk).update(trying_since=F("trying_since") - timedelta(minutes=2))
    assert delivery_attempt(delivery_id=customs.pk, attempts=2)[0] is Attempt.FAILED
    assert Event.objects.filter(declaration=submitted, agency="customs", kind="delivery_failed").count() == 1
    assert branch(submitted, "inspection").status == "pending"  # the other branch is not held up


def test_a_message_that_cannot_be_built_fails_at_once(submitted: Declaration, settings) -> None:  # type: ignore[no-untyped-def]
    settings.AGENCY_ENDPOINTS = {}
    customs = branch(submitted, "customs")
    assert delivery_attempt(delivery_id=customs.pk, attempts=0)[0] is Attempt.FAILED
    customs.refresh_from_db()
    assert customs.status == "failed" and "could not be built" in customs.last_error


def test_agencies_see_what_was_sent_to_them_not_what_the_firm_retargeted(
    client: Client, user_a: User, db: None
) -> None:
    from rest_framework.test import APIClient

    declaration = factories.valid_draft(user_a, target="customs")
    services.declaration_submit(declaration=declaration, user=user_a)
    factories.delivered(declaration)
    post(client, envelope(receipt(branch(declaration, "customs"), "rejected", 1, reason="请补充检验检疫")))
    declaration.refresh_from_db()
    services.declaration_save_draft(declaration=declaration, user=user_a, header={"target": "both"})
    inspection = APIClient()
    inspection.force_authenticate(factories.officer(Agency.INSPECTION))
    assert inspection.get(f"/api/v1/declarations/{declaration.pk}/").status_code == 404
    customs = APIClient()
    customs.force_authenticate(factories.officer(Agency.CUSTOMS))
    assert customs.get(f"/api/v1/declarations/{declaration.pk}/").status_code == 200
    assert Delivery.objects.filter(version__declaration=declaration, agency="inspection").count() == 0


def test_the_list_shows_a_failed_branch_as_failed_to_the_firm_and_nothing_to_the_agencies(
    submitted: Declaration,
    user_a: User,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    settings.AGENCY_ENDPOINTS = {"inspection": UNREACHABLE["inspection"]}  # customs: nowhere to send
    delivery_attempt(delivery_id=branch(submitted, "customs").pk, attempts=0)  # cannot be built: failed
    firm = Client()
    firm.force_login(user_a)
    page = firm.get("/declarations/").content.decode()
    assert "海关 · 发送失败" in page
    assert "检验检疫 · 发送中" in page
    # An agency sees only what was delivered to it: customs never got it, inspection not yet.
    for agency in (Agency.CUSTOMS, Agency.INSPECTION):
        officer = web(factories.officer(agency))  # with the second factor verified
        assert submitted.pre_entry_no not in officer.get("/declarations/").content.decode()
