"""The vessel's cargo manifest is shared with goods declarations citing the same bill of lading."""

from __future__ import annotations

from decimal import Decimal

import pytest

from declarations import services as goods
from vessels import services

from .. import factories
from ..clients import web

pytestmark = pytest.mark.django_db
BILL = "MAEU509W0001"  # examples.example_parts(): 120 packages, 2450.5 kg


@pytest.fixture
def manifested(db: None) -> None:
    agent = factories.ship_agent()
    services.vessel_submit(declaration=factories.vessel_draft(agent), user=agent)


def codes(declaration) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {p.field: p.code for p in goods.declaration_problems(declaration=declaration)}


def test_the_goods_form_offers_the_manifest_of_the_bill(manifested: None) -> None:
    clerk = factories.clerk()
    hint = web(clerk).get("/declarations/manifest/", {"bill_of_lading": BILL.lower()}).content.decode()
    assert "EMMA MAERSK" in hint and "120" in hint and 'id="use-manifest"' in hint
    assert (
        "use-manifest"
        not in web(clerk).get("/declarations/manifest/", {"bill_of_lading": "NOSUCHBILL"}).content.decode()
    )


def test_figures_that_differ_from_the_manifest_are_flagged_and_matching_ones_pass(manifested: None) -> None:
    clerk = factories.clerk()
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
