"""Who may file for whom (issue 14): a firm declares only as itself, a broker only for a client whose
delegation is in force, and names another firm as its user unit only under an agent relation in force."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from declarations import pipeline, services
from declarations.choices import Target
from declarations.examples import example_header
from declarations.models import Declaration
from declarations.snapshot import declaration_snapshot
from singlewindow.agent_relations import agent_relation_confirm, agent_relation_propose, agent_relation_revoke
from singlewindow.choices import Role
from singlewindow.models import Organisation, User

from .. import factories
from ..clients import api, web
from .test_api import attach_documents, payload

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def as_firm(org: Organisation) -> dict[str, str]:
    """What B would type to pass for A: A's public identity."""
    return {"domestic_party_name": org.name, "domestic_party_uscc": org.uscc,
            "domestic_party_customs_code": org.customs_code, "domestic_party_inspection_code": org.inspection_code}  # fmt: skip


def codes(declaration: Declaration) -> dict[str, str]:
    return {p.field: p.code for p in services.declaration_problems(declaration=declaration)}


@pytest.fixture
def firm_a(db: None) -> Organisation:
    return factories.enterprise()


@pytest.fixture
def clerk_b(db: None) -> User:
    """Enterprise B's clerk; B has no inspection registration."""
    return factories.clerk(factories.enterprise(inspection_registered=False))


def test_a_firm_naming_another_as_consignee_through_the_api_is_refused_and_declares_as_itself(
    firm_a: Organisation, clerk_b: User
) -> None:
    """B types A's USCC, customs and inspection codes: refused on each of those fields (the portal fills
    them: read_only), nothing created or changed; the draft B makes names B, and B's missing inspection
    registration refuses the customs + inspection declaration: nothing goes out naming A."""
    b = clerk_b.organisation
    before = Declaration.objects.count()
    typed = api(clerk_b).post("/api/v1/declarations/", {**payload(), **as_firm(firm_a)}, format="json")
    assert typed.status_code == 400
    assert {(e["field"], e["code"]) for e in typed.json()["errors"]} == {(f, "read_only") for f in as_firm(firm_a)}
    assert Declaration.objects.count() == before
    created = api(clerk_b).post("/api/v1/declarations/", payload(), format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["domestic_party_uscc"] == b.uscc  # type: ignore[union-attr]
    patched = api(clerk_b).patch(f"/api/v1/declarations/{pk}/", as_firm(firm_a), format="json")
    assert patched.status_code == 400
    assert Declaration.objects.get(pk=pk).domestic_party_name == b.name  # type: ignore[union-attr]
    attach_documents(api(clerk_b), pk)
    refused = api(clerk_b).post(f"/api/v1/declarations/{pk}/submit/")
    assert refused.status_code == 400
    assert {(e["field"], e["code"]) for e in refused.json()["errors"]} == {
        ("domestic_party_inspection_code", "no_inspection_registration")
    }
    assert not Declaration.objects.get(pk=pk).versions.exists()


def test_the_edit_page_keeps_the_declaring_firm_whatever_is_posted(firm_a: Organisation, clerk_b: User) -> None:
    draft = factories.valid_draft(clerk_b, target=Target.CUSTOMS)
    page = web(clerk_b)
    form = page.get(f"/declarations/{draft.pk}/edit/").content.decode()
    tag = form.split('name="domestic_party_uscc"')[1].split(">", 1)[0]
    assert " disabled" in tag  # shown, not typed
    data = {"target": "customs", "direction": "import", "kind": "general", **{k: str(v) for k, v in example_header().items()},
            **as_firm(firm_a), "lines-TOTAL_FORMS": "0", "lines-INITIAL_FORMS": "0",
            "containers-TOTAL_FORMS": "0", "containers-INITIAL_FORMS": "0", "action": "save"}  # fmt: skip
    assert page.post(f"/declarations/{draft.pk}/edit/", data).status_code == 302
    draft.refresh_from_db()
    assert draft.domestic_party_uscc == clerk_b.organisation.uscc  # type: ignore[union-attr]


def test_a_declaration_naming_another_firm_is_refused_and_goes_out_in_nobodys_name(
    firm_a: Organisation, clerk_b: User
) -> None:
    """Whatever path a row came by (an old draft, a bulk update): validation names the problem on the field."""
    draft = factories.valid_draft(clerk_b, target=Target.CUSTOMS)
    Declaration.objects.filter(pk=draft.pk).update(**as_firm(firm_a))
    draft.refresh_from_db()
    assert codes(draft) == {"domestic_party_uscc": "not_the_declarant"}
    [problem] = [p for p in services.declaration_problems(declaration=draft)]
    assert clerk_b.organisation.uscc in problem.message  # type: ignore[union-attr]


def test_the_spine_freezes_no_filing_in_another_organisations_name(firm_a: Organisation, clerk_b: User) -> None:
    draft = factories.valid_draft(clerk_b, target=Target.CUSTOMS)
    Declaration.objects.filter(pk=draft.pk).update(**as_firm(firm_a))
    draft.refresh_from_db()
    with pytest.raises(pipeline.DeclarationInvalid) as refused:
        payload = declaration_snapshot(draft, list(draft.lines.all()), [], list(draft.documents.all()))
        pipeline.declaration_freeze(declaration=draft, user=clerk_b, payload=payload)
    assert [(p.field, p.code) for p in refused.value.found] == [("domestic_party_uscc", "not_the_declarant")]


def test_submitting_fills_the_declaring_firm_from_its_record(firm_a: Organisation, clerk_b: User) -> None:
    draft = factories.valid_draft(clerk_b, target=Target.CUSTOMS)
    Declaration.objects.filter(pk=draft.pk).update(**as_firm(firm_a))
    version = services.declaration_submit(declaration=draft, user=clerk_b)
    header = version.payload["header"]
    assert (header["domestic_party_uscc"], header["domestic_party_name"]) == (
        clerk_b.organisation.uscc,  # type: ignore[union-attr]
        clerk_b.organisation.name,  # type: ignore[union-attr]
    )


def test_a_broker_declares_for_its_client_not_for_a_firm_it_names(firm_a: Organisation, clerk_b: User) -> None:
    client = factories.enterprise()
    broker = factories.broker(client)
    named = api(broker).post("/api/v1/declarations/", {**payload(), "client_uscc": client.uscc, **as_firm(firm_a)},
                             format="json")  # fmt: skip
    assert named.status_code == 400  # the portal fills the declaring party: typed, it is refused
    created = api(broker).post("/api/v1/declarations/", {**payload(), "client_uscc": client.uscc}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["domestic_party_uscc"] == client.uscc
    # and it cannot make a draft for a firm that gave it no delegation
    stranger = {**payload(), "client_uscc": firm_a.uscc}
    assert api(broker).post("/api/v1/declarations/", stranger, format="json").status_code == 403


def test_the_inspection_registration_checked_is_the_declaring_firms(firm_a: Organisation, clerk_b: User) -> None:
    draft = factories.valid_draft(clerk_b)
    Declaration.objects.filter(pk=draft.pk).update(**as_firm(firm_a))  # A is registered, B is not
    draft.refresh_from_db()
    assert codes(draft)["domestic_party_inspection_code"] == "no_inspection_registration"


# The user unit -----------------------------------------------------------------------------------


def manager_of(org: Organisation) -> User:
    return factories.clerk(org, role=Role.MANAGER)


def test_another_firm_is_the_user_unit_only_under_an_agent_relation_in_force(firm_a: Organisation) -> None:
    agent = factories.enterprise()
    clerk = factories.clerk(agent)
    draft = factories.valid_draft(clerk, target=Target.CUSTOMS, user_unit_uscc=firm_a.uscc, user_unit_name="随便写")
    assert codes(draft) == {"user_unit_uscc": "no_agent_relation"}

    relation = agent_relation_propose(user=manager_of(agent), counterparty_uscc=firm_a.uscc, as_agent=True,
                                      valid_from=TODAY, valid_until=TODAY + timedelta(days=90))  # fmt: skip
    assert codes(draft) == {"user_unit_uscc": "no_agent_relation"}  # proposed, not confirmed
    agent_relation_confirm(user=manager_of(firm_a), relation=relation)
    services.declaration_save_draft(declaration=draft, user=clerk, header={"user_unit_name": "随便写"})
    assert draft.user_unit_name == firm_a.name  # from A's record, not as typed
    assert codes(draft) == {}

    agent_relation_revoke(user=manager_of(firm_a), relation=relation)
    assert codes(draft) == {"user_unit_uscc": "no_agent_relation"}


def test_a_user_unit_named_without_its_uscc_is_refused(clerk_b: User) -> None:
    draft = factories.valid_draft(clerk_b, target=Target.CUSTOMS, user_unit_uscc="", user_unit_name="某公司")
    assert codes(draft) == {"user_unit_uscc": "required"}
    services.declaration_save_draft(declaration=draft, user=clerk_b, header={"user_unit_name": ""})
    assert codes(draft) == {}
