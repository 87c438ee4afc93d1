"""One queued task for a kind of work, however many times it is asked for: a mark in the shared cache
(Redis) says a task is queued and who queued it. Whoever adds the mark queues the task; whoever finds it
there leaves the work to that task, which gives the mark up when it starts (work arriving after that
queues a task of its own) and then takes everything waiting. A task lost with a killed worker or a
restarted broker holds its mark no longer than its timeout; the sweep picks up what it left.

With the cache unreachable a mark cannot be kept, so a task is queued each time (more tasks, never less
work done)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.cache import cache

log = logging.getLogger(__name__)


def mark(key: str, owner: Any, *, seconds: float) -> bool:
    """Mark `owner` as the one queueing the task for `key`; False when a task is queued already."""
    try:
        return bool(cache.add(key, owner, timeout=seconds))
    except Exception:  # the cache is Redis: down with the broker, or restarting
        log.warning("mark %s unavailable; queueing a task for %s", key, owner)
        return True


def unmark(key: str, owner: Any) -> None:
    """The task `owner` queued has started (or could not be queued): the next piece of work queues one."""
    try:
        if cache.get(key) == owner:
            cache.delete(key)
    except Exception:  # the mark expires by itself
        log.warning("mark %s of %s could not be cleared", key, owner)


def hand_over(key: str, owner: Any, successor: Any, *, seconds: float) -> bool:
    """The task `owner` queued hands its mark to `successor`, a task it queues next (work arriving meanwhile is
    left to that one); False when the mark is no longer `owner`'s (it expired and another was queued)."""
    try:
        if cache.get(key) != owner:
            return False
        cache.set(key, successor, timeout=seconds)
        return True
    except Exception:  # no cache: the successor is queued all the same, and so is every other task
        log.warning("mark %s could not be handed over to %s", key, successor)
        return True


def queue_once(key: str, owner: Any, *, seconds: float, send: Callable[[], object]) -> None:
    """Queue the task for `key` (`send`), unless one is marked as queued already."""
    if not mark(key, owner, seconds=seconds):
        return
    try:
        send()
    except Exception:
        unmark(key, owner)  # not queued: the next piece of work tries again
        raise


def marked_among(keys: list[str]) -> set[str]:
    """Those of `keys` marked as queued, in one call (none when the cache cannot say: each is then asked
    for by queue_once, which queues a task when it cannot tell)."""
    try:
        return set(cache.get_many(keys))
    except Exception:
        return set()


def marked(key: str) -> bool | None:
    """Whether a task for `key` is marked as queued; None when the cache cannot say."""
    try:
        return cache.get(key) is not None
    except Exception:
        return None
