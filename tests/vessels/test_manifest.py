"""The vessel's cargo manifest is shared with goods declarations citing the same bill of lading."""

from __future__ import annotations

import html
import json
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from declarations import services as goods
from singlewindow.models import Organisation
from vessels import services
from vessels.examples import example_parts
from vessels.models import ManifestLine, VesselCall

from .. import factories
from ..clients import web

pytestmark = pytest.mark.django_db
BILL = "MAEU509W0001"  # examples.example_parts(): 120 packages, 2450.5 kg


@pytest.fixture
def consignee(db: None) -> Organisation:
    """The enterprise the manifest's bill is consigned to."""
    return factories.enterprise()


@pytest.fixture
def manifested(consignee: Organisation) -> None:
    agent = factories.ship_agent()
    services.vessel_submit(
        declaration=factories.vessel_draft(agent, consignee=consignee, direction="import"), user=agent
    )


def codes(declaration) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {p.field: p.code for p in goods.declaration_problems(declaration=declaration)}


def test_the_goods_form_offers_the_manifest_of_the_bill(consignee: Organisation, manifested: None) -> None:
    clerk = factories.clerk(consignee)
    hint = web(clerk).get("/declarations/manifest/", {"bill_of_lading": BILL.lower()}).content.decode()
    assert "EMMA MAERSK" in hint and "120" in hint and 'id="use-manifest"' in hint
    # One press fills what the manifest already says: the ship, voyage, packages, weight, by water, and
    # where and when the ship arrived.
    vessel = VesselCall.objects.get()
    fill = json.loads(html.unescape(re.search(r"data-fill='([^']*)'", hint)[1]))  # type: ignore[index]
    assert fill == {
        "packages": "120",
        "gross_weight": "2450.500",
        "package_type": vessel.declaration.manifest_lines.get().package_type,
        "means_of_transport": "EMMA MAERSK",
        "voyage_no": vessel.voyage_no,
        "transport_mode": "2",
        "port_of_discharge": vessel.port,
        "entry_exit_port": vessel.port,
    }  # the ship is expected, not arrived: no date of entry yet
    assert vessel.expected_at > timezone.now()
    assert (
        "use-manifest"
        not in web(clerk).get("/declarations/manifest/", {"bill_of_lading": "NOSUCHBILL"}).content.decode()
    )


def test_figures_that_differ_from_the_manifest_are_flagged_and_matching_ones_pass(
    consignee: Organisation, manifested: None
) -> None:
    clerk = factories.clerk(consignee)
    differing = factories.valid_draft(clerk, bill_of_lading=BILL, packages=100, gross_weight=Decimal("2450.5"))
    assert codes(differing).get("packages") == "manifest_mismatch" and "gross_weight" not in codes(differing)
    matching = factories.valid_draft(clerk, bill_of_lading=BILL, packages=120, gross_weight=Decimal("2450.500"))
    assert "manifest_mismatch" not in codes(matching).values()


def test_a_draft_vessel_declaration_shares_nothing() -> None:
    agent = factories.ship_agent()
    factories.vessel_draft(agent)
    clerk = factories.clerk()
    draft = factories.valid_draft(clerk, bill_of_lading=BILL, packages=1)
    assert "manifest_mismatch" not in codes(draft).values()


def test_a_rejected_call_being_corrected_shares_nothing_and_only_goods_declarants_may_look(db: None) -> None:
    agent = factories.ship_agent()
    declaration = factories.vessel_draft(agent)
    services.vessel_submit(declaration=declaration, user=agent)
    type(declaration).objects.filter(pk=declaration.pk).update(status="rejected")
    clerk = factories.clerk()
    draft = factories.valid_draft(clerk, bill_of_lading=BILL.lower(), packages=1)
    assert "manifest_mismatch" not in codes(draft).values()
    assert web(factories.ship_agent()).get("/declarations/manifest/", {"bill_of_lading": BILL}).status_code == 404
    assert web(factories.officer()).get("/declarations/manifest/", {"bill_of_lading": BILL}).status_code == 404


def test_bills_typed_in_lower_case_are_stored_as_agencies_match_them(db: None) -> None:
    agent = factories.ship_agent()
    declaration = factories.vessel_draft(agent)
    parts = {"manifest_lines": [{"bill_of_lading": " maeu509w0002 ", "packages": 3}]}
    services.vessel_save(declaration=declaration, user=agent, call={}, parts=parts)
    assert declaration.manifest_lines.get().bill_of_lading == "MAEU509W0002"


# Only those the bill concerns -----------------------------------------------------------------------


def test_a_guessed_bill_shows_nothing_to_a_firm_it_does_not_concern(manifested: None) -> None:
    hint = web(factories.clerk()).get("/declarations/manifest/", {"bill_of_lading": BILL}).content.decode()
    assert "use-manifest" not in hint and "EMMA MAERSK" not in hint and "120" not in hint


def test_citing_another_firms_bill_is_refused_and_says_nothing_of_its_manifest(manifested: None) -> None:
    guesser = factories.clerk()
    draft = factories.valid_draft(guesser, bill_of_lading=BILL, packages=100)
    problems = {p.field: p for p in goods.declaration_problems(declaration=draft)}
    assert problems["bill_of_lading"].code == "manifest_not_yours"
    assert "packages" not in problems and "120" not in problems["bill_of_lading"].message


def test_a_broker_is_offered_its_clients_bill_under_a_delegation_in_force_only(
    consignee: Organisation, manifested: None
) -> None:
    broker = factories.broker(consignee)
    assert 'id="use-manifest"' in web(broker).get("/declarations/manifest/", {"bill_of_lading": BILL}).content.decode()
    draft = goods.declaration_create(user=broker, client_uscc=consignee.uscc)
    offer = {"bill_of_lading": BILL, "declaration": draft.pk}
    assert 'id="use-manifest"' in web(broker).get("/declarations/manifest/", offer).content.decode()

    other_client = factories.enterprise()
    both = factories.broker(other_client, consignee)
    for_other = goods.declaration_create(user=both, client_uscc=other_client.uscc)
    offer = {"bill_of_lading": BILL, "declaration": for_other.pk}
    assert "use-manifest" not in web(both).get("/declarations/manifest/", offer).content.decode()
    assert web(factories.broker()).get("/declarations/manifest/", offer).status_code == 404  # not its draft
    assert (
        "use-manifest"
        not in web(factories.broker()).get("/declarations/manifest/", {"bill_of_lading": BILL}).content.decode()
    )


def test_the_goods_form_asks_the_offer_for_the_declaration_being_edited(
    consignee: Organisation, manifested: None
) -> None:
    clerk = factories.clerk(consignee)
    draft = goods.declaration_create(user=clerk)
    form = web(clerk).get(f"/declarations/{draft.pk}/edit/").content.decode()
    field = form.split('name="bill_of_lading"')[0].rsplit("<input", 1)[1] + form.split('name="bill_of_lading"')[1][:400]
    assert "/declarations/manifest/" in field and f"&quot;declaration&quot;: {draft.pk}" in field


def test_an_exporter_is_the_shipper_the_manifest_names(db: None) -> None:
    exporter = factories.enterprise()
    agent = factories.ship_agent()
    declaration = factories.vessel_draft(agent)
    line = {**example_parts()["manifest_lines"][0], "shipper": f"  {exporter.name_en.upper()} "}
    services.vessel_save(declaration=declaration, user=agent, call={}, parts={"manifest_lines": [line]})
    services.vessel_submit(declaration=declaration, user=agent)
    clerk = factories.clerk(exporter)
    assert 'id="use-manifest"' in web(clerk).get("/declarations/manifest/", {"bill_of_lading": BILL}).content.decode()
    draft = factories.valid_draft(clerk, bill_of_lading=BILL, packages=120, gross_weight=Decimal("2450.5"))
    assert "bill_of_lading" not in codes(draft)


def test_the_consignees_code_decides_whom_the_bill_concerns(consignee: Organisation, manifested: None) -> None:
    """The manifest gives the consignee's USCC: a firm that only shares the consignee's name is a stranger;
    a manifest line without codes (from before they were carried) still matches by name."""
    namesake = factories.enterprise(name=consignee.name)
    offer = web(factories.clerk(namesake)).get("/declarations/manifest/", {"bill_of_lading": BILL})
    assert "use-manifest" not in offer.content.decode()
    assert (
        'id="use-manifest"'
        in web(factories.clerk(consignee)).get("/declarations/manifest/", {"bill_of_lading": BILL}).content.decode()
    )
    ManifestLine.objects.update(consignee_uscc="")
    offer = web(factories.clerk(namesake)).get("/declarations/manifest/", {"bill_of_lading": BILL})
    assert 'id="use-manifest"' in offer.content.decode()


def test_a_malformed_party_code_on_the_manifest_is_refused() -> None:
    agent = factories.ship_agent()
    parts = example_parts()
    parts["manifest_lines"][0]["consignee_uscc"] = "91310000MA1FL8XQ3X"
    declaration = factories.vessel_draft(agent)
    services.vessel_save(declaration=declaration, user=agent, call={}, parts=parts)
    problems = {p.field: p.code for p in services.vessel_problems_of(declaration)}
    assert problems.get("manifest_lines[0].consignee_uscc") == "invalid_uscc"
