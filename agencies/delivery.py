"""Delivering outbox rows to agencies: one attempt at a time, safe to repeat.

A branch is tried until the agency takes it (202, or 200 for a message it already has) or refuses it for
good (400). Failures back off (doubling, at most DELIVERY_BACKOFF_MAX_SECONDS) for DELIVERY_RETRY_HOURS
from the first attempt; then the branch is 'delivery failed' for the firm and operators, who can retry
it. While its agency is down (agencies/circuit.py: its circuit is open) a branch is neither attempted nor
given up: it waits, and is sent again as soon as the agency answers. Other branches never wait for it.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from enum import Enum

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from lxml import etree

from declarations.choices import DeliveryStatus, EventKind
from declarations.events import event_record_delivery
from declarations.models import Delivery
from declarations.registry import dispatch
from singlewindow.models import User
from singlewindow.services import audit_record

from . import circuit
from .adapters import adapter_for
from .choices import CircuitState
from .models import AgencyHealth
from .signing import signed_headers

log = logging.getLogger(__name__)
_session = requests.Session()
_session.trust_env = False  # agencies are reached directly; no proxy settings read on every call


class Attempt(Enum):
    DELIVERED = "delivered"
    RETRY = "retry"
    FAILED = "failed"
    SKIPPED = "skipped"
    WAITING = "waiting"  # the agency is down: the branch waits for it (no retry is scheduled)


def backoff_seconds(attempts: int) -> float:
    exponent = min(max(attempts - 1, 0), 32)  # 2**32 × anything exceeds the cap: no float overflow
    return min(settings.DELIVERY_BACKOFF_SECONDS * 2**exponent, settings.DELIVERY_BACKOFF_MAX_SECONDS)


def delivery_attempt(*, delivery_id: int, attempts: int, probe: bool = False) -> tuple[Attempt, float]:
    """Try to deliver one branch once. `attempts` is how many attempts the caller saw: only the first
    caller to claim that attempt goes on (a delayed retry and the sweep may both ask for it), the others
    are skipped, and so is a branch whose agency is down, unless this attempt is the sweep's `probe` of
    that agency. Returns what happened and, for a retry, in how many seconds."""
    now = timezone.now()
    claim = Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING, attempts=attempts)
    if not probe:
        down = AgencyHealth.objects.filter(agency=OuterRef("agency")).exclude(state=CircuitState.CLOSED)
        claim = claim.exclude(Exists(down))
    claimed = claim.update(
        attempts=attempts + 1,
        trying_since=Coalesce(F("trying_since"), Value(now)),
        next_attempt_at=now + timedelta(seconds=settings.DELIVERY_LEASE_SECONDS),
    )
    if not claimed:  # delivered, failed, superseded, waiting for its agency, or someone else's attempt
        return Attempt.SKIPPED, 0
    delivery = Delivery.objects.select_related("version").get(pk=delivery_id)
    version = delivery.version
    try:
        endpoint = settings.AGENCY_ENDPOINTS[delivery.agency]
        body = adapter_for(delivery.agency).build_message(
            version.payload, message_id=delivery.message_id, version=version.number
        )
    except (KeyError, etree.DocumentInvalid) as error:  # retrying cannot help: tell operators now
        return _give_up(delivery, f"message could not be built: {error}"[:500])
    sent_at = timezone.now()
    try:
        response = _session.post(
            endpoint,
            data=body,
            headers={
                "Content-Type": "application/xml",
                "X-Message-Id": delivery.message_id,
                **signed_headers(body),
            },
            timeout=(2, settings.DELIVERY_TIMEOUT_SECONDS),
        )
    except requests.RequestException as error:
        return _failed_attempt(delivery, f"{type(error).__name__}: {error}"[:500])
    if response.status_code in (200, 202):
        with transaction.atomic():
            updated = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING).update(
                status=DeliveryStatus.DELIVERED, delivered_at=timezone.now(), last_error=""
            )
            if updated:
                event_record_delivery(delivery=delivery, kind=EventKind.DELIVERED, at=sent_at)
        _answered(delivery.agency)
        return Attempt.DELIVERED, 0
    if response.status_code == 400:
        outcome = _give_up(delivery, f"HTTP 400: {response.text[:400]}")
        _answered(delivery.agency)  # it refused this message, but it is there
        return outcome
    return _failed_attempt(delivery, f"HTTP {response.status_code}")


def _answered(agency: str) -> None:
    """The agency answered: if it had been down, everything that waited for it goes out now, oldest first
    (once the circuit's closing has committed)."""
    waiting = circuit.circuit_success(agency=agency)
    if waiting:
        transaction.on_commit(lambda: dispatch(waiting), robust=True)


def _failed_attempt(delivery: Delivery, error: str) -> tuple[Attempt, float]:
    delay = backoff_seconds(delivery.attempts)
    if circuit.circuit_failure(agency=delivery.agency, error=error):
        outcome = Attempt.WAITING  # never given up while its agency is down; resumed when it answers
    elif _horizon_passed(delivery):
        return _give_up(delivery, error)
    else:
        outcome = Attempt.RETRY
    Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING).update(
        last_error=error, next_attempt_at=timezone.now() + timedelta(seconds=delay)
    )
    if outcome is Attempt.RETRY:
        log.warning(
            "delivery %s attempt %s failed (%s); next in %.0f s", delivery.message_id, delivery.attempts, error, delay
        )
    else:
        log.warning(
            "delivery %s attempt %s failed (%s); waits for %s to answer",
            delivery.message_id,
            delivery.attempts,
            error,
            delivery.agency,
        )
    return outcome, delay if outcome is Attempt.RETRY else 0


def _horizon_passed(delivery: Delivery) -> bool:
    started = delivery.trying_since or timezone.now()
    return timezone.now() - started >= timedelta(hours=settings.DELIVERY_RETRY_HOURS)


@transaction.atomic
def _give_up(delivery: Delivery, error: str) -> tuple[Attempt, float]:
    updated = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.FAILED, last_error=error
    )
    if updated:
        event_record_delivery(delivery=delivery, kind=EventKind.DELIVERY_FAILED, data={"reason": error})
        log.error("delivery %s failed for good after %s attempts: %s", delivery.message_id, delivery.attempts, error)
    return Attempt.FAILED, 0


def deliveries_due(*, limit: int = 500) -> list[tuple[int, int]]:
    """Branches left behind (a lost task, a killed worker, a retry whose time has come), as
    (id, attempts so far) for delivery_attempt's claim; leased again so the next sweep waits. Branches of
    an agency that is down are not among them (circuit.probes_due tries one now and then)."""
    now = timezone.now()
    with transaction.atomic():
        due = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            .exclude(agency__in=circuit.agencies_down())
            .order_by("pk")  # oldest first
            .values_list("pk", "attempts")[:limit]
        )
        Delivery.objects.filter(pk__in=[pk for pk, _ in due]).update(
            next_attempt_at=now + timedelta(seconds=settings.DELIVERY_LEASE_SECONDS)
        )
    return due


@transaction.atomic
def delivery_retry(*, delivery: Delivery, user: User) -> bool:
    """An operator sends a failed branch of the current version again, with a fresh retry horizon."""
    if delivery.version.number != delivery.version.declaration.version_count:
        return False  # superseded by a newer version: that one is what counts
    retried = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.FAILED).update(
        status=DeliveryStatus.PENDING, attempts=0, trying_since=None, next_attempt_at=timezone.now()
    )
    if retried:
        audit_record(
            actor=user,
            action="delivery.retried",
            obj=delivery,
            before={"status": "failed"},
            after={"status": "pending"},
        )
        transaction.on_commit(lambda: dispatch([delivery.pk]), robust=True)
    return bool(retried)
