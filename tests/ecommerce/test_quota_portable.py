"""The buyers' yearly quota on SQLite (`make run`): its PostgreSQL statements have ORM fallbacks that
decide and move the ledger exactly as they do."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest

from ecommerce import quota
from ecommerce.quota import Want, quota_reserve, quota_restore, quota_state, quota_unreserve, quota_use

pytestmark = pytest.mark.django_db


def ledger_after(a: str, b: str) -> tuple[dict[int, Decimal | None], dict[str, tuple[Decimal, Decimal]]]:
    """Buyer a (25,000 of 26,000 used by three inventories reserved, one released, one refused), buyer b
    (one reserved, then cancelled, one returned after release): the answers and each buyer's used, reserved."""
    answers = quota_reserve([Want(1, a, 2026, Decimal("20000")), Want(2, a, 2026, Decimal("5000")),
                             Want(3, a, 2026, Decimal("1500")), Want(4, b, 2026, Decimal("300")),
                             Want(5, b, 2026, Decimal("200"))])  # fmt: skip
    quota_use([(a, 2026, Decimal("20000")), (b, 2026, Decimal("200"))])
    quota_unreserve([(b, 2026, Decimal("300"))])
    quota_restore([(b, 2026, Decimal("200"))])
    states = {buyer: quota_state(buyer, 2026) for buyer in (a, b)}
    return answers, {key: (s.used, s.reserved) for key, s in zip("ab", states.values(), strict=True)}


def test_the_portable_quota_ledger_is_postgresqls(monkeypatch: pytest.MonkeyPatch) -> None:
    in_sql = ledger_after("PG-A", "PG-B")
    monkeypatch.setattr(quota, "connection", SimpleNamespace(vendor="sqlite"))
    portable = ledger_after("SQ-A", "SQ-B")
    assert (
        in_sql
        == portable
        == (
            {1: None, 2: None, 3: Decimal("1000"), 4: None, 5: None},
            {"a": (Decimal("20000"), Decimal("5000")), "b": (Decimal("0"), Decimal("0"))},
        )
    )
