"""The risk lane chosen when a goods declaration is frozen: the customs class decides the release mode and
the inspection rate, a seeded draw per declaration decides selection; the agencies receive it, the
simulator honours it, the firm reads its release mode and the officer why it was or was not selected."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone
from lxml import etree

from agencies.adapters import adapter_for
from agencies.simulator.engine import decide, normalise_config
from credit import services
from credit.lanes import draw, lane_for
from declarations import services as declaration_services
from declarations.models import Declaration
from singlewindow.choices import Agency
from singlewindow.models import Organisation

from .. import factories
from ..clients import web

pytestmark = pytest.mark.django_db


def classed(kind: str) -> Organisation:
    firm = factories.enterprise()
    services.record_add(agency="customs", channel="api", values={
        "uscc": firm.uscc, "record_id": f"{kind}-{firm.pk}", "kind": kind, "outcome": "favourable",
        "decided_at": timezone.localdate()})  # fmt: skip
    return firm


def test_the_same_declaration_draws_the_same_and_the_seed_changes_it(settings) -> None:  # type: ignore[no-untyped-def]
    assert draw("2200-v1") == draw("2200-v1") != draw("2200-v2")
    before = draw("2200-v1")
    settings.RISK_SEED = "another seed"
    assert draw("2200-v1") != before


def test_rates_follow_the_class() -> None:
    advanced, dishonest = classed("aeo_advanced"), classed("serious_list")
    services.reclassify(usccs=[advanced.uscc, dishonest.uscc])
    keys = [f"K{i}-v1" for i in range(2000)]
    advanced_rate = sum(lane_for(uscc=advanced.uscc, key=k).inspect for k in keys) / len(keys)
    regular_rate = sum(lane_for(uscc=factories.enterprise().uscc, key=k).inspect for k in keys) / len(keys)
    dishonest_rate = sum(lane_for(uscc=dishonest.uscc, key=k).inspect for k in keys) / len(keys)
    assert advanced_rate < 0.2 * regular_rate and dishonest_rate >= 0.8
    assert lane_for(uscc=advanced.uscc, key="K1-v1").release_mode == "on_declaration"
    assert lane_for(uscc=dishonest.uscc, key="K1-v1").release_mode == "under_supervision"


def test_a_frozen_declaration_carries_its_lane_to_the_agencies_and_the_simulator_honours_it(settings, db: None) -> None:  # type: ignore[no-untyped-def]
    settings.RISK_LANES = True
    firm = classed("serious_list")  # seriously dishonest: always inspected
    clerk = factories.clerk(firm)
    version = declaration_services.declaration_submit(declaration=factories.valid_draft(clerk), user=clerk)
    risk = version.payload["risk"]
    assert (risk["credit_class"], risk["release_mode"], risk["inspect"]) == ("seriously_dishonest",
                                                                              "under_supervision", True)  # fmt: skip
    message = adapter_for(Agency.CUSTOMS).build_message(version.payload, message_id="m-1", version=1)
    root = etree.fromstring(message)
    ns = {"m": "urn:singlewindow:customs:declaration:1"}
    assert root.findtext("m:Risk/m:Inspect", namespaces=ns) == "true"
    agency = normalise_config({"agencies": {"customs": {}}})["agencies"]["customs"]
    decision = decide(agency, root, [], None)  # type: ignore[arg-type]
    assert decision.kind == "inspect" and "risk lane" in decision.reason

    declaration = Declaration.objects.get(pk=version.declaration_id)
    firm_page = Client(headers={"accept-language": "zh-hans"})
    firm_page.force_login(clerk)
    page = firm_page.get(f"/declarations/{declaration.pk}/").content.decode()
    assert "监管放行" in page and "严重失信企业" in page and "risk-reason" not in page
    factories.delivered(declaration)  # an officer sees what was delivered to its agency
    officer_page = web(factories.officer(Agency.CUSTOMS), headers={"accept-language": "zh-hans"})
    page = officer_page.get(f"/declarations/{declaration.pk}/").content.decode()
    assert 'id="risk-reason"' in page and "100 %" in page


def test_without_lanes_nothing_is_selected(settings, db: None) -> None:  # type: ignore[no-untyped-def]
    settings.RISK_LANES = False
    clerk = factories.clerk(classed("serious_list"))
    version = declaration_services.declaration_submit(declaration=factories.valid_draft(clerk), user=clerk)
    assert "risk" not in version.payload
