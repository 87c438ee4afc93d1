"""Guessing passwords and stolen passwords: failed logins lock the user name out from that address for a
while, with a page saying so; agency officers and platform administrators confirm each login with a
one-time code (TOTP) before any page; `next` only ever leads back into this site."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from singlewindow.choices import Agency, OrganisationKind, Role
from singlewindow.models import User

from .. import factories
from ..clients import authenticator, current_code, web

PASSWORD = "pass-for-tests"
LOGIN = "/accounts/login/"
VERIFY = "/accounts/second-factor/"
ENROL = "/accounts/second-factor/enrol/"


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def log_in(client: Client, user: User, password: str = PASSWORD, **extra: str) -> object:
    return client.post(LOGIN, {"username": user.username, "password": password}, **extra)


def platform_admin() -> User:
    org = factories.OrganisationFactory(kind=OrganisationKind.PLATFORM, customs_code="", inspection_code="")
    return factories.UserFactory(organisation=org, role=Role.ADMIN, is_staff=True, is_superuser=True)


# Guessing passwords -------------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_user_name_out_from_that_address_with_a_page_saying_so(db: None) -> None:
    clerk = factories.clerk()
    client = Client()
    for _ in range(4):
        assert log_in(client, clerk, "wrong-password").status_code == 200  # the form again, with its error
    assert log_in(client, clerk, "wrong-password").status_code == 429  # the fifth
    locked = log_in(client, clerk)  # even the right password, now
    assert locked.status_code == 429
    page = locked.content.decode()
    assert 'id="locked-out"' in page and "15" in page  # a page of the portal's, saying for how long
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_per_user_name_and_address(db: None) -> None:
    clerk, other = factories.clerk(), factories.clerk()
    client = Client()
    for _ in range(5):
        log_in(client, clerk, "wrong-password")
    assert log_in(Client(), other).status_code == 302  # another user from the same address
    assert log_in(Client(REMOTE_ADDR="10.1.2.3"), clerk).status_code == 302  # the same user from elsewhere


def test_a_right_password_before_the_limit_starts_the_count_again(db: None) -> None:
    clerk = factories.clerk()
    client = Client()
    for _ in range(4):
        log_in(client, clerk, "wrong-password")
    assert log_in(client, clerk).status_code == 302
    client.post("/accounts/logout/")
    for _ in range(4):
        log_in(client, clerk, "wrong-password")
    assert log_in(client, clerk).status_code == 302


# The second factor ---------------------------------------------------------------------------------


def test_an_officer_without_an_app_is_sent_to_enrol_one_before_any_page(db: None) -> None:
    officer = factories.officer(Agency.CUSTOMS)
    client = Client()
    assert log_in(client, officer).status_code == 302
    response = client.get("/declarations/")
    assert response.status_code == 302
    assert response["Location"] == f"{ENROL}?next=%2Fdeclarations%2F"
    page = client.get(response["Location"]).content.decode()
    assert 'src="data:image/svg+xml' in page and 'id="otp-key"' in page


def test_enrolling_the_app_with_its_first_code_lets_the_officer_in(db: None) -> None:
    officer = factories.officer(Agency.CUSTOMS)
    client = Client()
    log_in(client, officer)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    device.confirmed = True  # only for computing the code the app would show
    device.save()
    code = current_code(officer)
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed=False)
    response = client.post(ENROL, {"token": code, "next": "/vessels/"})
    assert response.status_code == 302 and response["Location"] == "/vessels/"
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get("/declarations/").status_code == 200


def test_an_enrolled_officer_types_the_current_code_after_the_password(db: None) -> None:
    officer = factories.officer(Agency.INSPECTION)
    authenticator(officer)
    client = Client()
    log_in(client, officer)
    response = client.get("/declarations/")
    assert response["Location"] == f"{VERIFY}?next=%2Fdeclarations%2F"
    wrong = client.post(VERIFY, {"token": "000000", "next": "/declarations/"})
    assert wrong.status_code == 200 and 'class="error"' in wrong.content.decode()
    assert client.get("/declarations/").status_code == 302
    # django-otp makes the next try wait after a wrong code (a second, doubling): the wait is over.
    TOTPDevice.objects.filter(user=officer).update(throttling_failure_timestamp=None, throttling_failure_count=0)
    right = client.post(VERIFY, {"token": current_code(officer), "next": "/declarations/"})
    assert right.status_code == 302 and right["Location"] == "/declarations/"
    assert client.get("/declarations/").status_code == 200


def test_a_code_is_good_only_once(db: None) -> None:
    officer = factories.officer()
    authenticator(officer)
    first, second = Client(), Client()
    log_in(first, officer)
    log_in(second, officer)
    code = current_code(officer)
    assert first.post(VERIFY, {"token": code}).status_code == 302
    assert second.post(VERIFY, {"token": code}).status_code == 200  # refused: replayed


def test_the_platform_administrator_needs_the_code_for_the_admin_too(db: None) -> None:
    admin = platform_admin()
    authenticator(admin)
    client = Client()
    log_in(client, admin)
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/")["Location"].startswith(VERIFY)
    assert web(admin).get("/admin/").status_code == 200


def test_the_api_refuses_an_officers_session_until_the_code_is_typed(db: None) -> None:
    officer = factories.officer()
    authenticator(officer)
    client = Client()
    log_in(client, officer)
    refused = client.get("/api/v1/declarations/")
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["code"] == "second_factor_required"
    assert web(officer).get("/api/v1/declarations/").status_code == 200


def test_clerks_are_not_asked_for_a_code(db: None) -> None:
    client = Client()
    assert log_in(client, factories.clerk())["Location"] == "/"  # home: the page of their work
    assert client.get("/", follow=True).redirect_chain == [("/declarations/", 302)]


def test_without_roles_in_the_setting_nobody_is_asked(db: None, settings) -> None:  # type: ignore[no-untyped-def]
    settings.OTP_REQUIRED_ROLES = []
    client = Client()
    log_in(client, factories.officer())
    assert client.get("/declarations/").status_code == 200


def test_logging_out_needs_no_code(db: None) -> None:
    client = Client()
    log_in(client, factories.officer())
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


# Where `next` may lead -----------------------------------------------------------------------------

ELSEWHERE = ["https://evil.example/", "//evil.example/", "http://testserver.evil.example/x", "javascript:alert(1)"]


@pytest.mark.parametrize("target", ELSEWHERE)
def test_login_never_sends_anyone_to_another_site(db: None, target: str) -> None:
    response = Client().post(f"{LOGIN}?next={target}", {"username": factories.clerk().username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"  # home, on this site


@pytest.mark.parametrize("target", ELSEWHERE)
def test_the_brokers_client_chooser_never_sends_anyone_to_another_site(db: None, target: str) -> None:
    broker = factories.broker(factories.enterprise())
    response = web(broker).post("/delegations/client/", {"client": "", "next": target})
    assert response.status_code == 302 and response["Location"] == "/declarations/"


def test_the_brokers_client_chooser_goes_back_to_the_page_it_was_on(db: None) -> None:
    broker = factories.broker(factories.enterprise())
    response = web(broker).post("/delegations/client/", {"client": "", "next": "/declarations/?status=draft"})
    assert response["Location"] == "/declarations/?status=draft"


@pytest.mark.parametrize("target", ELSEWHERE)
def test_the_second_factor_never_sends_anyone_to_another_site(db: None, target: str) -> None:
    officer = factories.officer()
    authenticator(officer)
    client = Client()
    log_in(client, officer)
    response = client.post(VERIFY, {"token": current_code(officer), "next": target})
    assert response.status_code == 302 and not re.match(r"^(https?:)?//|javascript:", response["Location"])
