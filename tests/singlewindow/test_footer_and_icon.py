"""Every page says who runs the portal, its help line and service hours (settings), and the portal has an icon."""

from __future__ import annotations

import pytest
from django.test import Client
from lxml import html

pytestmark = pytest.mark.django_db


def footer_text(path: str, client: Client | None = None) -> str:
    response = (client or Client()).get(path)
    assert response.status_code == 200
    [footer] = html.fromstring(response.content.decode()).xpath("//footer")
    return " ".join(footer.text_content().split())


def test_the_footer_names_the_operator_the_help_line_and_the_hours_by_default() -> None:
    text = footer_text("/accounts/login/")
    assert "运营单位 国际贸易单一窗口运营中心 (demo)" in text
    assert "服务热线 12360" in text
    assert "服务时间 周一至周五 9:00–17:00（北京时间）" in text


def test_a_deployment_sets_its_own_operator_help_line_and_hours(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PORTAL_OPERATOR = "福建省国际贸易单一窗口"
    settings.PORTAL_HELP_LINE = "0591-12345678"
    settings.PORTAL_SERVICE_HOURS = "7×24 小时"
    text = footer_text("/credit/")  # a public page
    assert "运营单位 福建省国际贸易单一窗口" in text
    assert "服务热线 0591-12345678" in text
    assert "服务时间 7×24 小时" in text
    page = html.fromstring(Client().get("/credit/").content.decode())
    assert page.xpath("//footer//a/@href") == ["tel:0591-12345678"]


def test_the_icon_is_linked_from_every_page_and_favicon_ico_leads_to_it() -> None:
    page = html.fromstring(Client().get("/accounts/login/").content.decode())
    [icon] = page.xpath("//link[@rel='icon']/@href")
    assert icon.endswith(".svg")
    response = Client().get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == icon
