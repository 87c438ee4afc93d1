"""Delivering outbox rows to agencies: one attempt at a time, safe to repeat.

A branch is tried until the agency takes it (202, or 200 for a message it already has) or refuses it for
good (400). Failures back off (doubling, at most DELIVERY_BACKOFF_MAX_SECONDS) for DELIVERY_RETRY_HOURS
from the first attempt; then the branch is 'delivery failed' for the firm and operators, who can retry
it. While its agency is down (agencies/circuit.py: its circuit is open) a branch is neither attempted nor
given up: it waits, and is sent again as soon as the agency answers. Other branches never wait for it.

Under load, an attempt takes along other branches waiting for the same agency (at most the agency's
AGENCY_BATCH_MAX, claimed with FOR UPDATE SKIP LOCKED) and sends them in one signed request, each with its
own answer (docs/AGENCY_PROTOCOL.md, "Batches"); a batch that fails as a whole is one failure for the
agency's circuit and a failed attempt of each of its branches.

A submission does not queue a task per branch: it asks for its agency's drainer (`waiting_deliver`), and
only the first to ask while none is queued queues one (agencies/marks.py); that drainer sends everything
waiting for the agency when it runs, a batch per request. Under load one task and one request then serve
many submissions; on a quiet portal the drainer sends the one branch at once.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from functools import cache
from typing import Any

import requests
from django.conf import settings
from django.db import connection, transaction
from django.db.models import BooleanField, Exists, F, Func, IntegerField, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from lxml import etree

from declarations.choices import DeliveryStatus, EventKind
from declarations.events import event_record_delivery, events_record_delivered
from declarations.models import Delivery
from declarations.registry import dispatch
from singlewindow.models import User
from singlewindow.prepared import Prepared, prepared, prepared_update
from singlewindow.services import audit_record

from . import circuit, marks
from .adapters import adapter_for
from .choices import CircuitState, DeliveryAction
from .models import AgencyHealth
from .signing import signed_headers

log = logging.getLogger(__name__)
_session = requests.Session()
_session.trust_env = False  # agencies are reached directly; no proxy settings read on every call
BATCH_NS = "urn:singlewindow:batch:1"
DRAIN_ROUNDS = 20  # a drainer sends at most this many requests, then leaves the rest to the next one or the sweep
DRAINER_MARK = "agencies:drainer:"  # cache key + agency: who queued the agency's drainer (agencies/marks.py)
DRAINER_MARK_SECONDS = 5  # a drainer lost with a killed worker holds its mark no longer than this
BACKLOG_SECONDS = 0.1  # a branch whose first attempt starts later than this after submission waited in a queue


class Attempt(Enum):
    DELIVERED = "delivered"
    RETRY = "retry"
    FAILED = "failed"
    SKIPPED = "skipped"
    WAITING = "waiting"  # the agency is down: the branch waits for it (no retry is scheduled)


Outcome = tuple[Attempt, float]


@dataclass
class _Item:
    delivery: Delivery
    body: bytes


def backoff_seconds(attempts: int) -> float:
    exponent = min(max(attempts - 1, 0), 32)  # 2**32 × anything exceeds the cap: no float overflow
    return min(settings.DELIVERY_BACKOFF_SECONDS * 2**exponent, settings.DELIVERY_BACKOFF_MAX_SECONDS)


def batch_max(agency: str) -> int:
    """How many branches go to `agency` in one request (AGENCY_<AGENCY>_BATCH_MAX; 1: it takes no batches)."""
    try:
        return max(1, int(settings.AGENCY_BATCH_MAX[agency]))
    except KeyError:
        return 1


def delivery_attempt(*, delivery_id: int, attempts: int, probe: bool = False) -> Outcome:
    """Try to deliver one branch once. `attempts` is how many attempts the caller saw: only the first
    caller to claim that attempt goes on (a delayed retry and the sweep may both ask for it), the others
    are skipped, and so is a branch whose agency is down, unless this attempt is the sweep's `probe` of
    that agency. Other branches waiting for the same agency may go with it (a batch). Returns what
    happened to this branch and, for a retry, in how many seconds."""
    outcomes = deliveries_attempt(claims=[(delivery_id, attempts)], probe=probe)
    return outcomes.get(delivery_id, (Attempt.SKIPPED, 0))


def deliveries_attempt(*, claims: list[tuple[int, int]], probe: bool = False) -> dict[int, Outcome]:
    """Attempt these branches (id, attempts the caller saw) of one agency, and as many other branches
    waiting for it as its batch holds, in one request. Returns each claimed branch's outcome."""
    now = timezone.now()
    claimed = [pk for pk, attempts in claims if _claim(pk, attempts, now=now, probe=probe)]
    if not claimed:  # delivered, failed, superseded, waiting for its agency, or someone else's attempt
        return {}
    deliveries = _claimed.all(pks=claimed)
    agency = deliveries[0].agency
    room = batch_max(agency) - len(deliveries)
    if room > 0 and not probe and _backlog(deliveries[0], now=now):
        deliveries += _claim_waiting(agency=agency, exclude=claimed, limit=room, now=now)
    return _send(deliveries)


def waiting_deliver(*, agency: str) -> int:
    """The drainer's work (agencies.deliver_waiting, queued after submissions): every branch waiting for
    `agency` (new ones, and retries whose time has come), a batch per request, oldest first, until none is
    left or the agency answers none of a batch (the sweep then takes over: backoff, circuit; an item it
    refused or failed alone is retried under its backoff, the rest go on). Nothing while the agency is down:
    its branches wait for the probe. Returns how many branches were attempted."""
    attempted, size = 0, batch_max(agency)
    if agency in circuit.agencies_down():
        return 0
    for _ in range(DRAIN_ROUNDS):
        deliveries = _claim_waiting(agency=agency, exclude=[], limit=size, now=timezone.now())
        attempted += len(deliveries)
        if not deliveries:
            break
        outcomes = _send(deliveries)
        if not any(outcome in (Attempt.DELIVERED, Attempt.FAILED) for outcome, _ in outcomes.values()):
            break  # the agency answered none of them: backoff and circuit decide what happens next
        if len(deliveries) < size:
            break  # all there was: a branch submitted since found no drainer marked and queued its own
    return attempted


def waiting(*, agency: str) -> bool:
    """Whether a new branch waits for `agency` while it answers (the drainer's last look after giving up its
    mark; while the agency is down, its branches wait for the probe)."""
    if agency in circuit.agencies_down():
        return False
    return Delivery.objects.filter(agency=agency, status=DeliveryStatus.PENDING, attempts=0).exists()


def drainers_missing() -> list[str]:
    """Agencies with new branches waiting longer than a drainer takes to start while none is marked as
    queued (it was lost with a killed worker or a restarted broker): the sweep queues theirs now rather
    than at the branches' lease's end."""
    waited = timezone.now() - timedelta(seconds=DRAINER_MARK_SECONDS)
    agencies = (
        Delivery.objects.filter(status=DeliveryStatus.PENDING, attempts=0, version__submitted_at__lte=waited)
        .exclude(agency__in=circuit.agencies_down())
        .values_list("agency", flat=True)
        .distinct()
    )
    return [agency for agency in agencies if marks.marked(DRAINER_MARK + agency) is False]


def _send(deliveries: list[Delivery]) -> dict[int, Outcome]:
    """Build each claimed branch's message and send them to their agency: alone, or as one batch."""
    outcomes: dict[int, Outcome] = {}
    items = []
    for delivery in deliveries:
        version = delivery.version
        try:
            endpoint = settings.AGENCY_ENDPOINTS[delivery.agency]
            body = adapter_for(delivery.agency).build_message(
                version.payload, message_id=delivery.message_id, version=version.number
            )
        except (KeyError, etree.DocumentInvalid) as error:  # retrying cannot help: tell operators now
            outcomes[delivery.pk] = _give_up(delivery, f"message could not be built: {error}"[:500])
            continue
        items.append(_Item(delivery, body))
    if len(items) == 1:
        outcomes.update(_send_one(endpoint, items[0]))
    elif items:
        outcomes.update(_send_batch(endpoint, items))
    return outcomes


def _claim(pk: int, attempts: int, *, now: datetime, probe: bool) -> bool:
    claim = Delivery.objects.filter(pk=pk, status=DeliveryStatus.PENDING, attempts=attempts)
    if not probe:
        down = AgencyHealth.objects.filter(agency=OuterRef("agency")).exclude(state=CircuitState.CLOSED)
        claim = claim.exclude(Exists(down))
    return bool(
        claim.update(
            attempts=attempts + 1,
            trying_since=Coalesce(F("trying_since"), Value(now)),
            next_attempt_at=now + timedelta(seconds=settings.DELIVERY_LEASE_SECONDS),
            claimed_by=_claimant(),
        )
    )


def _claimant() -> Func | Value:
    """The database session making a claim, written on the branch while its attempt is on its way: on
    PostgreSQL its backend pid, which ends with the worker's process (none where sessions are not asked:
    SQLite, or DELIVERY_CLAIMANT_SESSIONS off behind a pooler; then the lease alone)."""
    if _sessions_asked():
        return Func(function="pg_backend_pid", output_field=IntegerField())
    return Value(None, output_field=IntegerField())


def _sessions_asked() -> bool:
    return connection.vendor == "postgresql" and settings.DELIVERY_CLAIMANT_SESSIONS and _sessions_readable()


@cache
def _sessions_readable() -> bool:
    """Whether the portal's role may read pg_stat_activity (any role may, unless an administrator revoked it):
    asked once a process. Unreadable, the sweep's statement would fail on every beat; the lease alone serves."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT has_table_privilege('pg_catalog.pg_stat_activity', 'SELECT')")
        readable = bool(cursor.fetchone()[0])
    if not readable:
        log.error("pg_stat_activity is not readable by this role: a killed worker's branches wait out their lease")
    return readable


def _abandoned() -> Q:
    """On its way by a database session that is gone (its worker was killed mid-attempt): nobody will record
    what became of it. The sessions are listed by the statement that picks the rows, after its snapshot: a
    claimant it does not list had ended (or opened its session and claimed the row while the statement ran:
    that branch goes twice, and the agency keeps one by its message id)."""
    if not _sessions_asked():
        return Q(pk__in=[])
    # pg_stat_activity is PostgreSQL's list of sessions, no table of ours: asked as SQL of its own.
    gone = Func(F("claimed_by"), template="NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = %(expressions)s)",
                output_field=BooleanField())  # fmt: skip
    return Q(gone, claimed_by__isnull=False)


def _backlog(delivery: Delivery, *, now: datetime) -> bool:
    """Whether other branches are likely waiting: this one is a retry or a sweep's, or its task waited in
    the queue. A quiet portal's first attempt then costs no look for others."""
    waited = (now - delivery.version.submitted_at).total_seconds()
    return delivery.attempts > 1 or waited >= BACKLOG_SECONDS


def _claim_waiting(*, agency: str, exclude: list[int], limit: int, now: datetime) -> list[Delivery]:
    """Other branches waiting for `agency`, oldest first: just queued (no attempt yet: their own tasks then
    find them claimed and do nothing) or due for a retry; none held by another worker. Claimed as an
    attempt each, like delivery_attempt's own."""
    with transaction.atomic():  # the agency is answering: the caller's own claim checked its circuit
        waiting = _waiting_query(agency, now)
        if exclude:  # an attempt's own branches aside (deliveries_attempt)
            pks = list(waiting.exclude(pk__in=exclude).order_by("pk").values_list("pk", flat=True)[:limit])
        else:  # the drainer's, thousands an hour: prepared (its LIMIT is in the SQL's text, so one per limit)
            pks = _waiting_first(limit).all(agency=agency, now=now)
        if not pks:
            return []
        _attempted.run(pks=pks, now=now, lease_end=now + timedelta(seconds=settings.DELIVERY_LEASE_SECONDS))
    return _claimed.all(pks=pks)


def _waiting_query(agency: str, now: datetime) -> QuerySet[Delivery]:
    """Branches waiting for `agency`: new, or due for a retry; none held by another worker."""
    return Delivery.objects.select_for_update(skip_locked=True).filter(
        Q(attempts=0) | Q(next_attempt_at__lte=now), agency=agency, status=DeliveryStatus.PENDING
    )


@cache
def _waiting_first(limit: int) -> Prepared[int]:
    """The first `limit` branches waiting, oldest first (singlewindow/prepared.py)."""

    def build(*, agency: str, now: datetime) -> QuerySet[Delivery, int]:
        return _waiting_query(agency, now).order_by("pk").values_list("pk", flat=True)[:limit]

    return prepared(build)


@prepared_update
def _attempted(*, pks: list[int], now: datetime, lease_end: datetime) -> tuple[QuerySet[Delivery], dict[str, Any]]:
    return Delivery.objects.filter(pk__in=pks), {
        "attempts": F("attempts") + 1,
        "trying_since": Coalesce(F("trying_since"), Value(now)),
        "next_attempt_at": lease_end,
        "claimed_by": _claimant(),
    }


@prepared_update
def _delivered_now(*, pks: list[int], now: datetime) -> tuple[QuerySet[Delivery], dict[str, Any]]:
    return Delivery.objects.filter(pk__in=pks), {
        "status": DeliveryStatus.DELIVERED,
        "delivered_at": now,
        "last_error": "",
    }


# Branches claimed for an attempt, with the versions their messages are built from (singlewindow/prepared.py).
@prepared
def _claimed(*, pks: list[int]) -> QuerySet[Delivery]:
    return Delivery.objects.select_related("version").filter(pk__in=pks).order_by("pk")


@prepared
def _pending(*, pks: list[int]) -> QuerySet[Delivery, int]:
    pending = Delivery.objects.filter(pk__in=pks, status=DeliveryStatus.PENDING)
    # The branches' rows only, in id order: not their declarations'.
    return pending.select_for_update(of=("self",)).order_by("pk").values_list("pk", flat=True)


def _post(endpoint: str, body: bytes, headers: dict[str, str]) -> requests.Response:
    return _session.post(
        endpoint,
        data=body,
        headers={"Content-Type": "application/xml", **headers, **signed_headers(body)},
        timeout=(2, settings.DELIVERY_TIMEOUT_SECONDS),
    )


def _send_one(endpoint: str, item: _Item) -> dict[int, Outcome]:
    delivery = item.delivery
    sent_at = timezone.now()
    try:
        response = _post(endpoint, item.body, {"X-Message-Id": delivery.message_id})
    except requests.RequestException as error:
        return _failed({delivery.pk: delivery}, f"{type(error).__name__}: {error}"[:500])
    if response.status_code in (200, 202):
        _delivered([delivery], sent_at)
        _answered(delivery.agency)
        return {delivery.pk: (Attempt.DELIVERED, 0)}
    if response.status_code == 400:
        outcome = _give_up(delivery, f"HTTP 400: {response.text[:400]}")
        _answered(delivery.agency)  # it refused this message, but it is there
        return {delivery.pk: outcome}
    return _failed({delivery.pk: delivery}, f"HTTP {response.status_code}")


def batch_body(batch_id: str, items: list[tuple[str, bytes]]) -> bytes:
    """A <MessageBatch> of (message id, message) pairs: each message as a single request carries it,
    without its XML declaration."""
    parts = [
        f'<?xml version="1.0" encoding="UTF-8"?>\n<MessageBatch xmlns="{BATCH_NS}" BatchId="{batch_id}" '
        f'Count="{len(items)}">'.encode()
    ]
    for message_id, body in items:
        if body.startswith(b"<?xml"):
            body = body[body.index(b"?>") + 2 :].lstrip()
        parts.append(f'<Item MessageId="{message_id}">'.encode() + body + b"</Item>")
    parts.append(b"</MessageBatch>")
    return b"".join(parts)


def _send_batch(endpoint: str, items: list[_Item]) -> dict[int, Outcome]:
    """Several branches of one agency in one signed request; each item's answer decides its branch."""
    by_message = {item.delivery.message_id: item.delivery for item in items}
    batch_id = f"batch-{uuid.uuid4().hex}"
    body = batch_body(batch_id, [(item.delivery.message_id, item.body) for item in items])
    sent_at = timezone.now()
    try:
        response = _post(endpoint, body, {"X-Batch-Id": batch_id})
    except requests.RequestException as error:
        return _failed({d.pk: d for d in by_message.values()}, f"{type(error).__name__}: {error}"[:500])
    answers = _item_answers(response) if response.status_code == 207 else None
    if answers is None:  # the whole request failed: no item was judged
        return _failed({d.pk: d for d in by_message.values()}, f"HTTP {response.status_code} for a batch")
    taken: list[Delivery] = []
    refused: list[tuple[Delivery, str]] = []
    failed: dict[int, Delivery] = {}
    for message_id, delivery in by_message.items():
        status, reason = answers.get(message_id, (None, ""))
        if status in (200, 202):
            taken.append(delivery)
        elif status == 400:
            refused.append((delivery, reason))
        else:
            failed[delivery.pk] = delivery
    outcomes: dict[int, Outcome] = {}
    _delivered(taken, sent_at)
    outcomes.update({delivery.pk: (Attempt.DELIVERED, 0) for delivery in taken})
    for delivery, reason in refused:
        outcomes[delivery.pk] = _give_up(delivery, f"HTTP 400: {reason[:400]}")
    if taken or refused:
        _answered(items[0].delivery.agency)
    if failed:
        outcomes.update(
            _failed(failed, "no answer, or 5xx, for this item of its batch", agency_answered=bool(taken or refused))
        )
    return outcomes


def _item_answers(response: requests.Response) -> dict[str, tuple[int, str]] | None:
    """message id → (status, error) from a 207 answer, or None when it cannot be read."""
    try:
        items = response.json()["items"]
        return {str(item["message_id"]): (int(item["status"]), str(item.get("error", ""))) for item in items}
    except (ValueError, KeyError, TypeError):
        return None


@transaction.atomic
def _delivered(deliveries: list[Delivery], sent_at: datetime) -> None:
    """Branches the agency took: delivered, with their 'delivered' event, once each."""
    if not deliveries:
        return
    pending = set(_pending.all(pks=sorted(d.pk for d in deliveries)))
    now = timezone.now()
    _delivered_now.run(pks=sorted(pending), now=now)
    events_record_delivered(deliveries=[d for d in deliveries if d.pk in pending], at=sent_at)


def _answered(agency: str) -> None:
    """The agency answered: if it had been down, everything that waited for it goes out now, oldest first
    (once the circuit's closing has committed)."""
    waiting = circuit.circuit_success(agency=agency)
    if waiting:
        transaction.on_commit(lambda: dispatch(waiting), robust=True)


def _failed(deliveries: dict[int, Delivery], error: str, *, agency_answered: bool = False) -> dict[int, Outcome]:
    """A failed attempt of each branch (all of one agency): one failure for the agency's circuit (none
    when it answered for the other items of their batch), then each waits for the agency, retries after
    its backoff, or is given up past the retry horizon."""
    agency = next(iter(deliveries.values())).agency
    # A batch whose other items were answered: the agency is there, this is no failure of its own.
    down = agency in circuit.agencies_down() if agency_answered else circuit.circuit_failure(agency=agency, error=error)
    outcomes: dict[int, Outcome] = {}
    for delivery in deliveries.values():
        delay = backoff_seconds(delivery.attempts)
        if down:
            outcome = Attempt.WAITING  # never given up while its agency is down; resumed when it answers
        elif _horizon_passed(delivery):
            outcomes[delivery.pk] = _give_up(delivery, error)
            continue
        else:
            outcome = Attempt.RETRY
        # Only this attempt's: a branch claimed again since (this one outlived its lease) is the new attempt's.
        Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING, attempts=delivery.attempts).update(
            last_error=error, next_attempt_at=timezone.now() + timedelta(seconds=delay), claimed_by=None
        )
        if outcome is Attempt.RETRY:
            log.warning(
                "delivery %s attempt %s failed (%s); next in %.0f s",
                delivery.message_id,
                delivery.attempts,
                error,
                delay,
            )
        else:
            log.warning(
                "delivery %s attempt %s failed (%s); waits for %s to answer",
                delivery.message_id,
                delivery.attempts,
                error,
                delivery.agency,
            )
        outcomes[delivery.pk] = (outcome, delay if outcome is Attempt.RETRY else 0)
    return outcomes


def _horizon_passed(delivery: Delivery) -> bool:
    started = delivery.trying_since or timezone.now()
    return timezone.now() - started >= timedelta(hours=settings.DELIVERY_RETRY_HOURS)


@transaction.atomic
def _give_up(delivery: Delivery, error: str) -> Outcome:
    updated = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.FAILED, last_error=error
    )
    if updated:
        event_record_delivery(delivery=delivery, kind=EventKind.DELIVERY_FAILED, data={"reason": error})
        log.error("delivery %s failed for good after %s attempts: %s", delivery.message_id, delivery.attempts, error)
    return Attempt.FAILED, 0


def deliveries_due(*, limit: int = 500) -> list[list[tuple[int, int]]]:
    """Branches left behind (a lost task, a retry whose time has come, and at its lease's end or, on
    PostgreSQL, at once, an attempt whose worker was killed), as (id, attempts so far) for delivery_attempt's
    claim, in groups of one agency's batch size (one task each); leased again so the next sweep waits.
    Branches of an agency that is down are not among them (circuit.probes_due tries one now and then)."""
    now = timezone.now()
    with transaction.atomic():
        due = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(Q(next_attempt_at__lte=now) | _abandoned(), status=DeliveryStatus.PENDING)
            .exclude(agency__in=circuit.agencies_down())
            .order_by("pk")  # oldest first
            .values_list("pk", "attempts", "agency")[:limit]
        )
        Delivery.objects.filter(pk__in=[pk for pk, _, _ in due]).update(
            next_attempt_at=now + timedelta(seconds=settings.DELIVERY_LEASE_SECONDS), claimed_by=None
        )
    return claim_groups(due)


def claim_groups(branches: list[tuple[int, int, str]]) -> list[list[tuple[int, int]]]:
    """(id, attempts, agency) → [(id, attempts)] per agency, at most its batch size each, oldest first."""
    by_agency: dict[str, list[tuple[int, int]]] = {}
    for pk, attempts, agency in branches:
        by_agency.setdefault(agency, []).append((pk, attempts))
    groups = []
    for agency, claims in by_agency.items():
        size = batch_max(agency)
        groups += [claims[i : i + size] for i in range(0, len(claims), size)]
    return sorted(groups, key=lambda group: group[0][0])


@transaction.atomic
def delivery_retry(*, delivery: Delivery, user: User) -> bool:
    """An operator sends a failed branch of the current version again, with a fresh retry horizon."""
    if delivery.version.number != delivery.version.declaration.version_count:
        return False  # superseded by a newer version: that one is what counts
    retried = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.FAILED).update(
        status=DeliveryStatus.PENDING, attempts=0, trying_since=None, next_attempt_at=timezone.now(), claimed_by=None
    )
    if retried:
        audit_record(
            actor=user,
            action=DeliveryAction.RETRIED,
            obj=delivery,
            before={"status": "failed"},
            after={"status": "pending"},
        )
        transaction.on_commit(lambda: dispatch([delivery.pk]), robust=True)
    return bool(retried)


def branches_for(delivery_ids: list[int]) -> list[tuple[int, int, str]]:
    """(id, attempts, agency) of these branches, oldest first, for the dispatcher to group them."""
    return list(Delivery.objects.filter(pk__in=delivery_ids).order_by("pk").values_list("pk", "attempts", "agency"))
