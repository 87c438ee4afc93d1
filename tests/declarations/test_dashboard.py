"""Dashboards (S10): a firm's declarations of the month by status and each agency's median time to release
per week; an agency's declarations delivered per day, its median and 90th percentile time to release and its
branches waiting or failed. Figures on a hand-built set; each party counts only what it may see; the exports
hold the numbers the page shows; the page speaks Chinese."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.utils import timezone
from django.utils.translation import gettext

from declarations import dashboards, services
from declarations.choices import DeliveryStatus
from declarations.events import AgencyEvent, events_record
from declarations.models import Declaration, DeclarationVersion, Delivery, Event
from singlewindow.choices import Agency
from singlewindow.models import User
from singlewindow.views import CLIENT_SESSION_KEY

from .. import factories
from ..clients import web

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 5, 20, 12, 0, tzinfo=SHANGHAI)  # a Wednesday; its week starts on Monday 18 May
THIS_WEEK, EARLIER_WEEK = "2026-05-18", "2026-04-27"


def submitted(user: User, at: datetime, *, target: str = "both") -> Declaration:
    """A declaration created and submitted at `at`, its branches delivered then."""
    declaration = factories.valid_draft(user, target=target, lines=1)
    version = services.declaration_submit(declaration=declaration, user=user)
    DeclarationVersion.objects.filter(pk=version.pk).update(submitted_at=at)
    Declaration.objects.filter(pk=declaration.pk).update(created_at=at, submitted_at=at)
    factories.delivered(declaration)
    Delivery.objects.filter(version=version).update(delivered_at=at + timedelta(minutes=1))
    return declaration


def receipt(declaration: Declaration, agency: str, kind: str, *, hours: float, sequence: int = 1) -> None:
    """The agency's receipt on version 1's branch, `hours` after the submission."""
    branch = Delivery.objects.select_related("version").get(
        version__declaration=declaration, version__number=1, agency=agency
    )
    events_record(
        events=[
            AgencyEvent(
                receipt_id=f"{agency}-{declaration.pk}-{sequence}",
                message_id=branch.message_id,
                agency=agency,
                sequence=sequence,
                at=branch.version.submitted_at + timedelta(hours=hours),
                kind=kind,
            )
        ]
    )


def figure(dashboard: dashboards.Dashboard, key: str) -> dashboards.Figure:
    return next(f for f in dashboard.figures if f.key == key)


def values(shown: dashboards.Figure, label: str) -> dict[str, object]:
    series = next(s for s in shown.series if s.label == label)
    return dict(zip(shown.periods, series.values, strict=True))


@pytest.fixture
def shipments(user_a: User, user_b: User) -> dict[str, Declaration]:
    """Enterprise A's month: a draft, one waiting, one rejected (a release after it does not count), three
    released this week; one released in late April; a draft of April. Enterprise B's, released this week."""
    this_month = NOW - timedelta(days=2)  # Monday 18 May, 12:00
    made = {
        "draft": services.declaration_create(user=user_a),
        "old_draft": services.declaration_create(user=user_a),
        "waiting": submitted(user_a, this_month),
        "rejected": submitted(user_a, this_month),
        "fast": submitted(user_a, this_month),
        "slow": submitted(user_a, this_month),
        "customs_only": submitted(user_a, this_month, target="customs"),
        "april": submitted(user_a, datetime(2026, 4, 27, 9, 0, tzinfo=SHANGHAI)),
        "foreign": submitted(user_b, this_month),
    }
    Declaration.objects.filter(pk=made["draft"].pk).update(created_at=this_month)
    Declaration.objects.filter(pk=made["old_draft"].pk).update(created_at=datetime(2026, 4, 10, tzinfo=SHANGHAI))
    receipt(made["rejected"], "customs", "rejected", hours=1)
    receipt(made["rejected"], "customs", "released", hours=3, sequence=2)  # after the rejection: ignored
    receipt(made["fast"], "customs", "released", hours=2)
    receipt(made["fast"], "inspection", "released", hours=10)
    receipt(made["slow"], "customs", "released", hours=4)
    receipt(made["slow"], "inspection", "released", hours=20)
    receipt(made["customs_only"], "customs", "released", hours=9)
    receipt(made["april"], "customs", "released", hours=6)
    receipt(made["april"], "inspection", "released", hours=8)
    receipt(made["foreign"], "customs", "released", hours=100)
    receipt(made["foreign"], "inspection", "released", hours=100)
    return made


# The firm's dashboard ---------------------------------------------------------------------------------


def test_a_firm_sees_this_months_declarations_by_status(user_a: User, shipments: dict[str, Declaration]) -> None:
    by_status = figure(dashboards.dashboard_for(user=user_a, now=NOW), "by_status")
    # Not April's draft or release, nor enterprise B's release; the labels are the statuses' own, in Chinese.
    assert dict(by_status.rows) == {
        "草稿": ["1"],
        "已申报": ["1"],
        "退单：请修改后重新申报": ["1"],
        "已放行": ["3"],
        "放行已撤销": ["0"],
    }


def test_a_firms_median_time_to_release_per_agency_and_week(user_a: User, shipments: dict[str, Declaration]) -> None:
    release = figure(dashboards.dashboard_for(user=user_a, now=NOW), "release_hours")
    assert [s.label for s in release.series] == ["海关", "检验检疫"]
    assert release.periods[0] == "2026-03-30" and release.periods[-1] == THIS_WEEK and len(release.periods) == 8
    customs, inspection = values(release, "海关"), values(release, "检验检疫")
    # This week customs released after 2, 4 and 9 hours (the release after a rejection does not count, nor
    # enterprise B's 100 hours); inspection after 10 and 20: percentile_cont interpolates.
    assert customs[THIS_WEEK] == 4.0 and inspection[THIS_WEEK] == 15.0
    assert customs[EARLIER_WEEK] == 6.0 and inspection[EARLIER_WEEK] == 8.0
    assert customs["2026-05-11"] is None  # no release that week: a gap, not a zero


def test_the_portable_median_is_postgresqls(user_a: User, shipments: dict[str, Declaration]) -> None:
    """SQLite (make run) has no percentile_cont: the durations interpolated in Python give the same."""
    releases = dashboards._releases(Event.objects.all(), since=NOW - timedelta(weeks=8), until=NOW + timedelta(days=7))
    in_sql = dashboards.release_hours(releases, by=("agency",), fractions=(0.5, 0.9), portable=False)
    in_python = dashboards.release_hours(releases, by=("agency",), fractions=(0.5, 0.9), portable=True)
    assert in_sql == in_python
    assert in_sql[("customs", date(2026, 5, 18))] == [6.5, 72.7]  # 2, 4, 9 and B's 100 hours
    assert dashboards.percentile_cont([10, 20, 30, 100], 0.9) == pytest.approx(79.0)
    assert dashboards.percentile_cont([], 0.5) is None


def test_a_broker_counts_its_clients_and_only_the_chosen_one(
    user_a: User, user_b: User, shipments: dict[str, Declaration]
) -> None:
    broker = factories.broker(user_a.organisation, user_b.organisation)
    both = figure(dashboards.dashboard_for(user=broker, now=NOW), "by_status")
    assert both.series[0].values == (1, 1, 1, 4, 0)  # A's and B's
    chosen = dashboards.dashboard_for(user=broker, client_id=user_b.organisation_id, now=NOW)
    assert figure(chosen, "by_status").series[0].values == (0, 0, 0, 1, 0)
    assert values(figure(chosen, "release_hours"), "海关")[THIS_WEEK] == 100.0
    stranger = factories.broker()  # no delegation: nothing
    assert figure(dashboards.dashboard_for(user=stranger, now=NOW), "by_status").series[0].values == (0,) * 5


def test_the_page_respects_the_brokers_client_chooser(
    user_a: User, user_b: User, shipments: dict[str, Declaration]
) -> None:
    broker = factories.broker(user_a.organisation, user_b.organisation)
    client = web(broker)
    session = client.session
    session[CLIENT_SESSION_KEY] = user_b.organisation_id
    session.save()
    rows = list(csv.reader(io.StringIO(client.get("/dashboard/export.csv").content.decode("utf-8-sig"))))
    expected = dashboards.dashboard_for(user=broker, client_id=user_b.organisation_id)
    assert rows[1:] == [[str(c) for c in row] for row in dashboards.export_rows(expected)[1:]]


# The agency's dashboard -------------------------------------------------------------------------------


def test_an_agency_counts_only_what_was_delivered_to_it(shipments: dict[str, Declaration]) -> None:
    customs = figure(dashboards.dashboard_for(user=factories.officer(Agency.CUSTOMS), now=NOW), "routed")
    inspection = figure(dashboards.dashboard_for(user=factories.officer(Agency.INSPECTION), now=NOW), "routed")
    assert customs.periods[0] == "2026-04-21" and customs.periods[-1] == "2026-05-20"
    # 18 May: six declarations delivered to customs (both firms'), five to inspection (not the customs-only one).
    per_day = dict(zip(customs.periods, customs.series[0].values, strict=True))
    assert per_day["2026-05-18"] == 6 and per_day["2026-04-27"] == 1
    assert dict(zip(inspection.periods, inspection.series[0].values, strict=True))["2026-05-18"] == 5
    assert sum(customs.series[0].values) == 7 and sum(inspection.series[0].values) == 6


def test_an_agencys_median_and_90th_percentile_time_to_release(shipments: dict[str, Declaration]) -> None:
    customs = figure(dashboards.dashboard_for(user=factories.officer(Agency.CUSTOMS), now=NOW), "release_hours")
    median, p90 = customs.series
    # This week customs released after 2, 4, 9 and 100 hours (every firm's: all were delivered to it).
    assert dict(zip(customs.periods, median.values, strict=True))[THIS_WEEK] == 6.5
    assert dict(zip(customs.periods, p90.values, strict=True))[THIS_WEEK] == 72.7
    assert dict(zip(customs.periods, median.values, strict=True))[EARLIER_WEEK] == 6.0
    inspection = figure(dashboards.dashboard_for(user=factories.officer(Agency.INSPECTION), now=NOW), "release_hours")
    assert dict(zip(inspection.periods, inspection.series[0].values, strict=True))[THIS_WEEK] == 20.0  # 10, 20, 100


def test_an_agencys_branches_waiting_or_failed(user_a: User, shipments: dict[str, Declaration]) -> None:
    pending = factories.valid_draft(user_a, lines=1)
    services.declaration_submit(declaration=pending, user=user_a)  # not delivered yet
    failed = factories.valid_draft(user_a, lines=1)
    services.declaration_submit(declaration=failed, user=user_a)
    Delivery.objects.filter(version__declaration=failed, agency="inspection").update(status=DeliveryStatus.FAILED)
    inspection = figure(dashboards.dashboard_for(user=factories.officer(Agency.INSPECTION), now=NOW), "branches")
    # Being delivered: one; waiting for inspection's decision: "waiting", and "rejected" (customs rejected
    # it, inspection has not decided); "customs_only" was never inspection's; delivery failed: one.
    assert inspection.series[0].values == (1, 2, 1)
    customs = figure(dashboards.dashboard_for(user=factories.officer(Agency.CUSTOMS), now=NOW), "branches")
    assert customs.series[0].values == (2, 1, 0)


def test_kinds_without_a_dashboard_get_404(db: None) -> None:
    agent = web(factories.ship_agent())
    assert agent.get("/dashboard/").status_code == 404
    assert agent.get("/dashboard/export.csv").status_code == 404


# The page and its exports -----------------------------------------------------------------------------


def test_the_exports_hold_the_figures_shown(user_a: User, shipments: dict[str, Declaration]) -> None:
    shown = dashboards.dashboard_for(user=user_a, now=NOW)
    rows = list(csv.reader(io.StringIO(dashboards.dashboard_csv(shown).decode("utf-8-sig"))))
    assert rows[0] == [
        gettext("Figure"),
        gettext("Series"),
        gettext("Period or state"),
        gettext("Value"),
        gettext("Unit"),
    ]
    by_status, release = figure(shown, "by_status"), figure(shown, "release_hours")
    assert [by_status.title, gettext("Declarations"), "已放行", "3", gettext("declarations")] in rows
    assert [release.title, "海关", THIS_WEEK, "4.0", gettext("hours")] in rows
    assert [release.title, "检验检疫", THIS_WEEK, "15.0", gettext("hours")] in rows
    assert [release.title, "海关", "2026-05-11", "", gettext("hours")] in rows
    assert len(rows) == 1 + 5 + 2 * 8  # every value shown, nothing else
    sheet = openpyxl.load_workbook(io.BytesIO(dashboards.dashboard_xlsx(shown))).active
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == dashboards.export_rows(shown)  # numbers


def test_the_export_addresses_serve_what_the_page_shows(user_a: User, user_b: User) -> None:
    released = submitted(user_a, timezone.now() - timedelta(hours=3))
    receipt(released, "customs", "released", hours=1)
    receipt(submitted(user_b, timezone.now() - timedelta(hours=3)), "customs", "released", hours=2)
    client = web(user_a)
    shown = dashboards.export_rows(dashboards.dashboard_for(user=user_a))
    expected = [["" if c is None else str(c) for c in row] for row in shown]
    response = client.get("/dashboard/export.csv")
    assert response["Content-Disposition"] == 'attachment; filename="dashboard.csv"'
    assert list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")))) == expected
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/dashboard/export.xlsx").content)).active
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == shown
    assert sum(1 for row in expected if row[1] == "海关" and row[3]) == 1  # A's one release, not B's
    assert client.get("/dashboard/export.pdf").status_code == 404


def test_the_page_draws_the_charts_in_chinese_without_internal_keys(user_a: User) -> None:
    declaration = submitted(user_a, timezone.now() - timedelta(hours=3))
    receipt(declaration, "customs", "released", hours=1)
    services.declaration_create(user=user_a)
    page = web(user_a).get("/dashboard/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="nav-dashboard"' in html
    assert html.count('class="chart-svg"') == 2 and html.count("<desc") == 2  # each chart with its text alternative
    assert "草稿" in html and "已放行" in html and "海关" in html
    for key in (">draft<", ">released<", ">customs<", "draft:", "customs:"):
        assert key not in html
    assert " style=" not in html and "<script>" not in html  # the Content-Security-Policy allows neither


def test_an_officers_page_draws_its_agency(user_a: User) -> None:
    declaration = submitted(user_a, timezone.now() - timedelta(hours=3), target="customs")
    receipt(declaration, "customs", "released", hours=1)
    page = web(factories.officer(Agency.CUSTOMS)).get("/dashboard/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "海关" in html and "发送失败" in html  # the agency's name, the branches' states in its words
    assert html.count('class="chart-svg"') == 2  # per day, time to release; the branches are numbers
    inspection = web(factories.officer(Agency.INSPECTION)).get("/dashboard/").content.decode()
    assert "chart-svg" not in inspection  # nothing was routed to inspection
