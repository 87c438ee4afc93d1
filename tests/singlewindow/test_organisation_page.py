"""/organisation/ for an agency or the platform operator: what applies to it (name, English name, USCC,
agency, address, contacts) in neutral wording, not the firm's master record (customs and inspection
codes, qualifications, "pre-fills every declaration")."""

from __future__ import annotations

import pytest
from django.test import Client

from singlewindow.choices import Agency, OrganisationKind, Role
from singlewindow.models import User

from .. import factories
from ..clients import web

pytestmark = pytest.mark.django_db

FIRM_ONLY = (
    "Customs registration code",
    "Inspection registration code",
    "Qualifications",
    "pre-fill every declaration",
)


def english(user: User) -> Client:
    client = web(user)
    client.cookies["django_language"] = "en"
    return client


def operator() -> User:
    org = factories.OrganisationFactory(
        kind=OrganisationKind.PLATFORM, customs_code="", inspection_code="", address="上海市浦东新区"
    )
    return factories.UserFactory(organisation=org, role=Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.mark.parametrize("make", [lambda: factories.officer(Agency.CUSTOMS), operator], ids=["agency", "operator"])
def test_an_agency_or_the_operator_sees_its_own_details_without_the_firms_rows(make) -> None:  # type: ignore[no-untyped-def]
    user = make()
    page = english(user).get("/organisation/").content.decode()
    org = user.organisation
    assert "Organisation details" in page
    for shown in (org.name, org.name_en, org.uscc, "Address", "Contact person", "Telephone"):
        assert shown in page, shown
    for hidden in FIRM_ONLY:
        assert hidden not in page, hidden
    assert "/organisation/qualifications/" not in page


def test_an_agencys_page_names_its_agency() -> None:
    page = english(factories.officer(Agency.MARITIME)).get("/organisation/").content.decode()
    assert "Maritime safety" in page


def test_a_firm_still_sees_its_master_record() -> None:
    clerk = factories.clerk()
    page = english(clerk).get("/organisation/").content.decode()
    assert "Master record" in page and "pre-fill every declaration" in page
    assert clerk.organisation.customs_code in page and "Qualifications" in page
    assert "/organisation/qualifications/" in page
