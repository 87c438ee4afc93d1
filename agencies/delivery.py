"""Delivering outbox rows to agencies: one attempt at a time, safe to repeat.

A branch is tried until the agency takes it (202, or 200 for a message it already has), refuses it for
good (400), or the retry budget is spent; then it is 'delivery failed' for the firm and operators,
who can retry it. Other branches never wait for it.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from enum import Enum

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from declarations.choices import DeliveryStatus, EventKind
from declarations.events import event_record_delivery
from declarations.models import Delivery

from .adapters import adapter_for
from .signing import signature

log = logging.getLogger(__name__)
_session = requests.Session()
_session.trust_env = False  # agencies are reached directly; no proxy settings read on every call


class Attempt(Enum):
    DELIVERED = "delivered"
    RETRY = "retry"
    FAILED = "failed"
    SKIPPED = "skipped"


def backoff_seconds(attempts: int) -> float:
    return min(settings.DELIVERY_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0), 300.0)


def delivery_attempt(*, delivery_id: int) -> tuple[Attempt, float]:
    """Try to deliver one branch once. Returns what happened and, for a retry, in how many seconds."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, no_key=True, of=("self",))
            .select_related("version")
            .filter(pk=delivery_id, status=DeliveryStatus.PENDING)
            .first()
        )
        if delivery is None:  # delivered, failed, superseded, or another worker has it right now
            return Attempt.SKIPPED, 0
        delivery.attempts += 1
        delivery.next_attempt_at = timezone.now() + timedelta(seconds=settings.DELIVERY_LEASE_SECONDS)
        delivery.save(update_fields=["attempts", "next_attempt_at"])
    version = delivery.version
    body = adapter_for(delivery.agency).build_message(
        version.payload, message_id=delivery.message_id, version=version.number
    )
    sent_at = timezone.now()
    try:
        response = _session.post(
            settings.AGENCY_ENDPOINTS[delivery.agency],
            data=body,
            headers={
                "Content-Type": "application/xml",
                "X-Message-Id": delivery.message_id,
                "X-Signature": signature(body),
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
        return Attempt.DELIVERED, 0
    if response.status_code == 400:
        return _give_up(delivery, f"HTTP 400: {response.text[:400]}")
    return _failed_attempt(delivery, f"HTTP {response.status_code}")


def _failed_attempt(delivery: Delivery, error: str) -> tuple[Attempt, float]:
    if delivery.attempts >= settings.DELIVERY_MAX_ATTEMPTS:
        return _give_up(delivery, error)
    delay = backoff_seconds(delivery.attempts)
    Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING).update(
        last_error=error, next_attempt_at=timezone.now() + timedelta(seconds=delay)
    )
    log.warning(
        "delivery %s attempt %s failed (%s); next in %.0f s", delivery.message_id, delivery.attempts, error, delay
    )
    return Attempt.RETRY, delay


@transaction.atomic
def _give_up(delivery: Delivery, error: str) -> tuple[Attempt, float]:
    updated = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.FAILED, last_error=error
    )
    if updated:
        event_record_delivery(delivery=delivery, kind=EventKind.DELIVERY_FAILED, data={"reason": error})
        log.error("delivery %s failed for good after %s attempts: %s", delivery.message_id, delivery.attempts, error)
    return Attempt.FAILED, 0


def deliveries_due(*, limit: int = 500) -> list[int]:
    """Branches left behind (a lost task, a killed worker, a retry whose time has come), claimed for
    another lease so two sweeps do not send them twice at once."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            .values_list("pk", flat=True)[:limit]
        )
        Delivery.objects.filter(pk__in=ids).update(
            next_attempt_at=now + timedelta(seconds=settings.DELIVERY_LEASE_SECONDS)
        )
    return ids


@transaction.atomic
def delivery_retry(*, delivery: Delivery) -> None:
    """An operator sends a failed branch again, with a fresh retry budget."""
    Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.FAILED).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error=F("last_error")
    )
