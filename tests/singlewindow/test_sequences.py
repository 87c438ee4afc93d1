"""Named counters: gapless ones take turns under a row lock; the numbers every submission takes come from
a database sequence and never wait for another transaction (real PostgreSQL, two connections)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from singlewindow.models import Sequence
from singlewindow.services import sequence_next

pytestmark = pytest.mark.django_db(transaction=True)


def _in_other_transaction(name: str, *, gapless: bool, taken: list[int], hold: threading.Event) -> None:
    try:
        with transaction.atomic():
            taken.append(sequence_next(name=name, gapless=gapless))
            hold.wait(10)  # the number's transaction stays open
    finally:
        connection.close()


def test_a_pre_entry_number_does_not_wait_for_another_submissions_transaction() -> None:
    Sequence.objects.create(name="pre-entry-test", value=41)  # numbers issued before go on
    taken: list[int] = []
    hold = threading.Event()
    other = threading.Thread(target=_in_other_transaction, args=("pre-entry-test",),
                             kwargs={"gapless": False, "taken": taken, "hold": hold})  # fmt: skip
    other.start()
    while not taken:
        other.join(0.01)
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '2s'")  # waiting for the other transaction would fail here
    with transaction.atomic():
        mine = sequence_next(name="pre-entry-test", gapless=False)
    hold.set()
    other.join()
    assert sorted([taken[0], mine]) == [42, 43]


def test_a_gapless_counter_waits_for_the_transaction_holding_it() -> None:
    taken: list[int] = []
    hold = threading.Event()
    sequence_next(name="certificate-test")
    other = threading.Thread(target=_in_other_transaction, args=("certificate-test",),
                             kwargs={"gapless": True, "taken": taken, "hold": hold})  # fmt: skip
    other.start()
    while not taken:
        other.join(0.01)
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '200ms'")
    with pytest.raises(Exception, match="lock timeout"), transaction.atomic():
        sequence_next(name="certificate-test")
    hold.set()
    other.join()
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = 0")
    assert sequence_next(name="certificate-test") == 3  # none skipped: the refused one took nothing
