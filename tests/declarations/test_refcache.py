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

    refcache._changed()  # as changed() does once its transaction commits
    assert refcache.held("k", load) == 1
    clock[0] += refcache.CHECK_SECONDS + 1  # a minute on, nothing changed: kept
    assert refcache.held("k", load) == 1
    cache.set(refcache.VERSION_KEY, "another")  # another process's admin saved an entry
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
    cache.set(refcache.VERSION_KEY, "edited")  # what an admin's save does, in the process that saved it
    assert not codelists.is_known("port", "ZZZZ")
    clock[0] += refcache.CHECK_SECONDS + 1
    assert codelists.is_known("port", "ZZZZ")


@pytest.mark.django_db
def test_the_change_is_told_once_it_commits(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    cache.set(refcache.VERSION_KEY, "before")
    with django_capture_on_commit_callbacks(execute=True):
        codelists.invalidate()
        assert cache.get(refcache.VERSION_KEY) == "before"  # not yet: others would load the old rows under it
    assert cache.get(refcache.VERSION_KEY) not in ("before", None)


def test_a_cache_of_the_process_own_tells_nothing_so_each_look_loads(settings, clock: list[float]) -> None:  # type: ignore[no-untyped-def]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    loads: list[int] = []
    refcache._held.clear()
    refcache.held("own", lambda: loads.append(1))
    clock[0] += refcache.CHECK_SECONDS + 1
    refcache.held("own", lambda: loads.append(1))
    assert len(loads) == 2  # every minute, as before: another process's change cannot be seen here


@pytest.mark.django_db
def test_deleting_a_code_list_entry_in_the_admin_tells_every_process(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    from django.contrib import admin
    from django.test import RequestFactory

    from declarations.admin import CodeListEntryAdmin

    entry = CodeListEntry.objects.create(list="port", code="ZZZY", name_zh="测试港", name_en="Test port")
    cache.set(refcache.VERSION_KEY, "before")
    request = RequestFactory().post("/admin/")
    with django_capture_on_commit_callbacks(execute=True):
        CodeListEntryAdmin(CodeListEntry, admin.site).delete_queryset(
            request, CodeListEntry.objects.filter(pk=entry.pk)
        )
    assert cache.get(refcache.VERSION_KEY) != "before"
    assert not codelists.is_known("port", "ZZZY")
