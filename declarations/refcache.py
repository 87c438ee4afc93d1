"""Reference data held in each process (code lists, the HS nomenclature's index), loaded again only when
it changed. A change anywhere (the admin, `load_reference_data`) writes a new version, a random token, to the
shared cache (Redis in production) once it has committed; a process looks at the version at most once a minute
and reloads what it holds only when it differs from the one it loaded under, or an hour on whatever it says (an
edit made behind the portal's back). A token, not a counter: a Redis restarted or emptied never brings back a
version a process already holds. Without a shared cache (a process's own memory, as `make run`) or with Redis
down, each look reloads, as every minute before."""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from redis.exceptions import RedisError

T = TypeVar("T")
CHECK_SECONDS = 60.0
RELOAD_SECONDS = 3600.0
VERSION_KEY = "reference-data-version"


class _Held(NamedTuple):
    checked: float
    loaded: float
    version: str | None
    value: Any


_held: dict[str, _Held] = {}


def held(key: str, load: Callable[[], T]) -> T:
    """The value held under key, loaded by `load` the first time and whenever the data changed."""
    now = time.monotonic()
    hit = _held.get(key)
    if hit is not None and now - hit.checked < CHECK_SECONDS:
        return hit.value
    version = _version()
    if hit is not None and version is not None and version == hit.version and now - hit.loaded < RELOAD_SECONDS:
        _held[key] = hit._replace(checked=now)
        return hit.value
    value = load()
    _held[key] = _Held(now, now, version, value)
    return value


def changed() -> None:
    """The reference data changed (or is changing in the transaction under way): this process forgets what it
    holds now (its next look, in this transaction, sees the change) and again once the transaction commits,
    when the new version is written for the others. Written before the commit, another process could load the
    old rows and keep them under the new version."""
    _held.clear()
    transaction.on_commit(_changed)


def _changed() -> None:
    _held.clear()
    with contextlib.suppress(RedisError, OSError):  # the shared cache down: the others reload within the hour
        cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def _version() -> str | None:
    if not _shared():
        return None
    try:
        return str(cache.get_or_set(VERSION_KEY, uuid.uuid4().hex, timeout=None))
    except (RedisError, OSError):  # the shared cache down: reload, as if it had changed
        return None


def _shared() -> bool:
    """Whether the default cache is one every process sees (not a process's own memory)."""
    return "LocMemCache" not in settings.CACHES["default"]["BACKEND"]
