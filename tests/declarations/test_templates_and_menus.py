"""Saved templates (常用模板) for recurring shipments, and each role's menu: what a role is not offered
answers 404 to it."""

from __future__ import annotations

import pytest
from django.utils import timezone

from declarations.choices import DeclarationStatus
from declarations.filters import DeclarationFilterSet
from declarations.models import Declaration, ShipmentTemplate
from singlewindow.choices import Agency, DelegationStatus
from singlewindow.models import Delegation

from .. import factories
from ..clients import web

pytestmark = pytest.mark.django_db


def test_a_recurring_shipment_is_typed_once_and_started_from_its_template() -> None:
    org = factories.enterprise()
    clerk = factories.clerk(org)
    source = factories.valid_draft(clerk)
    page = web(clerk)
    saved = page.post(f"/declarations/{source.pk}/template/", {"name": "每月进口 德国机床"}, follow=True)
    assert "已保存为常用模板“每月进口 德国机床”。" in saved.content.decode()
    template = ShipmentTemplate.objects.get()
    assert template.name == "每月进口 德国机床" and len(template.lines) == 3
    # Who declares is never stored: it comes from the master record when the template is used.
    assert "domestic_party_uscc" not in template.header

    listed = page.get("/declarations/new/").content.decode()
    assert "每月进口 德国机床" in listed
    started = page.post(f"/declarations/templates/{template.pk}/use/")
    draft = Declaration.objects.exclude(pk=source.pk).get()
    assert started.status_code == 302 and started["Location"] == f"/declarations/{draft.pk}/edit/"
    assert draft.status == DeclarationStatus.DRAFT and draft.owner == org
    assert (draft.bill_of_lading, draft.contract_no, draft.trade_country) == (
        source.bill_of_lading,
        source.contract_no,
        source.trade_country,
    )
    assert list(draft.lines.values_list("hs_code", "name", "unit_price")) == list(
        source.lines.values_list("hs_code", "name", "unit_price")
    )
    assert draft.domestic_party_uscc == org.uscc and draft.documents.count() == 0

    # Saving again under the same name replaces the template.
    page.post(f"/declarations/{source.pk}/template/", {"name": "每月进口 德国机床"})
    assert ShipmentTemplate.objects.count() == 1
    # A name is required.
    page.post(f"/declarations/{source.pk}/template/", {"name": "  "})
    assert ShipmentTemplate.objects.count() == 1


def test_another_firm_neither_sees_nor_uses_a_template() -> None:
    clerk = factories.clerk()
    template_page = web(clerk)
    source = factories.valid_draft(clerk)
    template_page.post(f"/declarations/{source.pk}/template/", {"name": "月度机床进口"})
    template = ShipmentTemplate.objects.get()
    stranger = web(factories.clerk())
    assert "月度机床进口" not in stranger.get("/declarations/templates/").content.decode()
    assert stranger.post(f"/declarations/templates/{template.pk}/use/").status_code == 404
    assert stranger.post(f"/declarations/templates/{template.pk}/delete/").status_code == 404
    assert stranger.post(f"/declarations/{source.pk}/template/", {"name": "x"}).status_code == 404
    assert ShipmentTemplate.objects.count() == 1 and Declaration.objects.count() == 1


def test_a_brokers_template_for_a_client_works_only_while_the_delegation_is_in_force() -> None:
    client = factories.enterprise()
    broker = factories.broker(client)
    source = factories.valid_draft(factories.clerk(client))
    page = web(broker)
    own = factories.valid_draft(factories.clerk(client))  # the broker prepares it for the client
    page.post(f"/declarations/{own.pk}/template/", {"name": "客户常用"})
    template = ShipmentTemplate.objects.get()
    assert template.owner == client and template.organisation == broker.organisation
    page.post(f"/declarations/templates/{template.pk}/use/")
    made = Declaration.objects.exclude(pk__in=[source.pk, own.pk]).get()
    assert made.owner == client and made.prepared_by == broker.organisation

    Delegation.objects.update(status=DelegationStatus.REVOKED, valid_until=timezone.localdate())
    refused = page.post(f"/declarations/templates/{template.pk}/use/", follow=True)
    assert "委托" in refused.content.decode()
    assert Declaration.objects.count() == 3


@pytest.mark.parametrize("agency", [Agency.CUSTOMS, Agency.INSPECTION])
def test_an_officer_is_not_offered_the_declaring_pages(agency: str) -> None:
    assert DeclarationFilterSet.base_filters["status"].field  # built once already, as the API schema does
    page = web(factories.officer(agency))
    home = page.get("/declarations/").content.decode()
    for path in ("/declarations/new/", "/declarations/imports/", "/declarations/templates/", "/delegations/"):
        assert f'href="{path}"' not in home, path
        assert page.get(path).status_code == 404, path
    assert page.get("/agent-relations/").status_code == 404
    # Agencies are sent submitted declarations only: no 草稿 among the status filter's choices.
    assert '<option value="draft"' not in home
    assert '<option value="released"' in home


def test_a_firm_is_offered_its_pages_and_the_draft_filter() -> None:
    page = web(factories.clerk())
    home = page.get("/declarations/").content.decode()
    for path in ("/declarations/new/", "/delegations/"):
        assert f'href="{path}"' in home and page.get(path).status_code == 200
    assert page.get("/declarations/imports/").status_code == 200
    assert '<option value="draft"' in home
