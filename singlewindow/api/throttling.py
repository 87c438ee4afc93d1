"""DRF's rate throttles, counted in fixed windows and failing open.

DRF's own throttle keeps the time of every request in the window as one list in the cache, read and
written whole on each request: at the user rate (6,000 a minute) that is up to 6,000 floats unpickled and
pickled again per call of an ERP submitting at full speed, and two requests at once lose a count. Here
each window (the rate's period: a minute) is one counter, raised with the cache's atomic increment: the
same for any rate, exact under concurrency. The price of fixed windows: a client may make up to twice its
rate across a window's end; the rate is a guard against runaways, not a quota.

They count in the cache (Redis in production), and a cache that is down for a moment must not turn every
API call into a 500 — a submission is worth more than a count. The outage is logged; throttling resumes as
soon as the cache answers."""

from __future__ import annotations

import logging
from typing import Any

from redis.exceptions import RedisError
from rest_framework import throttling

log = logging.getLogger(__name__)


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
            count = 1 if self.cache.add(key, 1, timeout=self.duration + 1) else self.cache.incr(key)
        except ValueError:  # the window's counter expired between the two calls: this is its first request
            count = 1
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


class AnonRateThrottle(_FixedWindow, throttling.AnonRateThrottle):
    pass
