"""Reference data held per process: loaded once, loaded again when another process says it changed, and
not loaded again every minute when nothing did."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from declarations import codelists, refcache
from declarations.models import CodeListEntry


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    now = [1000.0]
    monkeypatch.setattr(refcache.time, "monotonic", lambda: now[0])
    return now


def test_held_until_another_process_says_the_data_changed(clock: list[float]) -> None:
    loads: list[int] = []

    def load() -> int:
        loads.append(1)
        return len(loads)

    refcache.changed()
    assert refcache.held("k", load) == 1
    clock[0] += refcache.CHECK_SECONDS + 1  # a minute on, nothing changed: kept
    assert refcache.held("k", load) == 1
    cache.incr(refcache.VERSION_KEY)  # another process's admin saved an entry
    assert refcache.held("k", load) == 1  # not looked at again within the minute
    clock[0] += refcache.CHECK_SECONDS + 1
    assert refcache.held("k", load) == 2
    clock[0] += refcache.RELOAD_SECONDS + 1  # an hour on: loaded again whatever the counter says
    assert refcache.held("k", load) == 3


@pytest.mark.django_db
def test_an_edited_code_list_entry_is_known_in_every_process_within_the_minute(clock: list[float]) -> None:
    assert not codelists.is_known("port", "ZZZZ")
    CodeListEntry.objects.create(list="port", code="ZZZZ", name_zh="测试港", name_en="Test port")
    clock[0] += refcache.CHECK_SECONDS + 1
    assert not codelists.is_known("port", "ZZZZ")  # nobody said it changed (an edit behind the portal's back)
    cache.incr(refcache.VERSION_KEY)  # what the admin's save does in the process that saved it
    assert not codelists.is_known("port", "ZZZZ")
    clock[0] += refcache.CHECK_SECONDS + 1
    assert codelists.is_known("port", "ZZZZ")
