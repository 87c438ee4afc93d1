"""The operators' agency status page (admin: 部门系统状态) lists every agency the portal talks to, by name and
in the reader's language, with 正常应答 for one that has never failed, so "all answering" reads differently
from "no data"; an agency that answers costs no write."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from agencies import circuit
from agencies.apps import AGENCIES
from agencies.models import AgencyHealth
from singlewindow.choices import Role

from .. import factories
from ..clients import web

pytestmark = pytest.mark.django_db

NAMES = {"customs": "海关", "inspection": "检验检疫", "border": "边检", "maritime": "海事", "commerce": "商务"}


def status_page() -> str:
    operator = factories.UserFactory(role=Role.ADMIN, is_staff=True, is_superuser=True)
    page = web(operator, headers={"accept-language": "zh-hans"}).get("/admin/agencies/agencyhealth/")
    assert page.status_code == 200
    html = re.sub(r"\s+", " ", page.content.decode())
    return html[html.index('id="result_list"') : html.index("</table>", html.index('id="result_list"'))]


def rows(html: str) -> dict[str, str]:
    """Each row's agency → its state, as shown."""
    found = re.findall(
        r'<th class="field-agency_name"><a [^>]*>([^<]+)</a></th><td class="field-state">([^<]+)</td>', html
    )
    return dict(found)


def test_every_configured_agency_is_listed_as_answering_before_any_failure() -> None:
    assert set(NAMES) == set(AGENCIES)
    assert not AgencyHealth.objects.exists()
    assert rows(status_page()) == {name: "正常应答" for name in NAMES.values()}


def test_an_unreachable_agency_shows_beside_the_answering_ones() -> None:
    for _ in range(5):
        circuit.circuit_failure(agency="customs", error="connection refused")
    shown = rows(status_page())
    assert shown["海关"] == "无法连接：分支等待中"
    assert {name: state for name, state in shown.items() if name != "海关"} == {
        name: "正常应答" for agency, name in NAMES.items() if agency != "customs"
    }
    assert AgencyHealth.objects.get(agency="customs").failing_since <= timezone.now()


def test_an_answer_from_an_agency_that_never_failed_writes_nothing() -> None:
    assert circuit.circuit_success(agency="inspection") == []
    assert not AgencyHealth.objects.exists()
