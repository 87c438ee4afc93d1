"""A worker killed while an attempt is on its way: nobody will record what became of the branch, so the sweep
takes it up as soon as the worker's database session is gone, not at the end of the attempt's lease (30 s by
default, a minute here); while the worker lives, the lease keeps every other sweep off the branch."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies import delivery
from agencies.delivery import deliveries_due, delivery_attempt
from declarations import services
from declarations.models import Declaration, Delivery

from .. import factories
from .receipts import branch

pytestmark = pytest.mark.django_db(transaction=True)  # the worker's session must see the committed branch


class Killed(BaseException):
    """The worker's end: nothing after it runs (not an error any handler of the delivery code catches)."""


@pytest.fixture
def submitted(settings) -> Declaration:  # type: ignore[no-untyped-def]
    settings.DELIVERY_LEASE_SECONDS = 60
    user = factories.clerk()
    declaration = factories.valid_draft(user)
    services.declaration_submit(declaration=declaration, user=user)
    Delivery.objects.update(attempts=0)  # whatever the in-process dispatch tried: a fresh first attempt
    return declaration


@pytest.fixture
def on_its_way(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """attempt(branch, session_ends=…): a worker thread claims the branch and sends it; while it is on its way
    the worker dies (its database session closed, or left open: a worker still alive and waiting)."""
    sending, done = threading.Event(), threading.Event()
    threads: list[threading.Thread] = []

    def attempt(customs: Delivery, *, session_ends: bool) -> None:
        def post(*_args: Any, **_kwargs: Any) -> None:
            if session_ends:
                connection.close()  # the process is gone: PostgreSQL ends its session
            sending.set()
            done.wait(10)
            raise Killed

        def work() -> None:
            try:
                delivery_attempt(delivery_id=customs.pk, attempts=0)
            except Killed:
                pass
            finally:
                connection.close()

        monkeypatch.setattr(delivery, "_post", post)
        thread = threading.Thread(target=work)
        thread.start()
        threads.append(thread)
        assert sending.wait(10), "the attempt did not start"
        customs.refresh_from_db()
        if session_ends and customs.claimed_by is not None:  # PostgreSQL ends a closed session soon, not at once
            deadline = time.monotonic() + 10
            while _session_alive(customs.claimed_by) and time.monotonic() < deadline:
                time.sleep(0.02)

    yield attempt
    done.set()
    for thread in threads:
        thread.join(10)


def _session_alive(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = %s)", [pid])
        return bool(cursor.fetchone()[0])


@pytest.mark.parametrize("sessions_asked", [True, False])
def test_a_branch_whose_worker_was_killed_mid_attempt_is_the_next_sweeps(
    submitted: Declaration,
    on_its_way,
    settings,
    sessions_asked: bool,  # type: ignore[no-untyped-def]
) -> None:
    settings.DELIVERY_CLAIMANT_SESSIONS = sessions_asked  # off: behind a pooler in transaction mode
    customs = branch(submitted, "customs")
    on_its_way(customs, session_ends=True)
    customs.refresh_from_db()
    due = [claim for group in deliveries_due() for claim in group]
    if connection.vendor != "postgresql" or not sessions_asked:  # SQLite (make run) has no sessions to ask
        assert customs.claimed_by is None and (customs.pk, 1) not in due  # the lease alone
        return
    assert customs.attempts == 1 and customs.claimed_by is not None  # claimed by the killed worker's session
    assert (customs.pk, 1) in due, "the branch waits for its lease's end, a minute"
    customs.refresh_from_db()
    assert customs.claimed_by is None  # queued again by the sweep: no attempt on its way
    assert (customs.pk, 1) not in [claim for group in deliveries_due() for claim in group]  # and queued once


def test_a_branch_on_its_way_with_a_live_worker_is_left_to_it(submitted: Declaration, on_its_way) -> None:  # type: ignore[no-untyped-def]
    customs = branch(submitted, "customs")
    on_its_way(customs, session_ends=False)
    due = [claim for group in deliveries_due() for claim in group]
    assert (customs.pk, 1) not in due  # its worker may still record the agency's answer: the lease holds
    customs.refresh_from_db()
    assert customs.attempts == 1 and (customs.claimed_by is not None) == (connection.vendor == "postgresql")


def test_a_role_that_may_not_read_the_sessions_leaves_it_to_the_lease(submitted: Declaration) -> None:
    """An administrator revoked pg_stat_activity from ordinary roles: the sweep does not ask it (its statement
    would fail on every beat, and no branch would be swept at all); a killed worker's branches wait out the lease."""
    delivery._sessions_readable.cache_clear()
    try:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # a transaction of its own, rolled back: roles are the cluster's
                cursor.execute("BEGIN; CREATE ROLE sw_limited_test NOLOGIN")
                cursor.execute(
                    "REVOKE SELECT ON pg_catalog.pg_stat_activity FROM PUBLIC; SET LOCAL ROLE sw_limited_test"
                )
                asked = delivery._sessions_asked()
                cursor.execute("ROLLBACK")
        else:
            asked = delivery._sessions_asked()
        assert asked is False
        with CaptureQueriesContext(connection) as queries:
            deliveries_due()
        assert queries.captured_queries and not any("pg_stat_activity" in q["sql"] for q in queries.captured_queries)
    finally:
        delivery._sessions_readable.cache_clear()
