"""The conduct catalogue and the one-enterprise form show the reader's language only: the data holds a
Chinese and an English title (and the source agency "中文 / English"); the page picks the active language,
and the other when that one is empty."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client

from credit import spotchecks
from credit.models import SpotCheck
from singlewindow.choices import Agency

from .. import factories
from ..clients import web
from .test_conduct import published, row

pytestmark = pytest.mark.django_db


def conduct_row(code: str, language: str) -> str:
    html = Client().get("/credit/conduct/", {"q": code}, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    found = re.search(rf'<tr id="conduct-{code}">(.*?)</tr>', html, re.S)
    assert found, f"no row {code}"
    return found.group(1)


def test_the_catalogue_in_chinese_shows_the_chinese_title_and_agency_once() -> None:
    shown = conduct_row("SAMPLE-01", "zh-hans")
    assert "未经设立登记从事经营活动" in shown
    assert "Doing business without being registered" not in shown and "[Sample]" not in shown
    assert shown.count("示例") == 1  # the sample marker once, not in the badge and the title both
    assert "市场监督管理部门" in shown and "Market regulation" not in shown and " / " not in shown


def test_the_catalogue_in_english_shows_the_english_title_and_agency() -> None:
    shown = conduct_row("SAMPLE-01", "en")
    assert "Doing business without being registered" in shown
    assert "未经设立登记从事经营活动" not in shown and "【示例】" not in shown
    assert shown.count("Sample") == 1
    assert "Market regulation" in shown and "市场监督管理部门" not in shown


def test_an_item_without_an_english_title_shows_its_chinese_one_in_english() -> None:
    published(row("T-L1", title_en=""))
    shown = conduct_row("T-L1", "en")
    assert "测试行为T-L1" in shown
    assert "市场监督管理部门" in shown  # an agency named in one language only is shown as it is


@pytest.fixture
def check() -> SpotCheck:
    factories.enterprise(name="抽查企业")
    drawer = factories.officer(Agency.CUSTOMS)
    factories.officer(Agency.INSPECTION)
    return spotchecks.spot_check_draw(user=drawer, title="2026年第一批", ratio=Decimal("1"), seed="language")


def checklist_item(check: SpotCheck, code: str, language: str) -> str:
    firm = check.firms.first()
    assert firm is not None
    html = (
        web(check.drawn_by)
        .get(f"/credit/spot-checks/{check.pk}/firms/{firm.pk}/", HTTP_ACCEPT_LANGUAGE=language)
        .content.decode()
    )
    found = re.search(rf'<li id="item-{code}">(.*?)</li>', html, re.S)
    assert found, f"no item {code}"
    return found.group(1)


@pytest.mark.parametrize(
    ("language", "shown", "hidden"),
    [
        ("zh-hans", "【示例】进出口货物收发货人备案信息与实际经营情况核查", "Consignor/consignee registration"),
        ("en", "[Sample] Consignor/consignee registration against actual business", "进出口货物收发货人"),
    ],
)
def test_the_one_enterprise_form_shows_each_item_in_the_readers_language(
    check: SpotCheck, language: str, shown: str, hidden: str
) -> None:
    item = checklist_item(check, "SAMPLE-C01", language)
    assert shown in item and hidden not in item
