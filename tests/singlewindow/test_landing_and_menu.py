"""Each user lands on the page of their work (firms, brokers, customs and inspection: declarations; maritime,
border and ship agents: vessels; commerce: licence applications; the Pingtan bureaus: approvals; e-commerce
parties: e-commerce; the platform administrator: the admin site), and each is offered only the pages
that are theirs: the administrator an Administration link, and not the firm's pages."""

from __future__ import annotations

import pytest
from django.test import Client
from lxml import html

from ecommerce import services as ecommerce_services
from ecommerce.choices import Role as CbecRole
from singlewindow.choices import Agency, OrganisationKind, Role
from singlewindow.models import User

from .. import factories
from ..clients import authenticator, current_code, web

pytestmark = pytest.mark.django_db

PASSWORD = "pass-for-tests"


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def platform_admin() -> User:
    org = factories.OrganisationFactory(kind=OrganisationKind.PLATFORM, customs_code="", inspection_code="")
    return factories.UserFactory(organisation=org, role=Role.ADMIN, is_staff=True, is_superuser=True)


def cbec_party() -> User:
    clerk = factories.clerk()
    ecommerce_services.enterprise_file(
        organisation=clerk.organisation, role=CbecRole.PLATFORM, code="4401T0LAND", name="跨境平台"
    )
    return clerk


USERS = {
    "clerk": factories.clerk,
    "broker": lambda: factories.broker(factories.enterprise()),
    "customs_officer": lambda: factories.officer(Agency.CUSTOMS),
    "inspection_officer": lambda: factories.officer(Agency.INSPECTION),
    "maritime_officer": lambda: factories.officer(Agency.MARITIME),
    "border_officer": lambda: factories.officer(Agency.BORDER),
    "commerce_officer": lambda: factories.officer(Agency.COMMERCE),
    "window_officer": lambda: factories.officer(Agency.LOCAL),
    "ship_agent": factories.ship_agent,
    "cbec_party": cbec_party,
    "admin": platform_admin,
}
LANDS_ON = {
    "clerk": "/declarations/",
    "broker": "/declarations/",
    "customs_officer": "/declarations/",
    "inspection_officer": "/declarations/",
    "maritime_officer": "/vessels/",
    "border_officer": "/vessels/",
    "commerce_officer": "/licences/applications/",
    "window_officer": "/approvals/",
    "ship_agent": "/vessels/",
    "cbec_party": "/ecommerce/",
    "admin": "/admin/",
}


def nav_links(page: bytes) -> dict[str, str]:
    """The main menu's links: href → text."""
    return {a.get("href"): a.text_content().strip() for a in html.fromstring(page).xpath("//nav[@id='site-nav']/a")}


@pytest.mark.parametrize("who", list(LANDS_ON))
def test_each_user_lands_on_the_page_of_their_work(who: str) -> None:
    client = web(USERS[who]())
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == LANDS_ON[who]
    assert client.get(response["Location"]).status_code == 200


def test_a_visitor_is_asked_to_log_in_first() -> None:
    response = Client().get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["maritime_officer", "commerce_officer", "admin"])
def test_logging_in_from_the_login_page_lands_on_the_page_of_their_work(who: str) -> None:
    user = USERS[who]()
    authenticator(user)
    client = Client()
    form = html.fromstring(client.get("/accounts/login/").content)
    (next_value,) = form.xpath("//form[.//input[@name='password']]//input[@name='next']/@value")
    logged_in = client.post(
        "/accounts/login/", {"username": user.username, "password": PASSWORD, "next": next_value}, follow=True
    )
    assert logged_in.redirect_chain[0][0] == "/"
    verified = client.post(logged_in.request["PATH_INFO"], {"token": current_code(user), "next": "/"}, follow=True)
    assert verified.redirect_chain[-1][0] == LANDS_ON[who]


def test_an_explicit_next_still_wins() -> None:
    clerk = factories.clerk()
    response = Client().post(
        "/accounts/login/?next=/vessels/", {"username": clerk.username, "password": PASSWORD, "next": "/credit/"}
    )
    assert response["Location"] == "/credit/"


def test_the_administrator_is_offered_the_admin_site_and_not_the_firms_pages() -> None:
    client = web(platform_admin())
    client.cookies["django_language"] = "en"
    links = nav_links(client.get("/notifications/").content)
    assert links["/admin/"] == "Administration"  # 后台管理
    for firm_page in ("/elicence/", "/declarations/", "/declarations/new/", "/delegations/", "/dashboard/"):
        assert firm_page not in links, firm_page
    organisation = client.get("/organisation/").content.decode()
    assert "/organisation/qualifications/" not in organisation  # no 申请资质 for the operator


def test_nobody_else_is_offered_the_admin_site() -> None:
    for who in ("clerk", "customs_officer", "ship_agent"):
        assert "/admin/" not in nav_links(web(USERS[who]()).get("/notifications/").content), who


def test_a_firm_keeps_its_pages_and_their_ids() -> None:
    page = web(factories.clerk()).get("/notifications/").content
    links = nav_links(page)
    for firm_page in ("/declarations/", "/declarations/new/", "/delegations/", "/elicence/", "/organisation/"):
        assert firm_page in links, firm_page
    tree = html.fromstring(page)
    assert tree.get_element_by_id("nav-licences").get("href") == "/licences/"
    assert tree.get_element_by_id("nav-dashboard").get("href") == "/dashboard/"


def test_officers_without_goods_declarations_are_not_offered_the_goods_list() -> None:
    maritime = nav_links(web(factories.officer(Agency.MARITIME)).get("/vessels/").content)
    assert "/declarations/" not in maritime and "/vessels/" in maritime
    customs = nav_links(web(factories.officer(Agency.CUSTOMS)).get("/vessels/").content)
    assert "/declarations/" in customs
