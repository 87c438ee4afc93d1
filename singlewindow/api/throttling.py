"""DRF's rate throttles, failing open: they count in the cache (Redis in production), and a cache that is
down for a moment must not turn every API call into a 500 — a submission is worth more than a count. The
outage is logged; throttling resumes as soon as the cache answers."""

from __future__ import annotations

import logging
from typing import Any

from redis.exceptions import RedisError
from rest_framework import throttling

log = logging.getLogger(__name__)


class _FailOpen:
    def allow_request(self, request: Any, view: Any) -> bool:
        try:
            return super().allow_request(request, view)  # type: ignore[misc]
        except (RedisError, OSError) as error:
            log.warning("API throttle skipped, the cache is unreachable: %s", error)
            return True


class UserRateThrottle(_FailOpen, throttling.UserRateThrottle):
    pass


class AnonRateThrottle(_FailOpen, throttling.AnonRateThrottle):
    pass
