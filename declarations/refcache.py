"""Reference data held in each process (code lists, the HS nomenclature's index), loaded again only when
it changed. A change anywhere (the admin, `load_reference_data`) moves a counter in the shared cache (Redis
in production); a process looks at the counter at most once a minute and reloads what it holds only when
the counter moved, or an hour on whatever it says (an edit made behind the portal's back). Without the
shared cache (Redis down) each look reloads, as every minute before."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar

from django.core.cache import cache
from redis.exceptions import RedisError

T = TypeVar("T")
CHECK_SECONDS = 60.0
RELOAD_SECONDS = 3600.0
VERSION_KEY = "reference-data-version"


class _Held(NamedTuple):
    checked: float
    loaded: float
    version: int | None
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
    """The reference data changed: this process forgets what it holds, the others at their next look."""
    _held.clear()
    try:
        cache.add(VERSION_KEY, 0, timeout=None)
        cache.incr(VERSION_KEY)
    except (RedisError, OSError):  # the shared cache down: the others reload within the hour
        pass


def _version() -> int | None:
    try:
        return cache.get_or_set(VERSION_KEY, 0, timeout=None)
    except (RedisError, OSError):  # the shared cache down: reload, as if it had changed
        return None
