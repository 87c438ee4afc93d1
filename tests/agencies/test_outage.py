"""An agency down for longer than any retry budget: no branch is given up, the portal stops knocking but
for one probe now and then, tells the operators once and the firm that the agency is unreachable, and
sends everything that waited, oldest first, as soon as the agency answers. Other agencies carry on.

The agencies' systems are a fake that counts what it is sent; the clock is moved by hand."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
import requests
from django.core import mail
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from rest_framework.test import APIClient

from agencies import delivery as deliveries
from agencies.apps import AGENCIES
from agencies.delivery import Attempt, delivery_attempt, delivery_retry
from agencies.models import AgencyHealth
from agencies.tasks import sweep
from declarations import services
from declarations.models import Declaration, Delivery, Event
from declarations.timeline import UNREACHABLE, timeline_for
from singlewindow.choices import Role
from singlewindow.models import User

from .. import factories
from ..clients import web

pytestmark = pytest.mark.django_db


class FakeAgencies:
    """The agencies' systems: each message they are sent is counted; an agency in `down` refuses the
    connection; `answers` gives an agency's HTTP status (202 otherwise)."""

    def __init__(self) -> None:
        self.down: set[str] = set()
        self.answers: dict[str, int] = {}
        self.sent: list[tuple[str, str]] = []

    def post(self, url: str, *, data: bytes, headers: dict[str, str], timeout: Any) -> SimpleNamespace:
        agency = url.split("/")[-2]
        self.sent.append((agency, headers["X-Message-Id"]))
        if agency in self.down:
            raise requests.ConnectionError("connection refused")
        return SimpleNamespace(status_code=self.answers.get(agency, 202), text="")

    def to(self, agency: str) -> list[str]:
        return [message_id for to, message_id in self.sent if to == agency]


class Clock:
    def __init__(self) -> None:
        self.now = timezone.now()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def agencies(settings, monkeypatch: pytest.MonkeyPatch) -> FakeAgencies:  # type: ignore[no-untyped-def]
    fake = FakeAgencies()
    settings.AGENCY_ENDPOINTS = {agency: f"http://agencies.test/{agency}/messages" for agency in AGENCIES}
    settings.DELIVERY_LEASE_SECONDS = 0  # a branch is due as soon as it is submitted
    settings.AGENCY_CIRCUIT_FAILURES = 3
    settings.AGENCY_PROBE_SECONDS = 60
    settings.AGENCY_DOWN_ALERT_MINUTES = 15
    settings.ADMINS = [("ops@singlewindow.test", "ops@singlewindow.test")]
    monkeypatch.setattr(deliveries._session, "post", fake.post)
    return fake


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(timezone, "now", clock)
    return clock


@pytest.fixture
def run(django_capture_on_commit_callbacks: Callable[..., Any]) -> Callable[[], None]:
    """One sweep, with what it queues after its commits (the branches resumed when an agency returns)."""

    def once() -> None:
        with django_capture_on_commit_callbacks(execute=True):
            sweep()

    return once


@pytest.fixture
def submit(user_a: User) -> Callable[..., Declaration]:
    def submitted(target: str = "customs") -> Declaration:
        declaration = factories.valid_draft(user_a, target=target, lines=1)
        services.declaration_submit(declaration=declaration, user=user_a)  # delivered by the sweep below
        declaration.refresh_from_db()
        return declaration

    return submitted


def branch(declaration: Declaration, agency: str = "customs") -> Delivery:
    return Delivery.objects.get(version__declaration=declaration, agency=agency)


def health(agency: str = "customs") -> AgencyHealth:
    return AgencyHealth.objects.get(agency=agency)


def test_no_branch_is_given_up_while_the_agency_is_down_far_longer_than_the_old_budget(
    agencies: FakeAgencies, clock: Clock, run: Callable[[], None], submit: Callable[..., Declaration]
) -> None:
    declarations = [submit() for _ in range(3)]
    agencies.down.add("customs")
    for _ in range(36):  # three hours; the old budget (8 attempts) was spent in under ten minutes
        run()
        clock.advance(minutes=5)
    assert {branch(d).status for d in declarations} == {"pending"}
    assert not Event.objects.filter(kind="delivery_failed").exists()
    assert health().state != "closed"


def test_the_circuit_opens_after_n_failures_and_then_only_one_probe_a_minute_is_sent(
    agencies: FakeAgencies, clock: Clock, run: Callable[[], None], submit: Callable[..., Declaration]
) -> None:
    declarations = [submit() for _ in range(5)]
    agencies.down.add("customs")
    run()
    assert len(agencies.to("customs")) == 3  # the third failure in a row opened the circuit
    assert (health().state, health().consecutive_failures) == ("open", 3)
    assert {branch(d).attempts for d in declarations[3:]} == {0}  # the last two were never sent
    clock.advance(seconds=59)
    run()
    assert len(agencies.to("customs")) == 3
    for _ in range(10):  # ten minutes: one probe a minute, always the oldest branch
        clock.advance(seconds=61)
        run()
    assert agencies.to("customs")[3:] == [branch(declarations[0]).message_id] * 10
    assert health().state == "open"


def test_when_the_agency_answers_every_waiting_branch_goes_at_once_oldest_first(
    agencies: FakeAgencies, clock: Clock, run: Callable[[], None], submit: Callable[..., Declaration]
) -> None:
    agencies.down.add("customs")
    first = [submit() for _ in range(4)]
    run()  # opens the circuit
    later = [submit() for _ in range(3)]  # submitted while it is down: they wait, unsent
    clock.advance(minutes=30)
    run()  # a probe, which fails
    agencies.down.clear()
    agencies.sent.clear()
    clock.advance(seconds=61)
    run()  # the probe is taken: every other branch follows in the same sweep
    in_order = [branch(d).message_id for d in first + later]
    assert agencies.to("customs") == in_order
    assert {branch(d).status for d in first + later} == {"delivered"}
    assert (health().state, health().consecutive_failures, health().failing_since) == ("closed", 0, None)
    assert Event.objects.filter(kind="delivered").count() == 7


def test_an_agency_down_does_not_hold_up_the_others(
    agencies: FakeAgencies, clock: Clock, run: Callable[[], None], submit: Callable[..., Declaration]
) -> None:
    agencies.down.add("customs")
    declarations = [submit(target="both") for _ in range(5)]
    run()
    clock.advance(minutes=20)
    run()
    assert {branch(d, "inspection").status for d in declarations} == {"delivered"}
    assert {branch(d, "customs").status for d in declarations} == {"pending"}
    assert not AgencyHealth.objects.filter(agency="inspection").exclude(state="closed").exists()


def test_operators_get_one_email_per_outage_not_one_per_branch(
    agencies: FakeAgencies, clock: Clock, run: Callable[[], None], submit: Callable[..., Declaration]
) -> None:
    factories.UserFactory(role=Role.ADMIN, is_staff=True, email="admin@singlewindow.test", language="en")
    for _ in range(4):
        submit()
    agencies.down.add("customs")
    run()
    clock.advance(minutes=14)
    run()
    assert mail.outbox == []  # not down long enough yet
    for _ in range(10):
        clock.advance(minutes=2)
        run()
    assert sorted(m.to[0] for m in mail.outbox) == ["admin@singlewindow.test", "ops@singlewindow.test"]
    english = next(m for m in mail.outbox if m.to == ["admin@singlewindow.test"])
    assert "Customs" in english.subject and "4 branches are waiting" in english.body
    agencies.down.clear()
    clock.advance(minutes=2)
    run()
    assert health().state == "closed"
    mail.outbox.clear()
    submit()
    agencies.down.add("customs")  # a second outage is a second email
    for _ in range(12):
        run()
        clock.advance(minutes=2)
    assert len(mail.outbox) == 2


def test_the_timeline_says_the_agency_is_unreachable_not_that_the_declaration_failed(
    agencies: FakeAgencies,
    clock: Clock,
    run: Callable[[], None],
    submit: Callable[..., Declaration],
    api_a: APIClient,
    client_a: Client,
) -> None:
    agencies.down.add("customs")
    for _ in range(3):
        submit()
    declaration = submit(target="both")
    run()
    timeline = timeline_for(declaration)
    assert timeline is not None
    customs, inspection = timeline.branches
    assert (customs.state, customs.delivery, customs.waiting) == (UNREACHABLE, "pending", True)
    assert "failed" not in customs.label.lower() and customs.reason
    assert inspection.state == "delivered"
    answer = api_a.get(f"/api/v1/declarations/{declaration.pk}/timeline/").json()
    assert answer["branches"][0]["state"] == UNREACHABLE
    page = client_a.get(reverse("declarations:timeline", args=[declaration.pk])).content.decode()
    assert '<div class="branch unreachable">' in page and escape(customs.reason) in page
    agencies.down.clear()
    clock.advance(minutes=2)
    run()
    timeline = timeline_for(declaration)
    assert timeline is not None and timeline.branches[0].state == "delivered"


def test_a_refusal_still_fails_at_once_and_counts_as_an_answer(
    agencies: FakeAgencies, submit: Callable[..., Declaration]
) -> None:
    declaration = submit()
    AgencyHealth.objects.create(agency="customs", consecutive_failures=2, failing_since=timezone.now())
    agencies.answers["customs"] = 400
    assert delivery_attempt(delivery_id=branch(declaration).pk, attempts=0)[0] is Attempt.FAILED
    assert branch(declaration).status == "failed"
    assert (health().state, health().consecutive_failures) == ("closed", 0)


def test_an_operator_retry_still_sends_a_failed_branch_again(
    agencies: FakeAgencies, submit: Callable[..., Declaration], django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    declaration = submit()
    agencies.answers["customs"] = 400
    delivery_attempt(delivery_id=branch(declaration).pk, attempts=0)
    agencies.answers.clear()
    operator = factories.UserFactory(role=Role.ADMIN, is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert delivery_retry(delivery=branch(declaration), user=operator)
    assert (branch(declaration).status, branch(declaration).attempts) == ("delivered", 1)


def test_operators_see_each_agency_s_health_read_only_in_the_admin(
    agencies: FakeAgencies, run: Callable[[], None], submit: Callable[..., Declaration]
) -> None:
    for _ in range(3):
        submit()
    agencies.down.add("customs")
    run()
    operator = factories.UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
    client = web(operator)
    page = client.get("/admin/agencies/agencyhealth/")
    assert page.status_code == 200
    assert "海关" in page.content.decode() and "/admin/agencies/agencyhealth/add/" not in page.content.decode()
    assert client.get(f"/admin/agencies/agencyhealth/{health().pk}/change/").status_code == 200  # view only
    assert client.post(f"/admin/agencies/agencyhealth/{health().pk}/delete/").status_code == 403


def test_a_branch_still_failing_after_the_retry_horizon_while_its_agency_answers_is_failed(
    agencies: FakeAgencies,
    settings,
    submit: Callable[..., Declaration],  # type: ignore[no-untyped-def]
) -> None:
    settings.DELIVERY_RETRY_HOURS = 1
    declaration = submit()
    agencies.answers["customs"] = 500  # this message only: the agency takes others, so its circuit stays closed
    assert delivery_attempt(delivery_id=branch(declaration).pk, attempts=0)[0] is Attempt.RETRY
    AgencyHealth.objects.filter(agency="customs").update(consecutive_failures=0)  # others were taken meanwhile
    Delivery.objects.filter(pk=branch(declaration).pk).update(trying_since=F("trying_since") - timedelta(hours=2))
    assert delivery_attempt(delivery_id=branch(declaration).pk, attempts=1)[0] is Attempt.FAILED
    assert Event.objects.filter(declaration=declaration, kind="delivery_failed").count() == 1
