"""Each agency's circuit breaker: notice that an agency is down, stop knocking, try again now and then,
and resume everything that waited for it when it answers.

- **closed** (answering): branches are sent as usual. Each connection failure or answer other than
  2xx/400 adds one to the agency's failures in a row; any answer it gives (2xx, or 400: it refused one
  message, but it is there) sets them back to nought.
- **open** (unreachable): after AGENCY_CIRCUIT_FAILURES failures in a row. The agency's branches are not
  attempted and none is given up; every AGENCY_PROBE_SECONDS the sweep sends one of them, the oldest
  (half open while it is on its way). If that fails the circuit opens again; if the agency takes it the
  circuit closes and every branch that waited is sent again at once, oldest first.
- Operators get one email per outage once an agency has been unreachable AGENCY_DOWN_ALERT_MINUTES
  (and see every agency's state in the admin, answering ones included: `health_rows_ensure`); firms see on the timeline that the agency is unreachable
  (`outages()`, registered with declarations.registry).

Every change is a conditional update, so workers racing on the same agency agree on what happened.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from declarations.choices import DeliveryStatus
from declarations.models import Delivery
from singlewindow.choices import Agency
from singlewindow.emails import email_operators
from singlewindow.prepared import prepared

from .choices import CircuitState
from .models import AgencyHealth

log = logging.getLogger(__name__)
DOWN = (CircuitState.OPEN, CircuitState.HALF_OPEN)


def circuit_failure(*, agency: str, error: str) -> bool:
    """The agency failed to take a branch (no answer, or an answer other than 2xx/400). Returns whether
    its circuit is open now: then the branch waits for the agency instead of being retried or given up."""
    now = timezone.now()
    counted = AgencyHealth.objects.filter(agency=agency).update(
        consecutive_failures=F("consecutive_failures") + 1,
        failing_since=Coalesce(F("failing_since"), Value(now)),
        last_error=error[:500],
    )
    if not counted:  # the agency's first failure ever
        try:
            with transaction.atomic():
                AgencyHealth.objects.create(agency=agency, consecutive_failures=1, failing_since=now, last_error=error)
        except IntegrityError:  # another worker created it first: count this failure on its row
            AgencyHealth.objects.filter(agency=agency).update(consecutive_failures=F("consecutive_failures") + 1)
    # A failed probe opens the circuit again; the N-th failure in a row opens a closed one.
    AgencyHealth.objects.filter(agency=agency, state=CircuitState.HALF_OPEN).update(
        state=CircuitState.OPEN, last_probe_at=now
    )
    opened = AgencyHealth.objects.filter(
        agency=agency, state=CircuitState.CLOSED, consecutive_failures__gte=settings.AGENCY_CIRCUIT_FAILURES
    ).update(state=CircuitState.OPEN, opened_at=now, last_probe_at=now)
    if opened:
        log.error(
            "agency %s is unreachable: its branches wait (%s failures in a row; %s)",
            agency,
            settings.AGENCY_CIRCUIT_FAILURES,
            error,
        )
    return AgencyHealth.objects.filter(agency=agency, state__in=DOWN).exists()


def circuit_success(*, agency: str) -> list[int]:
    """The agency answered. Returns the branches that waited for it when this answer closed its circuit
    (their ids, oldest first, each made ready for a fresh first attempt), or [] — the usual case, which
    costs one read of a tiny table."""
    health = _health.first(agency=agency)
    if health is None or health == (CircuitState.CLOSED, 0):
        return []
    with transaction.atomic():
        AgencyHealth.objects.filter(agency=agency, state=CircuitState.CLOSED, consecutive_failures__gt=0).update(
            consecutive_failures=0, failing_since=None, last_error=""
        )
        closed = AgencyHealth.objects.filter(agency=agency, state__in=DOWN).update(
            state=CircuitState.CLOSED,
            consecutive_failures=0,
            failing_since=None,
            opened_at=None,
            alerted_at=None,
            last_error="",
        )
        if not closed:
            return []
        return _resume(agency)


def _resume(agency: str) -> list[int]:
    """Every branch that waited for the agency, oldest first, ready for a first attempt: the outage does
    not count against a branch's retry horizon, and the sweep leaves them to the dispatch that follows."""
    now = timezone.now()
    waiting = list(
        Delivery.objects.select_for_update(skip_locked=True)
        .filter(agency=agency, status=DeliveryStatus.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    Delivery.objects.filter(pk__in=waiting, status=DeliveryStatus.PENDING).update(
        attempts=0,
        trying_since=None,
        next_attempt_at=now + timedelta(seconds=settings.DELIVERY_LEASE_SECONDS),
        claimed_by=None,
    )
    log.warning("agency %s answers again: %s waiting branches sent again", agency, len(waiting))
    return waiting


def health_rows_ensure(*, agencies: list[str]) -> int:
    """Give each of these agencies its row where it has none yet, in the resting state (closed, no failure
    in a row), which is what no row meant: the circuit behaves the same, and the operators' status page
    lists every agency, answering or not. Called by that page, never on the delivery path, so an answer
    still costs one read. Returns how many rows were added."""
    known = set(AgencyHealth.objects.filter(agency__in=agencies).values_list("agency", flat=True))
    missing = [AgencyHealth(agency=agency) for agency in agencies if agency not in known]
    AgencyHealth.objects.bulk_create(missing, ignore_conflicts=True)  # another request may add them too
    return len(missing)


def agencies_down() -> list[str]:
    """Agencies whose branches wait (the sweep leaves them alone, but for one probe now and then)."""
    return _down.all()


# Every answer and every drain asks these (singlewindow/prepared.py).
@prepared
def _health(*, agency: str) -> QuerySet[AgencyHealth, tuple[str, int]]:
    return AgencyHealth.objects.filter(agency=agency).values_list("state", "consecutive_failures")[:1]


@prepared
def _down() -> QuerySet[AgencyHealth, str]:
    return AgencyHealth.objects.filter(state__in=DOWN).values_list("agency", flat=True)


def probes_due() -> list[tuple[int, int]]:
    """For each unreachable agency not tried for AGENCY_PROBE_SECONDS: its oldest waiting branch, as
    (id, attempts so far), to be sent as the probe. Each probe is claimed, so two sweeps send one."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.AGENCY_PROBE_SECONDS)
    probes = []
    for agency, state, last_probe_at in AgencyHealth.objects.filter(
        state__in=DOWN, last_probe_at__lte=stale
    ).values_list("agency", "state", "last_probe_at"):
        oldest = (
            Delivery.objects.filter(agency=agency, status=DeliveryStatus.PENDING)
            .order_by("pk")
            .values_list("pk", "attempts")
            .first()
        )
        if oldest is None:  # nothing to try it with: it stays unreachable until a branch comes
            continue
        claimed = AgencyHealth.objects.filter(agency=agency, state=state, last_probe_at=last_probe_at).update(
            state=CircuitState.HALF_OPEN, last_probe_at=now
        )
        if claimed:
            probes.append(oldest)
    return probes


def outages() -> dict[str, datetime]:
    """Each agency unreachable now → since when it has been failing (declarations.registry: outages)."""
    return {
        agency: since
        for agency, since in AgencyHealth.objects.filter(state__in=DOWN).values_list("agency", "failing_since")
        if since is not None
    }


def outages_alert() -> int:
    """One email to the operators for each agency unreachable for AGENCY_DOWN_ALERT_MINUTES, once per
    outage (the mark is cleared when the circuit closes). Returns how many outages were reported."""
    now = timezone.now()
    since = now - timedelta(minutes=settings.AGENCY_DOWN_ALERT_MINUTES)
    reported = 0
    for health in AgencyHealth.objects.filter(state__in=DOWN, failing_since__lte=since, alerted_at__isnull=True):
        try:
            with transaction.atomic():  # the mark and the email go together: a failed send is tried again
                if not AgencyHealth.objects.filter(pk=health.pk, state__in=DOWN, alerted_at__isnull=True).update(
                    alerted_at=now
                ):
                    continue  # another sweep reported it, or it came back
                _alert(health)
                reported += 1
        except Exception:  # the next sweep tries again; the rest of the sweep goes on
            log.exception("could not tell the operators that agency %s is unreachable", health.agency)
    return reported


def _alert(health: AgencyHealth) -> None:
    waiting = Delivery.objects.filter(agency=health.agency, status=DeliveryStatus.PENDING).count()
    failing_since = health.failing_since or timezone.now()  # set whenever the circuit is not closed
    link = settings.PORTAL_BASE_URL.rstrip("/") + reverse("admin:agencies_agencyhealth_changelist")
    email_operators(
        subject=_("Agency unreachable: %(agency)s"),
        message=_(
            "The system of %(agency)s has not been answering since %(since)s (last error: %(error)s). "
            "%(waiting)s branches are waiting; none is given up. The portal tries one every %(probe)s seconds "
            "and sends them all as soon as the agency answers again. Agency health: %(link)s"
        ),
        values=lambda: {
            "agency": str(dict(Agency.choices).get(health.agency, health.agency)),
            "since": formats.date_format(timezone.localtime(failing_since), "DATETIME_FORMAT"),
            "error": health.last_error or "—",
            "waiting": waiting,
            "probe": settings.AGENCY_PROBE_SECONDS,
            "link": link,
        },
    )
