"""The second factor's pages show no menu (every other page would lead back to them) but keep the language
switch and logging out; enrolling an app is confirmed on the page the officer lands on."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from lxml import html

from singlewindow.choices import Agency
from singlewindow.models import User

from .. import factories
from ..clients import authenticator, current_code

pytestmark = pytest.mark.django_db

ENROL = "/accounts/second-factor/enrol/"
VERIFY = "/accounts/second-factor/"


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)  # the password typed; the code not yet
    return client


def assert_header_without_menu(page: bytes) -> None:
    tree = html.fromstring(page)
    header = tree.xpath("//header")[0]
    assert not tree.xpath("//nav[@id='site-nav']") and not tree.xpath("//*[@id='menu-toggle']")
    assert not header.xpath(".//a[@href='/notifications/']") and not header.xpath(".//a[@id='nav-api-tokens']")
    assert header.xpath(".//form[@action='/i18n/setlang/']//button[@name='language']")  # the language switch
    assert header.xpath(".//form[@action='/accounts/logout/']//button")  # log out


def test_the_enrolment_page_shows_no_menu_but_the_language_switch_and_log_out() -> None:
    response = logged_in(factories.officer(Agency.CUSTOMS)).get(ENROL)
    assert response.status_code == 200 and b'id="otp-key"' in response.content
    assert_header_without_menu(response.content)


def test_the_verify_page_shows_no_menu_but_the_language_switch_and_log_out() -> None:
    officer = factories.officer(Agency.INSPECTION)
    authenticator(officer)
    response = logged_in(officer).get(VERIFY)
    assert response.status_code == 200
    assert_header_without_menu(response.content)


def test_enrolling_is_confirmed_on_the_page_the_officer_lands_on() -> None:
    officer = factories.officer(Agency.MARITIME)
    client = logged_in(officer)
    client.cookies["django_language"] = "en"
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
    code = current_code(officer)  # what the app shows
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=False)
    landed = client.post(ENROL, {"token": code, "next": "/"}, follow=True)
    assert landed.redirect_chain[-1][0] == "/vessels/"
    messages = [li.text_content() for li in html.fromstring(landed.content).xpath("//ul[@class='messages']/li")]
    assert messages == ["Your authenticator app is set up: from now on, type its code after your password."]
    # and the menu is back
    assert html.fromstring(landed.content).xpath("//nav[@id='site-nav']//a[@href='/vessels/']")
