"""Dashboards (S10): a firm's and an agency's figures, computed set-based in SQL over what the user's
organisation may see, and exported as exactly the figures the page shows.

- A firm (an enterprise, or a broker for its clients, the chosen one only if it chose one): its goods
  declarations of this month by status, and each agency's median time from submission to release, per week.
- An agency: the declarations delivered to it per day, its median and 90th percentile time to release per
  week, and its branches waiting or failed now.

The time to release of a branch is its release receipt's time less its version's submission; a release
that came after the branch was final (rejected before) does not count. Medians are PostgreSQL's
percentile_cont; other databases (SQLite under `make run`) get the same interpolation in Python.
"""

from __future__ import annotations

import io
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection
from django.db.models import Aggregate, Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate, TruncWeek
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from singlewindow.choices import Agency, OrganisationKind
from singlewindow.models import User
from singlewindow.spreadsheets import SafeCSVWriter, xlsx_row

from .choices import FINAL_KINDS, DeclarationStatus, DeliveryStatus, EventKind
from .models import Declaration, Delivery, Event
from .selectors import declarations_visible_to, officer_agency

WEEKS = 8  # the weekly figures cover this week and the seven before it
DAYS = 30  # the daily figures cover today and the 29 days before it

Value = int | float | None


class Percentile(Aggregate):
    """PostgreSQL's percentile_cont: the value at this fraction of the ordered values, interpolated
    between the two nearest (0.5: the median)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression: Any, *, fraction: float, **extra: Any) -> None:
        if not 0 <= fraction <= 1:
            raise ValueError(fraction)
        super().__init__(expression, fraction=repr(float(fraction)), output_field=DurationField(), **extra)


def percentile_cont(values: Sequence[float], fraction: float) -> float | None:
    """What percentile_cont gives, for databases without it: the value at position fraction × (n − 1) of
    the ordered values, interpolated linearly."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[Value, ...]  # one per category; None: nothing to measure there


@dataclass(frozen=True)
class Figure:
    """One chart: kind "hbars" (categories as rows), "bars" (one bar per day), "lines" (one line per series
    over the weeks) or "counts" (the numbers alone). `categories` are the axis's short labels,
    `periods` the same in full (the table and the exports: a date or a translated label)."""

    key: str
    title: str
    kind: str
    unit: str
    categories: tuple[str, ...]
    periods: tuple[str, ...]
    period_heading: str
    series: tuple[Series, ...]

    @property
    def empty(self) -> bool:
        """Nothing to draw: no period measured (None). A measured zero (a median of 0.0 hours) is a figure;
        only counts all at zero mean nothing happened (no declaration to count)."""
        if self.kind == "lines":
            return all(v is None for s in self.series for v in s.values)
        return not any(v for s in self.series for v in s.values)

    @property
    def rows(self) -> list[tuple[str, list[str]]]:
        """The table's rows: each period with its value in each series, as shown."""
        return [(period, [shown(s.values[i]) for s in self.series]) for i, period in enumerate(self.periods)]

    @property
    def description(self) -> str:
        """The chart in words, for screen readers."""
        parts = []
        for series in self.series:
            values = ", ".join(f"{p} {shown(v)}" for p, v in zip(self.periods, series.values, strict=True))
            parts.append(f"{series.label}: {values}" if len(self.series) > 1 or self.kind == "lines" else values)
        return f"{self.title} ({self.unit}). " + "; ".join(parts)


@dataclass(frozen=True)
class Dashboard:
    kind: str  # "firm" or "agency"
    title: str
    figures: tuple[Figure, ...]


def shown(value: Value) -> str:
    """A figure as the page, its text alternative and its table show it: counts whole, hours to a tenth."""
    if value is None:
        return "–"
    return f"{value:.1f}" if isinstance(value, float) else str(value)


# Periods ---------------------------------------------------------------------------------------------


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _weeks(now: datetime) -> list[date]:
    """The Mondays of this week and the ones before it, oldest first."""
    today = timezone.localtime(now).date()
    monday = today - timedelta(days=today.weekday())
    return [monday - timedelta(weeks=n) for n in range(WEEKS - 1, -1, -1)]


def _days(now: datetime) -> list[date]:
    today = timezone.localtime(now).date()
    return [today - timedelta(days=n) for n in range(DAYS - 1, -1, -1)]


def _week_labels(weeks: list[date]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return tuple(w.strftime("%m-%d") for w in weeks), tuple(w.isoformat() for w in weeks)


# Times to release ------------------------------------------------------------------------------------


def _releases(events: QuerySet[Event], *, since: datetime, until: datetime) -> QuerySet[Event]:
    """Each branch's release that counts, in the window, with its week and how long it took (`took`)."""
    earlier_final = Event.objects.filter(
        version=OuterRef("version"),
        agency=OuterRef("agency"),
        receipt_id__isnull=False,
        kind__in=FINAL_KINDS,
        sequence__lt=OuterRef("sequence"),
    )
    return (
        events.filter(kind=EventKind.RELEASED, receipt_id__isnull=False, at__gte=since, at__lt=until)
        .exclude(Exists(earlier_final))
        .annotate(
            week=TruncWeek("at"),
            took=ExpressionWrapper(F("at") - F("version__submitted_at"), output_field=DurationField()),
        )
    )


def release_hours(
    releases: QuerySet[Event], *, by: Sequence[str], fractions: Sequence[float], portable: bool | None = None
) -> dict[tuple[Any, ...], list[float | None]]:
    """Percentiles of the time to release in hours (one decimal), grouped by `by` and the release's week:
    (group values…, week's Monday) → one value per fraction. percentile_cont on PostgreSQL; elsewhere
    (portable) the durations are read and interpolated the same way in Python."""
    if portable is None:
        portable = connection.vendor != "postgresql"
    out: dict[tuple[Any, ...], list[float | None]] = {}
    if not portable:
        names = {f"p{i}": Percentile("took", fraction=f) for i, f in enumerate(fractions)}
        for row in releases.values(*by, "week").annotate(**names).order_by():
            key = (*(row[b] for b in by), timezone.localtime(row["week"]).date())
            out[key] = [_hours(row[f"p{i}"].total_seconds()) for i in range(len(fractions))]
        return out
    took: dict[tuple[Any, ...], list[float]] = defaultdict(list)
    for *groups, week, duration in releases.values_list(*by, "week", "took").order_by():
        took[(*groups, timezone.localtime(week).date())].append(duration.total_seconds())
    for key, seconds in took.items():
        out[key] = [_hours(percentile_cont(seconds, f)) for f in fractions]
    return out


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 1)


# The firm's dashboard --------------------------------------------------------------------------------


def firm_declarations(*, user: User, client_id: int | None = None) -> QuerySet[Declaration]:
    """The goods declarations the firm's dashboard counts: the list's (its own; a broker's clients', only
    the chosen client's when it chose one)."""
    declarations = declarations_visible_to(user)
    return declarations.filter(owner_id=client_id) if client_id else declarations


def firm_dashboard(*, user: User, client_id: int | None = None, now: datetime | None = None) -> Dashboard:
    now = now or timezone.now()
    declarations = firm_declarations(user=user, client_id=client_id)
    today = timezone.localtime(now).date()
    month = today.replace(day=1)
    next_month = (month + timedelta(days=32)).replace(day=1)
    since, until = _local_midnight(month), _local_midnight(next_month)
    this_month = Q(created_at__gte=since, created_at__lt=until) | Q(submitted_at__gte=since, submitted_at__lt=until)
    counts = dict(declarations.filter(this_month).values_list("status").annotate(n=Count("id")).order_by())
    statuses = DeclarationStatus.choices
    labels = tuple(str(label) for _key, label in statuses)
    by_status = Figure(
        key="by_status",
        title=_("Declarations of %(month)s by status") % {"month": month.strftime("%Y-%m")},
        kind="hbars",
        unit=_("declarations"),
        categories=labels,
        periods=labels,
        period_heading=_("Status"),
        series=(Series(_("Declarations"), tuple(counts.get(key, 0) for key, _label in statuses)),),
    )

    weeks = _weeks(now)
    events = Event.objects.filter(declaration__in=declarations.values("pk"))
    medians = release_hours(
        _releases(events, since=_local_midnight(weeks[0]), until=_local_midnight(weeks[-1] + timedelta(weeks=1))),
        by=("agency",),
        fractions=(0.5,),
    )
    agencies = [a for a in Agency.values if any(key[0] == a for key in medians)]
    short, full = _week_labels(weeks)
    per_agency = Figure(
        key="release_hours",
        title=_("Median time from submission to release, per agency and week"),
        kind="lines",
        unit=_("hours"),
        categories=short,
        periods=full,
        period_heading=_("Week starting"),
        series=tuple(
            Series(str(Agency(a).label), tuple(medians.get((a, w), [None])[0] for w in weeks)) for a in agencies
        ),
    )
    return Dashboard(kind="firm", title=_("Dashboard"), figures=(by_status, per_agency))


# An agency's dashboard -------------------------------------------------------------------------------


def agency_dashboard(*, agency: str, now: datetime | None = None) -> Dashboard:
    now = now or timezone.now()
    branches = Delivery.objects.filter(agency=agency)

    days = _days(now)
    delivered = branches.filter(
        delivered_at__gte=_local_midnight(days[0]), delivered_at__lt=_local_midnight(days[-1] + timedelta(days=1))
    )
    per_day = dict(
        delivered.annotate(day=TruncDate("delivered_at"))
        .values_list("day")
        .annotate(n=Count("version__declaration_id", distinct=True))
        .order_by()
    )
    routed = Figure(
        key="routed",
        title=_("Declarations delivered to the agency per day, last %(days)d days") % {"days": DAYS},
        kind="bars",
        unit=_("declarations"),
        categories=tuple(d.strftime("%m-%d") for d in days),
        periods=tuple(d.isoformat() for d in days),
        period_heading=_("Day"),
        series=(Series(_("Declarations"), tuple(per_day.get(d, 0) for d in days)),),
    )

    weeks = _weeks(now)
    times = release_hours(
        _releases(
            Event.objects.filter(agency=agency),
            since=_local_midnight(weeks[0]),
            until=_local_midnight(weeks[-1] + timedelta(weeks=1)),
        ),
        by=(),
        fractions=(0.5, 0.9),
    )
    short, full = _week_labels(weeks)
    to_release = Figure(
        key="release_hours",
        title=_("Time from submission to release, per week"),
        kind="lines",
        unit=_("hours"),
        categories=short,
        periods=full,
        period_heading=_("Week starting"),
        series=(
            Series(_("Median"), tuple(times.get((w,), [None, None])[0] for w in weeks)),
            Series(_("90th percentile"), tuple(times.get((w,), [None, None])[1] for w in weeks)),
        ),
    )

    final = Event.objects.filter(
        version=OuterRef("version"), agency=agency, receipt_id__isnull=False, kind__in=FINAL_KINDS
    )
    counts = branches.aggregate(
        pending=Count("id", filter=Q(status=DeliveryStatus.PENDING)),
        examining=Count(
            "id",
            filter=Q(
                status=DeliveryStatus.DELIVERED,
                delivered_at__isnull=False,
                version__number=F("version__declaration__version_count"),
            )
            & ~Q(Exists(final)),
        ),
        failed=Count("id", filter=Q(status=DeliveryStatus.FAILED)),
    )
    labels = (_("Waiting to be delivered"), _("Waiting for the agency's decision"), _("Delivery failed"))
    waiting = Figure(
        key="branches",
        title=_("Branches waiting or failed now"),
        kind="counts",
        unit=_("branches"),
        categories=labels,
        periods=labels,
        period_heading=_("State"),
        series=(Series(_("Branches"), (counts["pending"], counts["examining"], counts["failed"])),),
    )
    title = _("Dashboard of %(agency)s") % {"agency": Agency(agency).label}
    return Dashboard(kind="agency", title=title, figures=(routed, to_release, waiting))


def dashboard_for(*, user: User, client_id: int | None = None, now: datetime | None = None) -> Dashboard:
    """The dashboard of the user's organisation: a firm's (enterprise, broker) or its agency's; 404 for
    anyone else."""
    org = user.organisation
    if org is not None and org.kind in (OrganisationKind.ENTERPRISE, OrganisationKind.BROKER):
        return firm_dashboard(user=user, client_id=client_id, now=now)
    agency = officer_agency(user)
    if agency is not None and agency in Agency.values:
        return agency_dashboard(agency=agency, now=now)
    raise Http404


# Exports: the figures shown, one row per value -------------------------------------------------------


def export_rows(dashboard: Dashboard) -> list[list[Any]]:
    rows: list[list[Any]] = [[_("Figure"), _("Series"), _("Period or state"), _("Value"), _("Unit")]]
    for figure in dashboard.figures:
        for series in figure.series:
            for period, value in zip(figure.periods, series.values, strict=True):
                rows.append([figure.title, series.label, period, value, figure.unit])
    return rows


def dashboard_csv(dashboard: Dashboard) -> bytes:
    out = io.StringIO()
    SafeCSVWriter(out).writerows(export_rows(dashboard))
    return out.getvalue().encode("utf-8-sig")  # with a BOM: Excel opens UTF-8 Chinese text right


def dashboard_xlsx(dashboard: Dashboard) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Dashboard"))
    for row in export_rows(dashboard):
        sheet.append(xlsx_row(sheet, row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
