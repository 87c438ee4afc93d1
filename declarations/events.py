"""Agencies' receipts become events; each shipment's status is derived from its events.

Receipts may come twice or out of order: a receipt id is stored once, and each agency's branch is
read in the agency's own sequence, not in arrival order. Final means final: a branch released or
rejected stays so whatever comes after (kept for the record, shown as ignored); only an explicit
revocation of a release moves a released branch on, to "release revoked". Nothing here edits an event.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from credit.choices import Channel, Outcome, RecordKind
from credit.services import record_add
from singlewindow.errors import DomainError
from singlewindow.models import AuditEntry
from singlewindow.prepared import insert, insert_all, prepared, prepared_update, save_fields

from .choices import FINAL_KINDS, DeclarationAction, DeclarationStatus, DeliveryStatus, EventKind
from .models import Declaration, DeclarationVersion, Delivery, Event, InspectionAppointment
from .registry import StatusChange, listeners

log = logging.getLogger(__name__)
Late = tuple[str, str]  # (agency, receipt id) of a receipt that came after its branch was final


@dataclass(frozen=True)
class AgencyEvent:
    """One receipt, in the portal's words (an adapter translated the agency's)."""

    receipt_id: str
    message_id: str
    agency: str
    sequence: int
    at: datetime
    kind: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Recorded:
    stored: int = 0
    duplicates: int = 0
    unknown_messages: list[str] = field(default_factory=list)


@transaction.atomic
def events_record(*, events: Sequence[AgencyEvent]) -> Recorded:
    """Store new receipts as events, then bring each affected declaration's status up to date."""
    result = Recorded()
    branches = {
        message_id: (agency, version_id, declaration_id)
        for message_id, agency, version_id, declaration_id in _branches.all(
            message_ids=sorted({e.message_id for e in events})
        )
    }
    seen = set(_seen.all(receipt_ids=sorted({e.receipt_id for e in events})))
    new: list[Event] = []
    for event in events:
        agency, version_id, declaration_id = branches.get(event.message_id, ("", 0, 0))
        if agency != event.agency:  # no such message, or another agency's
            result.unknown_messages.append(event.message_id)
            continue
        if (event.agency, event.receipt_id) in seen:
            result.duplicates += 1
            continue
        seen.add((event.agency, event.receipt_id))
        new.append(
            Event(
                declaration_id=declaration_id,
                version_id=version_id,
                agency=event.agency,
                kind=event.kind,
                at=event.at,
                sequence=event.sequence,
                receipt_id=event.receipt_id,
                data=event.data,
            )
        )
    # Another worker may store the same receipt at the same moment: the unique (agency, receipt id) decides.
    insert_all(new, ignore_conflicts=True)
    result.stored = len(new)
    # A receipt for a branch already final (an inspection ordered after the release…) is kept for the
    # record and has no effect: no appointment, no credit record, no change of status.
    late = late_receipts(version_ids={e.version_id for e in new})
    counted = [e for e in new if (e.agency, e.receipt_id) not in late]
    _match_inspections([e for e in counted if e.kind == EventKind.INSPECTION_ORDERED])
    _credit_from_inspections([e for e in counted if e.kind == EventKind.INSPECTION_RESULT])
    _update_statuses({e.declaration_id for e in new})
    return result


# The receipts path asks these for every batch of receipts (singlewindow/prepared.py).


@prepared
def _branches(*, message_ids: list[str]) -> QuerySet[Delivery, tuple[str, str, int, int]]:
    deliveries = Delivery.objects.filter(message_id__in=message_ids)
    return deliveries.values_list("message_id", "agency", "version_id", "version__declaration_id")


@prepared
def _seen(*, receipt_ids: list[str]) -> QuerySet[Event, tuple[str, str | None]]:
    return Event.objects.filter(receipt_id__in=receipt_ids).values_list("agency", "receipt_id")


# A branch is read from its receipts' rows, not Event instances: a version's receipts are loaded twice a batch.
RECEIPT_FIELDS = ("version_id", "agency", "kind", "sequence", "receipt_id")


@prepared
def _receipts_of(*, version_ids: list[int]) -> QuerySet[Event, Any]:
    receipts = Event.objects.filter(version_id__in=version_ids, receipt_id__isnull=False)
    return receipts.values_list(*RECEIPT_FIELDS, named=True)


@prepared
def _to_settle(*, pks: list[int]) -> QuerySet[Declaration]:
    # NO KEY UPDATE: only the status changes, so inserts of events referencing these rows (which take KEY SHARE
    # locks) need not wait; in id order, so two batches cannot deadlock.
    locked = Declaration.objects.select_for_update(no_key=True).filter(pk__in=pks).order_by("pk")
    return locked.only("id", "status", "version_count", "category")


@prepared
def _versions_of(*, pks: list[int]) -> QuerySet[DeclarationVersion]:
    return DeclarationVersion.objects.filter(declaration_id__in=pks).only("id", "declaration_id", "number", "agencies")


def _credit_from_inspections(results: list[Event]) -> None:
    """An inspection that found the goods nonconforming becomes an adverse credit record of the firm, from
    the agency that inspected (S9: records also come from the declaration path). In a savepoint: a record
    credit refuses never undoes the receipts."""
    failed = [e for e in results if e.data.get("result", "passed") not in ("passed", "")]
    if not failed:
        return
    owners = dict(
        Declaration.objects.filter(pk__in={e.declaration_id for e in failed}).values_list("pk", "owner__uscc")
    )
    for event in failed:
        try:
            with transaction.atomic():
                record_add(
                    agency=event.agency,
                    channel=Channel.DECLARATION,
                    values={
                        "uscc": owners[event.declaration_id],
                        "record_id": event.receipt_id,
                        "kind": RecordKind.INSPECTION_RESULT,
                        "outcome": Outcome.ADVERSE,
                        "summary": f"{event.data.get('result')}: {event.data.get('goods', '')}"[:500],
                        "decided_at": timezone.localtime(event.at).date(),
                    },
                )
        except DomainError:
            log.exception("inspection result %s could not become a credit record", event.receipt_id)


def event_record_delivery(
    *, delivery: Delivery, kind: str, at: datetime | None = None, data: dict[str, Any] | None = None
) -> None:
    """The portal's own event on a branch: delivered (at the time it was sent), or delivery failed."""
    Event.objects.create(
        declaration_id=delivery.version.declaration_id,
        version=delivery.version,
        agency=delivery.agency,
        kind=kind,
        at=at or timezone.now(),
        data=data or {},
    )


def events_record_delivered(*, deliveries: Sequence[Delivery], at: datetime) -> None:
    """The portal's 'delivered' events of branches an agency took together (one batch), at the time they
    were sent, in one insert."""
    insert_all(
        [
            Event(
                declaration_id=delivery.version.declaration_id,
                version=delivery.version,
                agency=delivery.agency,
                kind=EventKind.DELIVERED,
                at=at,
                data={},
            )
            for delivery in deliveries
        ]
    )


@prepared_update
def _status_set(*, pks: list[int], status: str) -> tuple[QuerySet[Declaration], dict[str, Any]]:
    return Declaration.objects.filter(pk__in=pks), {"status": status}


def _match_inspections(orders: list[Event]) -> None:
    """Every inspection order for the same version joins one appointment (one inspection, not two)."""
    for order in orders:
        appointment = _appointment.first(version_id=order.version_id)
        if appointment is None:
            place = _goods_location.first(pk=order.declaration_id) or ""
            try:
                with transaction.atomic():  # another recorder may make it at the same moment: then join theirs
                    appointment = insert(InspectionAppointment(
                        version_id=order.version_id, scheduled_at=_next_slot(order.at), place=place
                    ))  # fmt: skip
            except IntegrityError:  # made by the other recorder, which has committed: joined
                appointment = _appointment.first(version_id=order.version_id)
                if appointment is None:
                    raise
        if order.agency not in appointment.agencies:
            appointment.agencies = sorted([*appointment.agencies, order.agency])
            goods = {g for g in (appointment.goods.split(",") if appointment.goods else []) if g}
            goods.update(g.strip() for g in str(order.data.get("goods", "")).split(",") if g.strip())
            appointment.goods = ",".join(sorted(goods, key=lambda g: (len(g), g)))[:500]
            save_fields(appointment, ["agencies", "goods"])


@prepared
def _appointment(*, version_id: int) -> QuerySet[InspectionAppointment]:
    return InspectionAppointment.objects.select_for_update().filter(version_id=version_id)


@prepared
def _goods_location(*, pk: int) -> QuerySet[Declaration, str]:
    return Declaration.objects.filter(pk=pk).order_by().values_list("goods_location", flat=True)


def _next_slot(at: datetime) -> datetime:
    """The first inspection slot: the next 09:00 or 14:00 at least the configured delay ahead."""
    earliest = timezone.localtime(at) + timedelta(hours=settings.JOINT_INSPECTION_DELAY_HOURS)
    for day in range(0, 3):
        for hour in (9, 14):
            slot = (earliest + timedelta(days=day)).replace(hour=hour, minute=0, second=0, microsecond=0)
            if slot >= earliest:
                return slot
    return earliest


class Receipt(Protocol):
    """What reading a branch needs of an agency's receipt: an Event, or a row of these fields of one."""

    @property
    def agency(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def sequence(self) -> int: ...
    @property
    def receipt_id(self) -> str | None: ...


R = TypeVar("R", bound=Receipt)


def _moves_on(current: Receipt | None, event: Receipt) -> bool:
    """Whether a receipt moves its branch on. Final means final: released, rejected and release revoked
    are left only by the agency's explicit revocation of a release; a revocation of a release the branch
    never had changes nothing."""
    if event.kind == EventKind.RELEASE_REVOKED:
        return current is not None and current.kind == EventKind.RELEASED
    return current is None or current.kind not in FINAL_KINDS


def branch_walk(events: Iterable[R], agencies: Iterable[str]) -> tuple[dict[str, R | None], set[Late]]:
    """Each agency's state for one version (the receipt that put it there), read in the agency's own
    sequence, and the receipts that came after their branch was final (agency, receipt id): kept, ignored."""
    states: dict[str, R | None] = dict.fromkeys(agencies)
    received: dict[str, list[R]] = defaultdict(list)
    for event in events:
        if event.agency in states and event.receipt_id is not None:
            received[event.agency].append(event)
    late: set[Late] = set()
    for agency, branch in received.items():
        for event in sorted(branch, key=lambda e: (e.sequence, e.receipt_id or "")):
            if _moves_on(states[agency], event):
                states[agency] = event
            else:
                late.add((agency, event.receipt_id or ""))
    return states, late


def branch_states(events: Iterable[R], agencies: Iterable[str]) -> dict[str, R | None]:
    """Each agency's state for one version: the receipt that put its branch where it is."""
    return branch_walk(events, agencies)[0]


def late_receipts(*, version_ids: Iterable[int]) -> set[Late]:
    """The receipts of these versions that came after their branch was final, in one query."""
    by_version: dict[int, list[Receipt]] = defaultdict(list)
    for event in _receipts_of.all(version_ids=sorted(set(version_ids))):
        by_version[event.version_id].append(event)
    late: set[Late] = set()
    for events in by_version.values():
        late |= branch_walk(events, {e.agency for e in events})[1]
    return late


def overall_status(states: Mapping[str, Receipt | None]) -> str:
    kinds = {event.kind if event else None for event in states.values()}
    if EventKind.REJECTED in kinds:
        return DeclarationStatus.REJECTED
    if EventKind.RELEASE_REVOKED in kinds:
        return DeclarationStatus.REVOKED
    if kinds == {EventKind.RELEASED}:
        return DeclarationStatus.RELEASED
    return DeclarationStatus.SUBMITTED


def _update_statuses(declaration_ids: set[int]) -> None:
    if not declaration_ids:
        return
    pks = sorted(declaration_ids)
    declarations = _to_settle.all(pks=pks)
    versions = {(v.declaration_id, v.number): v for v in _versions_of.all(pks=pks)}
    by_version: dict[int, list[Receipt]] = defaultdict(list)
    latest_ids = [versions[(d.pk, d.version_count)].pk for d in declarations]
    for event in _receipts_of.all(version_ids=latest_ids):
        by_version[event.version_id].append(event)
    changed = []
    changes: list[StatusChange] = []
    audits: list[AuditEntry] = []
    for declaration in declarations:
        version = versions[(declaration.pk, declaration.version_count)]
        status = overall_status(branch_states(by_version[version.pk], version.agencies))
        if declaration.status != status and declaration.status != DeclarationStatus.DRAFT:
            audits.append(
                AuditEntry(
                    action=DeclarationAction.STATUS_DERIVED,
                    object_type=Declaration._meta.label_lower,
                    object_id=str(declaration.pk),
                    before={"status": declaration.status},
                    after={"status": status, "version": version.number},
                )
            )
            changes.append(StatusChange(declaration.pk, declaration.category, declaration.status, status))
            declaration.status = status
            changed.append(declaration)
    by_status: dict[str, list[int]] = defaultdict(list)  # one UPDATE per status reached (bulk_update's CASE costs more)
    for declaration in changed:
        by_status[declaration.status].append(declaration.pk)
    for status, pks in by_status.items():
        _status_set.run(pks=pks, status=status)
    insert_all(audits)  # no actor: the agencies' receipts decided
    for listener in listeners():
        if listener.on_status is not None:
            wanted = [change for change in changes if listener.wants(change.category)]
            if wanted:
                listener.on_status(wanted)


__all__ = [
    "AgencyEvent",
    "DeliveryStatus",
    "branch_walk",
    "event_record_delivery",
    "events_record",
    "events_record_delivered",
    "late_receipts",
]
