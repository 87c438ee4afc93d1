"""Named counters: gapless ones take turns under a row lock; the numbers every submission takes come from
a database sequence and never wait for another transaction (real PostgreSQL, two connections)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection, transaction

from singlewindow.models import Sequence
from singlewindow.services import sequence_next

pytestmark = pytest.mark.django_db(transaction=True)


@contextmanager
def held_by_another_transaction(name: str, *, gapless: bool, lock_timeout: str) -> Iterator[list[int]]:
    """Another connection takes a number of the counter and keeps its transaction open meanwhile; this one
    waits at most `lock_timeout` for a lock. Yields the numbers the other took."""
    taken: list[int] = []
    hold = threading.Event()

    def other() -> None:
        try:
            with transaction.atomic():
                taken.append(sequence_next(name=name, gapless=gapless))
                hold.wait(10)  # the number's transaction stays open
        finally:
            connection.close()

    thread = threading.Thread(target=other)
    thread.start()
    while not taken:
        thread.join(0.01)
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('lock_timeout', %s, false)", [lock_timeout])
    try:
        yield taken
    finally:
        hold.set()
        thread.join()
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")


def test_a_pre_entry_number_does_not_wait_for_another_submissions_transaction() -> None:
    Sequence.objects.create(name="pre-entry-test", value=41)  # numbers issued before go on
    # waiting for the other transaction would fail here
    with held_by_another_transaction("pre-entry-test", gapless=False, lock_timeout="2s") as taken, transaction.atomic():
        mine = sequence_next(name="pre-entry-test", gapless=False)
    assert sorted([taken[0], mine]) == [42, 43]


def test_a_gapless_counter_waits_for_the_transaction_holding_it() -> None:
    sequence_next(name="certificate-test")
    with (
        held_by_another_transaction("certificate-test", gapless=True, lock_timeout="200ms"),
        pytest.raises(Exception, match="lock timeout"),
        transaction.atomic(),
    ):
        sequence_next(name="certificate-test")
    assert sequence_next(name="certificate-test") == 3  # none skipped: the refused one took nothing
