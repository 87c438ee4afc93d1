"""One status timeline per shipment, derived from its events (S4): each agency's branch, who is
waiting for whom, the joint inspection, duties and payment, and every event in time order."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from credit.choices import ReleaseMode
from credit.selectors import class_label
from singlewindow.choices import Agency

from .choices import FINAL_KINDS, DeclarationStatus, DeliveryStatus, EventKind, InspectionResult, PaymentStatus
from .events import branch_states, branch_walk, overall_status
from .fields import BY_KEY
from .models import Declaration, DeclarationVersion, Delivery, Event, InspectionAppointment
from .registry import agencies_unreachable


@dataclass
class Branch:
    agency: str
    state: str  # an EventKind of the latest receipt, the delivery status before any receipt, or UNREACHABLE
    label: str
    waiting: bool
    reason: str = ""
    field: str = ""  # the label of the one-table field a rejection concerns
    field_name: str = ""  # that field's name
    delivery: str = ""


@dataclass(frozen=True)
class TimelineEvent:
    """One event as the timeline shows it. ignored: a receipt that came after its agency's branch was
    final (released, rejected, release revoked): kept for the record, it changed nothing."""

    at: datetime
    agency: str
    kind: str
    version: DeclarationVersion
    data: dict[str, Any]
    ignored: bool = False

    @property
    def label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))

    @property
    def result_label(self) -> str:
        """An inspection's result: its label where it is one of the results the portal knows, else the
        agency's own words."""
        result = str(self.data.get("result", ""))
        return str(RESULT_LABELS.get(result, result))


@dataclass
class Timeline:
    declaration: Declaration
    version: int
    status: str
    branches: list[Branch]
    events: list[TimelineEvent]
    inspection: InspectionAppointment | None = None
    duties: dict[str, Any] | None = None
    waiting_for: list[str] = field(default_factory=list)
    risk: dict[str, Any] | None = None  # the risk lane chosen at freeze (credit/lanes.py), with its labels

    @property
    def released(self) -> bool:
        return self.status == DeclarationStatus.RELEASED

    @property
    def final(self) -> bool:
        return self.status in (DeclarationStatus.RELEASED, DeclarationStatus.REJECTED, DeclarationStatus.REVOKED)


# A branch still being delivered while its agency is not answering (declarations/registry.py: outages).
UNREACHABLE = "unreachable"
UNREACHABLE_LABEL = gettext_lazy("Agency unreachable: waiting to deliver")
AGENCY_LABELS = dict(Agency.choices)
KIND_LABELS = dict(EventKind.choices)
RESULT_LABELS = dict(InspectionResult.choices)
DELIVERY_LABELS = dict(DeliveryStatus.choices)


def timeline_for(declaration: Declaration, *, up_to: int | None = None) -> Timeline | None:
    """The shipment's timeline, or None for a declaration never submitted; up_to: of that version (and
    the ones before it) instead of the latest (an officer's: the latest delivered to its agency)."""
    number = up_to or declaration.version_count
    if not number:
        return None
    events = [
        e
        for e in Event.objects.filter(declaration=declaration)
        .select_related("version")
        .order_by("at", "sequence", "id")
        if e.version.number <= number
    ]
    latest = [e for e in events if e.version.number == number]
    version = latest[0].version if latest else declaration.versions.get(number=number)
    deliveries = {d.agency: d for d in Delivery.objects.filter(version=version)}
    states = branch_states(latest, version.agencies)
    down = _unreachable(states, deliveries)
    late = {key for number in {e.version.number for e in events} for key in _late(events, number)}
    branches = []
    for agency in version.agencies:
        event = states[agency]
        delivery = deliveries.get(agency)
        if event is not None:
            state, label = event.kind, KIND_LABELS[event.kind]
        elif agency in down:
            state, label = UNREACHABLE, UNREACHABLE_LABEL
        else:
            state = delivery.status if delivery else DeliveryStatus.PENDING
            label = DELIVERY_LABELS[state]
        branches.append(
            Branch(
                agency=agency,
                state=state,
                label=str(label),
                # A rejection waits for the firm, not for the agency; a final state waits for nobody.
                waiting=state not in FINAL_KINDS,
                reason=event.data.get("reason", "") if event else _delivery_note(delivery, down.get(agency)),
                field=_field_label(event.data.get("field", "")) if event else "",
                field_name=event.data.get("field", "") if event else "",
                delivery=delivery.status if delivery else "",
            )
        )
    return Timeline(
        declaration=declaration,
        version=version.number,
        status=overall_status(states),
        branches=branches,
        events=[
            TimelineEvent(
                at=e.at,
                agency=e.agency,
                kind=e.kind,
                version=e.version,
                data=e.data,
                ignored=(e.agency, e.receipt_id or "") in late,
            )
            for e in events
        ],
        inspection=InspectionAppointment.objects.filter(version=version).first(),
        duties=_duties([e for e in latest if (e.agency, e.receipt_id or "") not in late]),
        waiting_for=[str(AGENCY_LABELS.get(b.agency, b.agency)) for b in branches if b.waiting],
        risk=_risk(version.payload.get("risk")),
    )


def _late(events: list[Event], number: int) -> set[tuple[str, str]]:
    """The receipts of one version that came after their branch was final."""
    of_version = [e for e in events if e.version.number == number]
    return branch_walk(of_version, {e.agency for e in of_version})[1]


def _risk(risk: dict[str, Any] | None) -> dict[str, Any] | None:
    """The lane as people read it: the release mode, the credit class, and why it was or was not selected."""
    if not risk:
        return None
    criteria = {c["criterion"]: c for c in risk.get("criteria", [])}
    rate = criteria.get("credit_class", {}).get("inspection_rate")
    return {
        **risk,
        "release_mode_label": str(dict(ReleaseMode.choices).get(risk["release_mode"], risk["release_mode"])),
        "class_label": class_label(scheme_key="customs", klass=risk["credit_class"]),
        "rate_pct": f"{float(rate) * 100:g}" if rate is not None else "",
        "draw": criteria.get("random", {}).get("draw"),
    }


def _unreachable(states: dict[str, Event | None], deliveries: dict[str, Delivery]) -> dict[str, datetime]:
    """The agencies (with since when) not answering now that a branch without receipts is waiting for;
    asked only when such a branch is still being delivered."""
    waiting = {
        agency
        for agency, event in states.items()
        if event is None and agency in deliveries and deliveries[agency].status == DeliveryStatus.PENDING
    }
    if not waiting:
        return {}
    return {agency: since for agency, since in agencies_unreachable().items() if agency in waiting}


def _delivery_note(delivery: Delivery | None, unreachable_since: datetime | None = None) -> str:
    """What the firm is told about a branch not yet received (operators see the technical error)."""
    if unreachable_since is not None:
        return _(
            "The agency's system has not been answering since %(since)s. Your declaration is kept and will be "
            "delivered as soon as the agency answers again; there is nothing you need to do."
        ) % {"since": formats.date_format(timezone.localtime(unreachable_since), "DATETIME_FORMAT")}
    if delivery is None or not delivery.last_error:
        return ""
    if delivery.status == DeliveryStatus.FAILED:
        return str(_("The agency's system could not take the declaration; the operators have been alerted."))
    return str(_("The agency's system is not answering; the portal keeps trying."))


def _field_label(name: str) -> str:
    spec = BY_KEY.get(f"header.{name}") or BY_KEY.get(f"line.{name}") or BY_KEY.get(f"container.{name}")
    return str(spec.label) if spec else name


def _duties(events: list[Event]) -> dict[str, Any] | None:
    assessed = [e for e in events if e.kind == EventKind.DUTIES_ASSESSED]
    if not assessed:
        return None
    latest = max(assessed, key=lambda e: (e.agency, e.sequence))
    payments = sorted((e for e in events if e.kind == EventKind.PAYMENT), key=lambda e: e.sequence)
    payment = payments[-1].data.get("payment", PaymentStatus.UNPAID) if payments else PaymentStatus.UNPAID
    return {
        "agency": latest.agency,
        "amount": _amount(latest.data.get("amount")),
        "currency": str(latest.data.get("currency", "CNY"))[:3],
        "payment": payment,
        "payment_label": str(dict(PaymentStatus.choices).get(payment, payment)),
    }


MAX_AMOUNT = Decimal(10) ** 16  # receipt.xsd: at most 18 digits, 2 of them after the point


def _amount(value: Any) -> str:
    """An amount as text with two decimals ("1234.50"); "" for anything that is not a plain amount the
    receipt schema allows (an event stored some other way must not break the timeline or its API)."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return ""
    if not amount.is_finite() or not 0 <= amount < MAX_AMOUNT:
        return ""
    return str(amount.quantize(Decimal("0.01")))


def _kind(event: Event | None) -> str:
    return event.kind if event is not None else ""


def shared_states(declarations: list[Declaration]) -> dict[int, list[tuple[str, str]]]:
    """For a page of declarations: each agency its latest version was sent to, with that branch's state
    (the latest receipt, or the delivery's status before any), in two queries."""
    latest = {d.pk: d.version_count for d in declarations if d.version_count}
    if not latest:
        return {}
    branches: dict[int, dict[str, str]] = {}
    for declaration_id, number, agency, status in Delivery.objects.filter(
        version__declaration_id__in=latest
    ).values_list("version__declaration_id", "version__number", "agency", "status"):
        if latest[declaration_id] == number:
            branches.setdefault(declaration_id, {})[agency] = status
    events: dict[int, list[Event]] = {}
    for event in (
        Event.objects.filter(declaration_id__in=latest, receipt_id__isnull=False)
        .only("declaration_id", "version_id", "agency", "kind", "sequence", "receipt_id", "version__number")
        .select_related("version")
    ):
        if latest[event.declaration_id] == event.version.number:
            events.setdefault(event.declaration_id, []).append(event)
    out = {}
    for declaration_id, sent in branches.items():
        states = branch_states(events.get(declaration_id, []), sent)
        out[declaration_id] = [(agency, _kind(states[agency]) or status) for agency, status in sorted(sent.items())]
    return out
