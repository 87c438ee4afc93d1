"""A ship agent files a vessel's call once; it is frozen for the four agencies, each agency's message
carries the FAL lists it needs, and a released departure gets its port clearance certificate."""

from __future__ import annotations

import pytest
from django.test import TestCase
from lxml import etree

from agencies.adapters import adapter_for
from agencies.vessels import NAMESPACE
from declarations.events import AgencyEvent, events_record
from declarations.models import Declaration, Delivery
from singlewindow.models import Notification, User
from vessels import services
from vessels.models import PortClearance

from .. import factories
from ..clients import api, web

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent(db: None) -> User:
    return factories.ship_agent()


def test_a_clean_call_goes_to_customs_inspection_border_and_maritime_at_once(agent: User) -> None:
    declaration = factories.vessel_draft(agent)
    version = services.vessel_submit(declaration=declaration, user=agent)
    assert sorted(Delivery.objects.filter(version=version).values_list("agency", flat=True)) == [
        "border", "customs", "inspection", "maritime",
    ]  # fmt: skip
    ns = {"v": NAMESPACE}
    messages = {
        agency: etree.fromstring(adapter_for(agency).build_message(version.payload, message_id="m", version=1))
        for agency in version.agencies
    }
    for root in messages.values():
        assert root.findtext("v:GeneralDeclaration/v:ImoNumber", namespaces=ns) == "9321483"
        # Every agency is told who declares for the ship: the filing ship agency, from its record.
        assert root.findtext("v:ShipAgency/v:Name", namespaces=ns) == agent.organisation.name
        assert root.findtext("v:ShipAgency/v:Uscc", namespaces=ns) == agent.organisation.uscc
    assert (
        messages["border"].find("v:CrewList", ns) is not None
        and messages["border"].find("v:CargoDeclaration", ns) is None
    )
    assert messages["customs"].findtext("v:CargoDeclaration/v:Bill/v:BillOfLading", namespaces=ns) == "MAEU509W0001"
    assert messages["customs"].find("v:CrewList", ns) is None
    assert messages["maritime"].findtext("v:DangerousGoods/v:Item/v:UnNumber", namespaces=ns) == "1263"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"imo_number": "9321484"}, "imo_number"),  # wrong check digit
        ({"next_port": "XXAAA"}, "next_port"),
        ({"next_port": ""}, "next_port"),
        ({"flag_state": "ZZZ"}, "flag_state"),
    ],
)
def test_a_wrong_identifier_is_named_and_nothing_is_submitted(agent: User, changes: dict, field: str) -> None:
    declaration = factories.vessel_draft(agent, **changes)
    with pytest.raises(services.DeclarationInvalid) as refused:
        services.vessel_submit(declaration=declaration, user=agent)
    assert field in [p.field for p in refused.value.found]
    declaration.refresh_from_db()
    assert declaration.status == "draft" and not Delivery.objects.exists()


def test_a_call_without_its_crew_list_cannot_be_submitted(agent: User) -> None:
    declaration = factories.vessel_draft(agent, crew=0)
    with pytest.raises(services.DeclarationInvalid) as refused:
        services.vessel_submit(declaration=declaration, user=agent)
    assert "crew" in [p.field for p in refused.value.found]


def release_everywhere(declaration) -> None:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    version = declaration.versions.get()
    factories.delivered(declaration)  # an agency releases what it was delivered
    events = [
        AgencyEvent(
            receipt_id=f"{d.message_id}-r",
            message_id=d.message_id,
            agency=d.agency,
            sequence=1,
            at=timezone.now(),
            kind="released",
            data={},
        )
        for d in Delivery.objects.filter(version=version)
    ]
    with TestCase.captureOnCommitCallbacks(execute=True):
        events_record(events=events)


def test_when_every_agency_has_released_a_departure_the_certificate_is_issued_and_verifies(agent: User) -> None:
    declaration = factories.vessel_draft(agent)
    services.vessel_submit(declaration=declaration, user=agent)
    release_everywhere(declaration)
    declaration.refresh_from_db()
    assert declaration.status == "released"
    clearance = PortClearance.objects.get(declaration=declaration)
    assert clearance.number.startswith("CNSHA-") and len(clearance.facts["releasing_agencies"]) == 4
    told = Notification.objects.get(recipient=agent)
    assert clearance.number in told.message and told.url == f"/vessels/{declaration.pk}/"

    page = web(agent).get(f"/vessels/{declaration.pk}/")
    assert clearance.number in page.content.decode()
    pdf = web(agent).get(f"/vessels/{declaration.pk}/port-clearance.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_an_arrival_released_everywhere_gets_no_certificate(agent: User) -> None:
    declaration = factories.vessel_draft(agent, direction="import")
    services.vessel_submit(declaration=declaration, user=agent)
    release_everywhere(declaration)
    assert not PortClearance.objects.exists()


def test_another_ship_agency_and_a_trade_firm_get_404(agent: User) -> None:
    declaration = factories.vessel_draft(agent)
    for stranger in (factories.ship_agent(), factories.clerk()):
        assert web(stranger).get(f"/vessels/{declaration.pk}/").status_code == 404
        assert web(stranger).get(f"/vessels/{declaration.pk}/edit/").status_code == 404
    assert web(agent).get(f"/declarations/{declaration.pk}/").status_code == 404  # not a goods declaration
    assert api(agent).get("/api/v1/declarations/").json()["count"] == 0


def test_a_refused_crew_file_is_said_on_the_page_and_changes_nothing(agent: User) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    declaration = factories.vessel_draft(agent)
    response = web(agent).post(
        f"/vessels/{declaration.pk}/import/crew/", {"file": SimpleUploadedFile("crew.xlsx", b"%PDF-1.7")}, follow=True
    )
    assert response.status_code == 200 and "messages" in response.content.decode()
    assert declaration.crew.count() == 3


def test_a_bill_listed_twice_is_kept_in_the_draft_and_named_by_validation(agent: User) -> None:
    declaration = factories.vessel_draft(agent)
    twice = [{"bill_of_lading": "MAEU509W0001", "packages": 1}, {"bill_of_lading": "MAEU509W0001", "packages": 2}]
    services.vessel_save(declaration=declaration, user=agent, call={}, parts={"manifest_lines": twice})
    problems = services.vessel_problems_of(declaration)
    assert ("manifest_lines[1].bill_of_lading", "duplicate") in [(p.field, p.code) for p in problems]


def test_certificates_are_numbered_by_the_beijing_year_they_show(agent: User) -> None:
    from datetime import UTC, datetime
    from unittest import mock

    from singlewindow.models import Sequence

    declaration = factories.vessel_draft(agent)
    services.vessel_submit(declaration=declaration, user=agent)
    new_year_morning_in_beijing = datetime(2026, 12, 31, 17, 30, tzinfo=UTC)  # 2027-01-01 01:30 in Beijing
    with mock.patch("django.utils.timezone.now", return_value=new_year_morning_in_beijing):
        release_everywhere(declaration)
    clearance = PortClearance.objects.get(declaration=declaration)
    assert clearance.number == "CNSHA-2027-000001"
    assert Sequence.objects.filter(name="clearance-CNSHA-2027").exists()


@pytest.mark.parametrize(
    ("party", "detail", "pdf", "api_detail", "listed"),
    [
        ("agent", 200, 200, 200, True),
        ("other_agent", 404, 404, 404, False),
        ("trade_clerk", 404, 404, 404, False),
        ("customs_officer", 200, 200, 200, True),  # routed to customs: sees it, and its certificate
        ("port_officer", 404, 404, 404, False),  # the port authority is not sent vessel calls
    ],
)
def test_who_sees_a_cleared_vessel(
    agent: User, party: str, detail: int, pdf: int, api_detail: int, listed: bool
) -> None:
    declaration = factories.vessel_draft(agent)
    services.vessel_submit(declaration=declaration, user=agent)
    release_everywhere(declaration)
    user = {
        "agent": agent,
        "other_agent": factories.ship_agent(),
        "trade_clerk": factories.clerk(),
        "customs_officer": factories.officer("customs"),
        "port_officer": factories.officer("port"),
    }[party]
    assert web(user).get(f"/vessels/{declaration.pk}/").status_code == detail
    assert web(user).get(f"/vessels/{declaration.pk}/port-clearance.pdf").status_code == pdf
    assert api(user).get(f"/api/v1/vessels/{declaration.pk}/").status_code == api_detail
    ids = [row["id"] for row in api(user).get("/api/v1/vessels/").json()["results"]]
    assert (declaration.pk in ids) is listed
    assert web(user).get(f"/vessels/{declaration.pk}/edit/").status_code in ((302,) if party == "agent" else (404,))


def test_the_page_puts_each_problem_next_to_its_field(agent: User) -> None:
    declaration = factories.vessel_draft(agent, imo_number="9321484")
    declaration.crew.filter(position=2).update(nationality="ZZZ")
    form = {"action": "validate"}
    page = web(agent).get(f"/vessels/{declaration.pk}/edit/")
    for field in page.context["call"]:
        value = field.value()
        form[field.html_name] = (
            "" if value is None else (value.strftime("%Y-%m-%dT%H:%M") if hasattr(value, "strftime") else value)
        )
    for _part, formset, _rows in page.context["parts"]:
        form.update({f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()})
        for sub in formset.forms:
            for field in sub:
                value = field.value()
                if value not in (None, False):
                    form[field.html_name] = value.isoformat() if hasattr(value, "isoformat") else value
    response = web(agent).post(f"/vessels/{declaration.pk}/edit/", form)
    assert response.status_code == 400
    call = response.context["call"]
    assert "IMO" in str(call.errors["imo_number"])
    crew = dict((part.key, formset) for part, formset, _rows in response.context["parts"])["crew"]
    assert crew.forms[1].errors["nationality"]


def test_a_vessel_is_filed_in_the_ship_agencys_own_name_whatever_is_sent(agent: User) -> None:
    """The ship agency is the organisation filing: an identity sent with the call is not taken, and a row
    naming another agency goes out in the filer's name, from its record."""
    other = factories.ship_agent().organisation
    assert other is not None and agent.organisation is not None
    body = {"direction": "export", "domestic_party_uscc": other.uscc, "domestic_party_name": other.name,
            "ship_agency": {"uscc": other.uscc}}  # fmt: skip
    created = api(agent).post("/api/v1/vessels/", body, format="json")
    assert created.status_code == 201, created.content
    declaration = Declaration.objects.get(pk=created.json()["id"])
    assert declaration.domestic_party_uscc == agent.organisation.uscc

    filed = factories.vessel_draft(agent)
    Declaration.objects.filter(pk=filed.pk).update(domestic_party_uscc=other.uscc, domestic_party_name=other.name)
    version = services.vessel_submit(declaration=filed, user=agent)
    assert version.payload["ship_agency"] == {"name": agent.organisation.name, "uscc": agent.organisation.uscc}
    filed.refresh_from_db()
    assert (filed.domestic_party_uscc, filed.domestic_party_name) == (agent.organisation.uscc, agent.organisation.name)
