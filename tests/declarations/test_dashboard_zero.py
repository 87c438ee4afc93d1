"""A zero is a figure (S10): a week whose releases all came within seconds has a median of 0.0 hours, which
the dashboard draws and writes in its table, as the export does; "nothing to show" is only for a period
with nothing measured."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from singlewindow.choices import Agency
from singlewindow.models import User

from .. import factories
from ..clients import web
from .test_dashboard import receipt, submitted

pytestmark = pytest.mark.django_db

NOTHING = "该时段暂无数据"


def test_a_median_of_zero_hours_is_drawn_not_called_no_data(user_a: User) -> None:
    declaration = submitted(user_a, timezone.now() - timedelta(minutes=10), target="customs")
    receipt(declaration, "customs", "released", hours=0.001)  # released within four seconds
    officer = web(factories.officer(Agency.CUSTOMS))

    exported = list(csv.reader(io.StringIO(officer.get("/dashboard/export.csv").content.decode("utf-8-sig"))))
    assert any(row[1] == "中位数" and row[3] == "0.0" for row in exported), exported  # the export has it

    html = officer.get("/dashboard/").content.decode()
    chart = html[html.index('id="figure-release_hours"') :]
    chart = chart[: chart.index("</section>")]
    assert NOTHING not in chart, "a median of 0 hours is shown as no data"
    assert 'class="chart-svg"' in chart and "<circle" in chart  # the week's point is drawn
    assert "<td>0.0</td>" in chart  # and written in the table


def test_a_period_with_nothing_measured_still_says_so(user_a: User) -> None:
    html = web(factories.officer(Agency.CUSTOMS)).get("/dashboard/").content.decode()
    chart = html[html.index('id="figure-release_hours"') :]
    assert NOTHING in chart[: chart.index("</section>")]
