"""Each agency sees what it was sent: an officer sees only the declaration versions delivered to its
agency, and of each only the fields (goods) or FAL lists (vessels) its agency receives, on every
surface — page, API detail, API list, search, filters, export. Never the firm's working copy."""

from __future__ import annotations

import json
import re

import pytest
from lxml import etree

from declarations import services
from declarations.events import AgencyEvent, events_record
from declarations.interchange import xml_format
from declarations.models import Declaration, Delivery
from singlewindow.choices import Agency
from singlewindow.models import User
from vessels import services as vessel_services
from vessels.examples import example_parts

from . import factories
from .clients import api, web

pytestmark = pytest.mark.django_db

LICENCE = "LIC2026081501"  # a customs-only field (licence number): inspection is never sent it
CREW_DOCUMENT = example_parts()["crew"][0]["document_number"]  # border and inspection get the crew list
CARGO = example_parts()["manifest_lines"][0]  # customs and inspection get the cargo manifest


@pytest.fixture
def agent(db: None) -> User:
    return factories.ship_agent()


@pytest.fixture
def vessel(agent: User) -> Declaration:
    declaration = factories.vessel_draft(agent)
    vessel_services.vessel_submit(declaration=declaration, user=agent)
    return factories.delivered(declaration)


@pytest.fixture
def goods(user_a: User) -> Declaration:
    declaration = factories.valid_draft(user_a, licence_no=LICENCE)
    services.declaration_submit(declaration=declaration, user=user_a)
    return factories.delivered(declaration)


def everything(officer: User, declaration: Declaration, kind: str = "vessels") -> str:
    """All the officer is shown of the declaration: its page, its API detail and its API list row."""
    page = web(officer).get(f"/{kind}/{declaration.pk}/")
    assert page.status_code == 200
    detail = api(officer).get(f"/api/v1/{kind}/{declaration.pk}/")
    assert detail.status_code == 200
    rows = [r for r in api(officer).get(f"/api/v1/{kind}/").json()["results"] if r["id"] == declaration.pk]
    assert len(rows) == 1
    return page.content.decode() + json.dumps([detail.json(), rows], ensure_ascii=False)


# Vessels: each agency its FAL lists ------------------------------------------------------------------


def test_customs_cannot_see_the_crew_identity_documents_of_a_vessel(vessel: Declaration) -> None:
    seen = everything(factories.officer(Agency.CUSTOMS), vessel)
    assert CREW_DOCUMENT not in seen and "CREW0" not in seen
    assert CARGO["shipper"] in seen  # the cargo manifest is customs' to see
    assert "crew" not in api(factories.officer(Agency.CUSTOMS)).get(f"/api/v1/vessels/{vessel.pk}/").json()


def test_border_inspection_cannot_see_the_cargo_manifest(vessel: Declaration) -> None:
    border = factories.officer(Agency.BORDER)
    seen = everything(border, vessel)
    assert CARGO["shipper"] not in seen and CARGO["consignee"] not in seen and CARGO["bill_of_lading"] not in seen
    assert CREW_DOCUMENT in seen  # the crew list is border inspection's to see
    assert {"manifest_lines", "ship_stores", "crew_effects", "dangerous_goods"}.isdisjoint(
        api(border).get(f"/api/v1/vessels/{vessel.pk}/").json()
    )


def test_the_ship_agent_still_sees_every_list(agent: User, vessel: Declaration) -> None:
    page = web(agent).get(f"/vessels/{vessel.pk}/").content.decode()
    assert CREW_DOCUMENT in page and CARGO["shipper"] in page


# Goods: each agency its fields --------------------------------------------------------------------


def test_inspection_is_not_shown_the_customs_only_fields_it_was_never_sent(goods: Declaration) -> None:
    inspection = factories.officer(Agency.INSPECTION)
    seen = everything(inspection, goods, "declarations")
    assert LICENCE not in seen
    detail = api(inspection).get(f"/api/v1/declarations/{goods.pk}/").json()
    assert {"licence_no", "freight", "customs_office"}.isdisjoint(detail)
    assert {"duty_mode"}.isdisjoint(detail["lines"][0])
    assert LICENCE in everything(factories.officer(Agency.CUSTOMS), goods, "declarations")


def test_customs_is_not_shown_the_inspection_only_fields(goods: Declaration) -> None:
    detail = api(factories.officer(Agency.CUSTOMS)).get(f"/api/v1/declarations/{goods.pk}/").json()
    assert {"inspection_authority", "destination_authority", "entry_exit_port"}.isdisjoint(detail)
    assert {"purpose", "production_batch"}.isdisjoint(detail["lines"][0])


def test_the_versions_api_gives_an_officer_what_its_agency_received(goods: Declaration) -> None:
    [version] = api(factories.officer(Agency.INSPECTION)).get(f"/api/v1/declarations/{goods.pk}/versions/").json()
    assert "licence_no" not in version["payload"]["header"] and "gross_weight" in version["payload"]["header"]


# Only what was delivered ---------------------------------------------------------------------------


def test_an_officer_of_an_agency_not_routed_gets_404(user_a: User) -> None:
    declaration = factories.valid_draft(user_a, target="customs")
    services.declaration_submit(declaration=declaration, user=user_a)
    factories.delivered(declaration)
    officer = factories.officer(Agency.INSPECTION)
    for url in (f"/declarations/{declaration.pk}/", f"/declarations/{declaration.pk}/timeline/"):
        assert web(officer).get(url).status_code == 404
    for url in (f"/api/v1/declarations/{declaration.pk}/", f"/api/v1/declarations/{declaration.pk}/timeline/"):
        assert api(officer).get(url).status_code == 404
    assert api(officer).get("/api/v1/declarations/").json()["count"] == 0


def test_before_its_branch_is_delivered_the_agency_sees_nothing(user_a: User, agent: User) -> None:
    declaration = factories.valid_draft(user_a)
    services.declaration_submit(declaration=declaration, user=user_a)
    factories.delivered(declaration, Agency.INSPECTION)  # customs' branch is still being delivered
    customs = factories.officer(Agency.CUSTOMS)
    assert web(customs).get(f"/declarations/{declaration.pk}/").status_code == 404
    assert api(customs).get(f"/api/v1/declarations/{declaration.pk}/").status_code == 404
    assert api(customs).get("/api/v1/declarations/").json()["count"] == 0
    assert api(factories.officer(Agency.INSPECTION)).get(f"/api/v1/declarations/{declaration.pk}/").status_code == 200

    call = factories.vessel_draft(agent)
    vessel_services.vessel_submit(declaration=call, user=agent)
    assert web(factories.officer(Agency.BORDER)).get(f"/vessels/{call.pk}/").status_code == 404
    assert api(factories.officer(Agency.BORDER)).get(f"/api/v1/vessels/{call.pk}/").status_code == 404


def reject(declaration: Declaration, agency: str = Agency.CUSTOMS) -> None:
    delivery = Delivery.objects.get(version__declaration=declaration, version__number=1, agency=agency)
    events_record(
        events=[
            AgencyEvent(
                receipt_id=f"reject-{declaration.pk}", message_id=delivery.message_id, agency=agency, sequence=1,
                at=delivery.version.submitted_at, kind="rejected", data={"reason": "提单号有误"},
            )
        ]
    )  # fmt: skip


def test_a_draft_edited_or_resubmitted_after_submission_does_not_change_what_the_officer_sees(
    goods: Declaration, user_a: User
) -> None:
    reject(goods)
    services.declaration_save_draft(
        declaration=goods, user=user_a, header={"bill_of_lading": "FIXED123456", "contract_no": "YH-2026-0999"}
    )
    officer = factories.officer(Agency.CUSTOMS)

    def shown() -> str:
        return everything(officer, goods, "declarations")

    assert "FIXED123456" not in shown() and "COSU6234567890" in shown()
    services.declaration_submit(declaration=goods, user=user_a)  # version 2: not delivered yet
    seen = shown()
    assert "FIXED123456" not in seen and "YH-2026-0999" not in seen and "COSU6234567890" in seen
    assert api(officer).get(f"/api/v1/declarations/{goods.pk}/").json()["version_count"] == 1
    factories.delivered(goods)
    assert "FIXED123456" in shown()


# Search, filters and exports run on what was delivered --------------------------------------------


def found(user: User, **query: str) -> tuple[bool, bool, bool]:
    """Whether the list page, the API list and the API export find anything for the query."""
    page = web(user).get("/declarations/", query).content.decode()
    listed = api(user).get("/api/v1/declarations/", query).json()["count"] > 0
    export = etree.fromstring(api(user).get("/api/v1/declarations/export/", {**query, "format": "xml"}).content)
    exported = len(export.findall(f"{{{xml_format.NAMESPACE}}}Declaration")) > 0
    return re.search(r'href="/declarations/\d+/(edit/)?"', page) is not None, listed, exported


def test_an_officer_searching_a_field_its_agency_does_not_receive_finds_nothing(goods: Declaration) -> None:
    assert found(factories.officer(Agency.INSPECTION), q=LICENCE) == (False, False, False)
    assert found(factories.officer(Agency.CUSTOMS), q=LICENCE) == (True, True, True)


def test_an_officer_searches_what_was_delivered_not_the_firms_corrections(goods: Declaration, user_a: User) -> None:
    reject(goods)
    services.declaration_save_draft(declaration=goods, user=user_a, header={"bill_of_lading": "FIXED123456"})
    officer = factories.officer(Agency.CUSTOMS)
    assert found(officer, q="FIXED123456") == (False, False, False)
    assert found(officer, q="COSU6234567890") == (True, True, True)
    assert found(user_a, q="FIXED123456") == (True, True, True)  # the firm searches its working copy


def test_an_officer_filters_on_what_was_delivered(goods: Declaration, user_a: User) -> None:
    reject(goods)
    services.declaration_save_draft(declaration=goods, user=user_a, header={"target": "customs"})
    officer = factories.officer(Agency.INSPECTION)
    assert found(officer, target="both") == (True, True, True)
    assert found(officer, target="customs") == (False, False, False)


def test_an_officers_export_holds_only_its_agencys_fields(goods: Declaration) -> None:
    inspection = api(factories.officer(Agency.INSPECTION)).get("/api/v1/declarations/export/?format=xml").content
    assert LICENCE.encode() not in inspection and b"COSU6234567890" in inspection
    customs = api(factories.officer(Agency.CUSTOMS)).get("/api/v1/declarations/export/?format=xml").content
    assert LICENCE.encode() in customs


def test_an_officer_reads_the_timeline_of_the_version_it_was_sent(goods: Declaration, user_a: User) -> None:
    """Customs rejects version 1; the firm declares version 2 to customs only. Inspection, sent version 1
    alone, reads version 1's timeline, never a word of version 2."""
    reject(goods)
    services.declaration_save_draft(declaration=goods, user=user_a, header={"target": "customs"})
    services.declaration_submit(declaration=goods, user=user_a)
    factories.delivered(goods)
    inspection = factories.officer(Agency.INSPECTION)
    timeline = api(inspection).get(f"/api/v1/declarations/{goods.pk}/timeline/").json()
    assert timeline["version"] == 1 and {e["version"] for e in timeline["events"]} == {1}
    assert api(inspection).get(f"/api/v1/declarations/{goods.pk}/").json()["version_count"] == 1
    assert web(inspection).get(f"/declarations/{goods.pk}/timeline/").status_code == 200
    assert (
        api(factories.officer(Agency.CUSTOMS)).get(f"/api/v1/declarations/{goods.pk}/timeline/").json()["version"] == 2
    )
    assert api(user_a).get(f"/api/v1/declarations/{goods.pk}/timeline/").json()["version"] == 2


def test_an_officer_reads_where_other_agencies_stand_but_not_their_words(goods: Declaration, user_a: User) -> None:
    """Customs returns the declaration over the bill of lading: inspection's officer sees that customs
    returned it (the shared status), not customs' reason nor the field it named; customs and the firm do."""
    delivery = Delivery.objects.get(version__declaration=goods, agency=Agency.CUSTOMS)
    events_record(
        events=[
            AgencyEvent(
                receipt_id=f"reject-{goods.pk}", message_id=delivery.message_id, agency=Agency.CUSTOMS, sequence=1,
                at=delivery.version.submitted_at, kind="rejected",
                data={"reason": "提单号与舱单不符", "field": "bill_of_lading"},
            )
        ]
    )  # fmt: skip

    def read(user: User) -> tuple[str, dict]:
        page = web(user).get(f"/declarations/{goods.pk}/").content.decode()
        return page, api(user).get(f"/api/v1/declarations/{goods.pk}/timeline/").json()

    page, timeline = read(factories.officer(Agency.INSPECTION))
    customs = next(b for b in timeline["branches"] if b["agency"] == "customs")
    assert customs["state"] == "rejected"
    assert "提单号与舱单不符" not in page + json.dumps(timeline, ensure_ascii=False)
    assert customs["field"] == "" and customs["reason"] == ""
    for user in (factories.officer(Agency.CUSTOMS), user_a):
        page, timeline = read(user)
        assert "提单号与舱单不符" in page and "提单号与舱单不符" in json.dumps(timeline, ensure_ascii=False)
