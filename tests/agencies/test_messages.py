"""Each agency's message is built from the frozen declaration and checked by its XSD."""

from __future__ import annotations

import pytest
from lxml import etree

from agencies.adapters import adapter_for, adapters
from agencies.goods import goods_schema_text
from agencies.xml import SCHEMAS
from declarations import services
from singlewindow.models import User

from .. import factories

pytestmark = pytest.mark.django_db


def test_committed_schemas_match_the_field_maps() -> None:
    from agencies.vessels import vessel_schema_text

    assert (SCHEMAS / "vessel.xsd").read_text(encoding="utf-8") == vessel_schema_text(
        a.agency for a in adapters() if a.vessel_parts
    )
    for adapter in adapters():
        if not adapter.goods:
            continue
        assert (SCHEMAS / f"{adapter.agency}.xsd").read_text(encoding="utf-8") == goods_schema_text(adapter.goods), (
            f"run `python manage.py agency_schemas` ({adapter.agency})"
        )


@pytest.mark.parametrize(
    ("agency", "bill", "hs"), [("customs", "BillNo", "CodeTS"), ("inspection", "BillLadNo", "HsCode")]
)
def test_message_carries_the_shared_items_under_the_agencys_names(
    user_a: User, agency: str, bill: str, hs: str
) -> None:
    version = services.declaration_submit(declaration=factories.valid_draft(user_a), user=user_a)
    adapter = adapter_for(agency)
    body = adapter.build_message(version.payload, message_id="m-1", version=1)
    root = etree.fromstring(body)
    message = adapter.goods
    ns = {"m": message.namespace}
    assert root.get("PreEntryNo") == version.pre_entry_no
    assert root.findtext(f"m:{message.groups['header']}/m:{bill}", namespaces=ns) == "COSU6234567890"
    assert [e.text for e in root.findall(f"m:{message.groups['line']}/m:{hs}", namespaces=ns)] == [
        "8471300000",
        "8443321000",
        "8517130000",
    ]
    assert message.schema.validate(root)


def test_agency_specific_items_go_only_to_their_agency(user_a: User) -> None:
    version = services.declaration_submit(declaration=factories.valid_draft(user_a), user=user_a)
    customs = etree.fromstring(adapter_for("customs").build_message(version.payload, message_id="m", version=1))
    inspection = etree.fromstring(adapter_for("inspection").build_message(version.payload, message_id="m", version=1))

    def head(root: etree._Element) -> dict[str, str]:
        return {etree.QName(e).localname: e.text for e in root[0]}

    assert head(customs)["CutMode"] == "101"  # levy nature: customs only
    assert "101" not in head(inspection).values()
    assert head(inspection)["OrgCode"] == "310000"  # inspection authority: inspection only
    assert "310000" not in head(customs).values()


def test_the_committed_licence_application_schema_matches_the_application() -> None:
    from agencies.licences import licence_application_schema_text
    from licensing.choices import LICENCE_APPLICATION

    assert (SCHEMAS / "licence_application.xsd").read_text(encoding="utf-8") == licence_application_schema_text(
        a.agency for a in adapters() if LICENCE_APPLICATION in a.takes
    ), "run `python manage.py agency_schemas` (licence_application)"


def test_commerce_gets_the_licence_application_with_its_lines(db: None) -> None:
    from licensing.applications import application_submit

    from ..licensing.test_applications import application

    clerk = factories.clerk()
    version = application_submit(declaration=application(clerk), user=clerk)
    message = adapter_for("commerce").build_message(version.payload, message_id="M-1", version=1)

    root = etree.fromstring(message)
    ns = {"l": "urn:singlewindow:licence-application:1"}
    assert (root.get("Kind"), root.get("Agency"), root.get("PreEntryNo")) == ("7", "commerce", version.pre_entry_no)
    assert root.findtext("l:Application/l:TraderUscc", namespaces=ns) == clerk.organisation.uscc
    assert root.findtext("l:Line[@LineNo='1']/l:HsCode", namespaces=ns) == "7208510000"
    assert root.findtext("l:Line[@LineNo='1']/l:Quantity", namespaces=ns) == "50000"
    assert root.find("l:Application/l:ContractNo", namespaces=ns) is None  # not on this kind's form
