"""Transactions that fail as a whole, and the savepoints a step inside one can do without.

A service runs in `transaction.atomic()`: on its own it is the transaction; nested in a caller's, it is a
savepoint, so that its refusal changes nothing and the caller may carry on (a batch submission refuses one
declaration and submits the next). A savepoint is two statements (SAVEPOINT, RELEASE), two round trips to the
database. Some callers never carry on after a failure: an API request with an Idempotency-Key runs its claim,
its work and its kept answer in one transaction that an exception rolls back whole. Such a caller opens it
with `atomic_whole()`; a service step directly inside it (`atomic_step()`) takes no savepoint, and its
refusal marks the whole for rollback (Django's `atomic(savepoint=False)`). Anywhere else — a caller's own
`transaction.atomic()`, a test's transaction — the step keeps its savepoint.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction

_WHOLE = "_singlewindow_fails_whole"  # set on the Atomic that atomic_whole() entered


@contextmanager
def atomic_whole(using: str | None = None) -> Iterator[None]:
    """`transaction.atomic()` for a unit of work that nothing inside catches a failure of and carries on:
    an exception leaves it, and rolls it back whole."""
    block = transaction.atomic(using=using)
    with block:
        setattr(block, _WHOLE, True)
        yield


def atomic_step(using: str | None = None) -> transaction.Atomic:
    """`transaction.atomic()` for a service: a savepoint when nested, except directly inside atomic_whole()."""
    blocks = transaction.get_connection(using).atomic_blocks
    whole = bool(blocks) and getattr(blocks[-1], _WHOLE, False)
    return transaction.atomic(using=using, savepoint=not whole)
