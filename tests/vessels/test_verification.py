"""The verification page for a valid, a revoked and a forged certificate number.

The public page a port clearance certificate's QR code opens says whether the certificate is genuine
and in force, revoked by maritime safety, not genuine (the token does not match the facts on record)
or unknown (no certificate has that number); only a genuine certificate's page shows its facts.
"""

from __future__ import annotations

import dataclasses
import io
from urllib.parse import urlsplit

import pytest
import zxingcpp
from django.test import Client
from lxml import html
from pypdf import PdfReader

from declarations.models import Declaration
from singlewindow.models import User
from vessels import certificate, services
from vessels.models import PortClearance

from .. import factories
from ..clients import web
from .test_filing import release_everywhere

pytestmark = pytest.mark.django_db

VALID = "真实有效"
REVOKED = "已被签发机关撤销"
NOT_GENUINE = "非真实证书：与签发记录不符"
UNKNOWN = "证书编号不存在"
REASON = "船舶未按规定完成防污染检查"


@pytest.fixture
def agent(db: None) -> User:
    return factories.ship_agent()


@pytest.fixture
def declaration(agent: User) -> Declaration:
    """A departure filed, submitted and released by the four agencies: its certificate is issued."""
    declaration = factories.vessel_draft(agent)
    services.vessel_submit(declaration=declaration, user=agent)
    release_everywhere(declaration)
    declaration.refresh_from_db()
    return declaration


@pytest.fixture
def clearance(declaration: Declaration) -> PortClearance:
    return PortClearance.objects.get(declaration=declaration)


@pytest.fixture
def facts(clearance: PortClearance) -> certificate.PortClearanceFacts:
    return services.clearance_facts(clearance)


@pytest.fixture
def verify_path(agent: User, declaration: Declaration, facts: certificate.PortClearanceFacts) -> str:
    """The path of the URL the printed certificate's QR code carries."""
    printed = web(agent).get(f"/vessels/{declaration.pk}/port-clearance.pdf")
    assert printed.status_code == 200
    images = PdfReader(io.BytesIO(printed.content)).pages[0].images
    [code] = zxingcpp.read_barcodes(images[0].image)
    assert code.text == certificate.verify_url_for(facts)
    return urlsplit(code.text).path


def verify(path: str) -> tuple[int, str, str]:
    """Open the public page without logging in: status, the verdict, the verification card's text."""
    response = Client().get(path)
    page = html.fromstring(response.content.decode())
    verdict = page.get_element_by_id("verdict").text_content().strip()
    card = page.get_element_by_id("verification").text_content()
    return response.status_code, verdict, card


def path_for(number: str, token: str) -> str:
    return f"/verify/port-clearance/{number}/{token}/"


def shows_facts(card: str, facts: certificate.PortClearanceFacts) -> bool:
    return all(value in card for value in (facts.vessel_name, facts.imo_number, facts.call_sign, facts.voyage_number))


def shows_any_fact(card: str, facts: certificate.PortClearanceFacts) -> bool:
    return any(value in card for value in (facts.vessel_name, facts.imo_number, facts.call_sign, facts.voyage_number))


def revoke(user: User, declaration: Declaration, reason: str = REASON) -> int:
    response = web(user).post(f"/vessels/{declaration.pk}/port-clearance/revoke/", {"reason": reason})
    return response.status_code


# A genuine certificate ---------------------------------------------------------------------------


def test_the_qr_code_opens_a_page_saying_genuine_with_the_vessels_facts(
    verify_path: str, facts: certificate.PortClearanceFacts
) -> None:
    status, verdict, card = verify(verify_path)
    assert status == 200
    assert verdict == VALID
    assert shows_facts(card, facts)
    assert facts.port_of_departure.locode in card and facts.next_port_of_call.locode in card


# A revoked certificate ---------------------------------------------------------------------------


def test_after_maritime_safety_revokes_it_the_same_url_says_revoked_and_why(
    verify_path: str, declaration: Declaration, clearance: PortClearance
) -> None:
    officer = factories.officer("maritime")
    assert revoke(officer, declaration) == 302
    clearance.refresh_from_db()
    assert clearance.state == "revoked" and clearance.revocation_reason == REASON

    status, verdict, card = verify(verify_path)
    assert status == 200
    assert verdict == REVOKED
    assert REASON in card


@pytest.mark.parametrize("agency", ["customs", "inspection", "border"])
def test_an_officer_of_another_agency_cannot_revoke(
    agency: str, verify_path: str, declaration: Declaration, clearance: PortClearance
) -> None:
    assert revoke(factories.officer(agency), declaration) == 404
    clearance.refresh_from_db()
    assert clearance.state == "issued"
    assert verify(verify_path)[1] == VALID


def test_the_ship_agent_cannot_revoke_its_own_certificate(
    agent: User, verify_path: str, declaration: Declaration, clearance: PortClearance
) -> None:
    assert revoke(agent, declaration) == 404
    clearance.refresh_from_db()
    assert clearance.state == "issued"
    assert verify(verify_path)[1] == VALID


# Forged and altered certificates -----------------------------------------------------------------


def test_a_number_never_issued_is_unknown(clearance: PortClearance, facts: certificate.PortClearanceFacts) -> None:
    forged = dataclasses.replace(facts, number=f"{facts.port_of_departure.locode}-2099-999999")
    token = certificate.sign_certificate(forged.number, certificate.facts_digest(forged))
    status, verdict, card = verify(path_for(forged.number, token))
    assert status == 404
    assert verdict == UNKNOWN
    assert not shows_any_fact(card, facts)


def test_the_real_number_with_a_token_signed_over_altered_facts_is_not_genuine(
    clearance: PortClearance, facts: certificate.PortClearanceFacts
) -> None:
    altered = dataclasses.replace(facts, vessel_name="EMMA MAERSK II")
    token = certificate.sign_certificate(altered.number, certificate.facts_digest(altered))
    status, verdict, card = verify(path_for(clearance.number, token))
    assert status == 404
    assert verdict == NOT_GENUINE
    assert not shows_any_fact(card, facts)


@pytest.mark.parametrize("token", ["AAAAAAAAAAAAAAAA", "x"])
def test_the_real_number_with_a_wrong_token_is_not_genuine(
    token: str, clearance: PortClearance, facts: certificate.PortClearanceFacts
) -> None:
    status, verdict, card = verify(path_for(clearance.number, token))
    assert status == 404
    assert verdict == NOT_GENUINE
    assert not shows_any_fact(card, facts)


# Another ship agency -----------------------------------------------------------------------------


def test_another_ship_agency_gets_404_on_the_vessels_pages_and_certificate(
    declaration: Declaration, clearance: PortClearance
) -> None:
    stranger: Client = web(factories.ship_agent())
    for path in ("/", "/edit/", "/port-clearance.pdf"):
        response = stranger.get(f"/vessels/{declaration.pk}{path}")
        assert response.status_code == 404, path
        assert clearance.number not in response.content.decode(errors="replace")
    assert stranger.post(f"/vessels/{declaration.pk}/port-clearance/revoke/", {"reason": REASON}).status_code == 404
    clearance.refresh_from_db()
    assert clearance.state == "issued"


def test_a_revoked_certificate_with_a_wrong_token_shows_neither_its_facts_nor_why_it_was_revoked(
    declaration: Declaration, facts: certificate.PortClearanceFacts
) -> None:
    assert revoke(factories.officer("maritime"), declaration) == 302
    status, _verdict, card = verify(path_for(facts.number, "A" * 16))
    assert status == 404 and REASON not in card and not shows_any_fact(card, facts)
