"""DRF's rate throttles, counted in fixed windows and failing open.

DRF's own throttle keeps the time of every request in the window as one list in the cache, read and
written whole on each request: at the user rate (6,000 a minute) that is up to 6,000 floats unpickled and
pickled again per call of an ERP submitting at full speed, and two requests at once lose a count. Here
each window (the rate's period: a minute) is one counter, raised with the cache's atomic increment (on Redis
made and raised in one round trip): the same for any rate, exact under concurrency. The price of fixed windows: a client may make up to twice its
rate across a window's end; the rate is a guard against runaways, not a quota.

They count in the cache (Redis in production), and a cache that is down for a moment must not turn every
API call into a 500 — a submission is worth more than a count. The outage is logged; throttling resumes as
soon as the cache answers."""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.redis import RedisCache
from django.utils.connection import ConnectionProxy
from redis.exceptions import RedisError
from rest_framework import throttling

log = logging.getLogger(__name__)


def _raise(cache: BaseCache, key: str, *, timeout: int) -> int:
    """The counter `key` raised by one and its new count; made, expiring after `timeout` seconds, by its first
    raise. On Redis one round trip (SET … NX EX and INCR, pipelined); in any other cache the atomic increment,
    after an add for the first."""
    if isinstance(cache, ConnectionProxy):  # django.core.cache.cache, as DRF's throttles hold it: this thread's
        cache = cache._connections[cache._alias]
    if isinstance(cache, RedisCache):
        full = cache.make_and_validate_key(key)
        pipe = cache._cache.get_client(full, write=True).pipeline(transaction=False)
        pipe.set(full, 0, ex=timeout, nx=True)  # an integer, as Django's cache stores one: incr() reads it too
        pipe.incr(full)
        return int(pipe.execute()[1])
    try:
        try:  # the window's counter, there after the window's first request: raised in one call
            return cache.incr(key)
        except ValueError:  # the window's first request (or one at the same moment)
            return 1 if cache.add(key, 1, timeout=timeout) else cache.incr(key)
    except ValueError:  # the counter expired between the calls: this is its first
        return 1


class _FixedWindow(throttling.SimpleRateThrottle):
    window_end: float = 0.0
    num_requests: int  # set from the rate by SimpleRateThrottle.__init__
    duration: int

    def allow_request(self, request: Any, view: Any) -> bool:
        if self.rate is None or (ident := self.get_cache_key(request, view)) is None:
            return True
        now = self.timer()
        window = int(now // self.duration)
        key = f"{ident}:{window}"
        try:
            count = _raise(self.cache, key, timeout=self.duration + 1)
        except (RedisError, OSError) as error:
            log.warning("API throttle skipped, the cache is unreachable: %s", error)
            return True
        if count > self.num_requests:
            self.window_end = (window + 1) * self.duration
            return False
        return True

    def wait(self) -> float:
        return max(0.0, self.window_end - self.timer())


class UserRateThrottle(_FixedWindow, throttling.UserRateThrottle):
    pass


class FailedTokenThrottle(_FixedWindow):
    """Failed token authentications per client address (the "failed_token" rate, API_THROTTLE_FAILED_TOKEN).

    DRF authenticates before it throttles, so a guessed, expired or revoked key is refused before any
    throttle counts it. The authentication asks `refuses` before it looks a key up and `records` each
    failure: once an address has used up the rate, every token it sends is refused until the window ends,
    a good one too (else the answer would still tell a good guess from a bad one)."""

    scope = "failed_token"

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def _key(self, request: Any) -> tuple[str, int]:
        window = int(self.timer() // self.duration)
        return f"{self.get_cache_key(request, None)}:{window}", window

    def refuses(self, request: Any) -> bool:
        """Whether the address has used up its failures in this window (counting nothing)."""
        if self.rate is None:
            return False
        key, window = self._key(request)
        try:
            count = self.cache.get(key, 0)
        except (RedisError, OSError) as error:
            log.warning("Failed-token throttle skipped, the cache is unreachable: %s", error)
            return False
        if count >= self.num_requests:
            self.window_end = (window + 1) * self.duration
            return True
        return False

    def records(self, request: Any) -> None:
        """Count one failed authentication from the request's address."""
        if self.rate is None:
            return
        key, _window = self._key(request)
        try:
            _raise(self.cache, key, timeout=self.duration + 1)
        except (RedisError, OSError) as error:
            log.warning("Failed-token throttle skipped, the cache is unreachable: %s", error)


class AnonRateThrottle(_FixedWindow, throttling.AnonRateThrottle):
    pass
