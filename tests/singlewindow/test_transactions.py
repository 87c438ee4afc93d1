"""A service step directly inside a transaction that fails as a whole takes no savepoint (two round trips
saved on every API submission with an Idempotency-Key), and its failure still leaves nothing behind; anywhere
else it keeps its savepoint, so a caller that catches its refusal carries on with what it wrote before."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from singlewindow.models import Organisation
from singlewindow.transactions import atomic_step, atomic_whole

from .. import factories

pytestmark = pytest.mark.django_db


class Refused(Exception):
    pass


def _step(name: str, *, refuse: bool = False) -> None:
    with atomic_step():
        factories.enterprise(name=name)
        if refuse:
            raise Refused


def _savepoints(queries: CaptureQueriesContext) -> list[str]:
    """The savepoints made."""
    return [q["sql"] for q in queries.captured_queries if q["sql"].upper().startswith("SAVEPOINT")]


def test_a_step_directly_in_a_whole_takes_no_savepoint_and_its_failure_rolls_back_the_whole() -> None:
    before = Organisation.objects.count()
    with CaptureQueriesContext(connection) as queries, atomic_whole(), atomic_step():
        pass  # inside: the whole's own savepoint (the test runs in a transaction) is the only one
    own = len(_savepoints(queries))
    assert own <= 1
    with pytest.raises(Refused), CaptureQueriesContext(connection) as queries, atomic_whole():
        factories.enterprise()  # written before the step
        _step("Refused Ltd", refuse=True)
    assert len(_savepoints(queries)) == own  # the step took none of its own
    assert Organisation.objects.count() == before  # and nothing of the whole stayed


def test_a_step_in_an_ordinary_transaction_keeps_its_savepoint_and_the_caller_carries_on() -> None:
    with transaction.atomic():
        kept = factories.enterprise(name="Kept Ltd")
        with pytest.raises(Refused):
            _step("Refused Ltd", refuse=True)
        _step("Carried On Ltd")  # the transaction is not broken: the refusal rolled back to its savepoint
    kept.refresh_from_db()
    assert kept.name == "Kept Ltd"
    assert Organisation.objects.filter(name="Carried On Ltd").count() == 1
    assert not Organisation.objects.filter(name="Refused Ltd").exists()


def test_a_step_nested_deeper_than_the_whole_keeps_its_savepoint() -> None:
    with atomic_whole(), transaction.atomic():  # a caller inside the whole that may catch and carry on
        with pytest.raises(Refused):
            _step("Refused Ltd", refuse=True)
        _step("Carried On Ltd")
    assert Organisation.objects.filter(name="Carried On Ltd").count() == 1
