"""The enterprise electronic licence: the legal representative names up to 5 administrators, they grant
agents authority, every submission is signed under a right in force and verifies later from the audit
trail; a shown licence is a QR code good for 5 minutes that only officers open."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.html import escape
from gmssl import func, sm2, sm3

from declarations import services
from declarations.choices import DeclarationStatus
from declarations.models import DeclarationVersion
from declarations.snapshot import digest
from singlewindow import elicence, elicence_keys
from singlewindow.choices import Agency, Matter, OrganisationKind, Role, SigningCapacity
from singlewindow.elicence_backfill import backfill
from singlewindow.models import (
    AgentGrant,
    AuditEntry,
    ELicence,
    Organisation,
    SigningKey,
    SubmissionSignature,
    User,
)
from vessels import services as vessel_services

from .. import factories
from ..clients import api, web

TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def _database(db: None) -> None:
    """Every test here uses the database, with its reference data (tests/conftest.py)."""


def firm() -> tuple[User, User]:
    """An enterprise's legal representative (its first manager) and a clerk without any grant."""
    boss = factories.clerk(role=Role.MANAGER, grant=False)
    return boss, factories.clerk(boss.organisation, grant=False)


def give(boss: User, person: User, **terms: object) -> AgentGrant:
    values: dict = {"full": True, "matters": [], "valid_from": TODAY(), "valid_until": TODAY() + timedelta(days=30)}
    values.update(terms)
    return elicence.grant_create(user=boss, person_id=person.pk, **values)


def submit(clerk: User) -> tuple[object, DeclarationVersion]:
    declaration = factories.valid_draft(clerk)
    return declaration, services.declaration_submit(declaration=declaration, user=clerk)


def signature_of(version: DeclarationVersion) -> SubmissionSignature:
    """Read back from the audit trail: the entry recording the signing of this version."""
    entry = AuditEntry.objects.get(
        action="submission.signed", after__object_type="declaration_version", after__object_id=str(version.pk)
    )
    assert entry.object_type == "singlewindow.submissionsignature"
    return SubmissionSignature.objects.get(pk=entry.object_id)


# Signatures -----------------------------------------------------------------------------------------


def test_a_submissions_signature_verifies_from_the_audit_trail() -> None:
    boss, clerk = firm()
    grant = give(boss, clerk)
    _declaration, version = submit(clerk)
    signature = signature_of(version)
    version.refresh_from_db()
    assert (signature.signer, signature.grant, signature.capacity, signature.algorithm) == (
        clerk, grant, SigningCapacity.AGENT, "sm2-sm3")  # fmt: skip
    assert elicence.signature_verify(signature, digest=digest(version.payload))


def test_the_legal_representative_signs_as_such_without_a_grant() -> None:
    boss, _clerk = firm()
    _declaration, version = submit(boss)
    signature = signature_of(version)
    assert (signature.capacity, signature.grant) == (SigningCapacity.LEGAL_REPRESENTATIVE, None)
    assert elicence.signature_verify(signature, digest=version.digest)


def test_a_tampered_payload_or_digest_does_not_verify() -> None:
    boss, clerk = firm()
    give(boss, clerk)
    _declaration, version = submit(clerk)
    payload = {**version.payload, "pre_entry_no": "X" * 18}
    DeclarationVersion.objects.filter(pk=version.pk).update(payload=payload)  # behind the application's back
    version.refresh_from_db()
    signature = signature_of(version)
    assert not elicence.signature_verify(signature, digest=digest(version.payload))
    SubmissionSignature.objects.filter(pk=signature.pk).update(digest=digest(payload))  # the row itself forged
    forged = SubmissionSignature.objects.get(pk=signature.pk)
    assert not elicence.signature_verify(forged, digest=digest(version.payload))


def test_a_forged_signature_value_does_not_verify() -> None:
    boss, clerk = firm()
    give(boss, clerk)
    _declaration, version = submit(clerk)
    signature = signature_of(version)
    for forged in ("0" * 128, "zz", signature.signature[::-1], ""):
        signature.signature = forged
        assert not elicence.signature_verify(signature)


def test_a_signature_is_never_changed() -> None:
    boss, clerk = firm()
    give(boss, clerk)
    signature = signature_of(submit(clerk)[1])
    with pytest.raises(ValueError):
        signature.save()


def refused(clerk: User) -> tuple[object, services.DeclarationInvalid]:
    declaration = factories.valid_draft(clerk)
    audit_before, signed_before = AuditEntry.objects.count(), SubmissionSignature.objects.filter(signer=clerk).count()
    with pytest.raises(services.DeclarationInvalid) as error:
        services.declaration_submit(declaration=declaration, user=clerk)
    declaration.refresh_from_db()
    assert (declaration.status, declaration.version_count, declaration.pre_entry_no) == (
        DeclarationStatus.DRAFT,
        0,
        None,
    )
    assert not DeclarationVersion.objects.filter(declaration=declaration).exists()
    assert SubmissionSignature.objects.filter(signer=clerk).count() == signed_before
    assert AuditEntry.objects.count() == audit_before
    return declaration, error.value


def test_a_revoked_grant_signs_nothing_and_the_declaration_stays_a_draft() -> None:
    boss, clerk = firm()
    grant = give(boss, clerk)
    elicence.grant_revoke(user=boss, grant=grant)
    _declaration, error = refused(clerk)
    assert [p.code for p in error.found] == ["grant_revoked"]


@pytest.mark.parametrize("withdrawn", ["grant", "licence", "key"])
def test_a_signer_read_for_an_earlier_submission_is_checked_again_so_a_revocation_bites_at_once(
    withdrawn: str,
) -> None:
    boss, clerk = firm()
    grant = give(boss, clerk)
    submit(clerk)  # what the clerk signs with is read, and kept by this process
    if withdrawn == "grant":
        elicence.grant_revoke(user=boss, grant=grant)
    elif withdrawn == "licence":
        ELicence.objects.filter(organisation=boss.organisation).update(revoked_at=timezone.now())
    else:  # a new key (SECRET_KEY changed): the next signature is made with it, never with the old one
        SigningKey.objects.filter(person=clerk).update(retired_at=timezone.now())
    if withdrawn == "key":
        _declaration, version = submit(clerk)
        signature = signature_of(version)
        assert signature.key.retired_at is None and elicence.signature_verify(signature)
        return
    _declaration, error = refused(clerk)
    assert [p.code for p in error.found] == [f"{withdrawn}_revoked"]


def test_a_new_legal_representative_changes_the_capacity_at_the_next_signature() -> None:
    """Both sides of the kept signer: the one who was the legal representative signs next as an agent (with a
    grant) and the agent who was appointed signs next as the legal representative."""
    boss, clerk = firm()
    give(boss, clerk)
    submit(boss), submit(clerk)  # both signers read, and kept by this process
    ELicence.objects.filter(organisation=boss.organisation).update(legal_representative=clerk)
    give(clerk, boss)
    _declaration, by_clerk = submit(clerk)
    _declaration, by_boss = submit(boss)
    assert signature_of(by_clerk).capacity == SigningCapacity.LEGAL_REPRESENTATIVE
    assert signature_of(by_boss).capacity == SigningCapacity.AGENT


def test_a_signer_read_for_an_earlier_submission_costs_one_query_the_next_time(
    django_assert_max_num_queries: Any,
) -> None:
    boss, clerk = firm()
    give(boss, clerk)
    organisation = clerk.organisation
    assert organisation is not None
    elicence._signer(clerk, organisation, Matter.DECLARATION)  # licence, grant and key read
    with django_assert_max_num_queries(1):
        capacity, grant, _key, _private = elicence._signer(clerk, organisation, Matter.DECLARATION)
    assert capacity == SigningCapacity.AGENT and grant is not None


def test_without_any_grant_a_clerk_cannot_submit_and_is_told_why() -> None:
    _boss, clerk = firm()
    with translation.override("en"):
        _declaration, error = refused(clerk)
        why = elicence._why_not(clerk, clerk.organisation)
        expected = str(elicence._refuse(clerk.organisation, Matter.DECLARATION, why))
    assert [(p.field, p.code, p.message) for p in error.found] == [("", "no_grant", expected)]


def test_a_grant_for_vessels_only_does_not_sign_a_goods_declaration() -> None:
    boss, clerk = firm()
    give(boss, clerk, full=False, matters=[Matter.VESSEL])
    _declaration, error = refused(clerk)
    assert [p.code for p in error.found] == ["matter_not_granted"]


def test_a_grant_for_goods_declarations_signs_them() -> None:
    boss, clerk = firm()
    give(boss, clerk, full=False, matters=[Matter.DECLARATION])
    assert signature_of(submit(clerk)[1]).matter == Matter.DECLARATION


def test_an_expired_grant_is_refused() -> None:
    boss, clerk = firm()
    grant = give(boss, clerk)
    AgentGrant.objects.filter(pk=grant.pk).update(
        valid_from=TODAY() - timedelta(days=60), valid_until=TODAY() - timedelta(days=1)
    )
    _declaration, error = refused(clerk)
    assert [p.code for p in error.found] == ["grant_expired"]


def test_a_revoked_licence_signs_nothing() -> None:
    boss, clerk = firm()
    give(boss, clerk)
    ELicence.objects.filter(organisation=boss.organisation).update(revoked_at=timezone.now())
    _declaration, error = refused(clerk)
    assert [p.code for p in error.found] == ["licence_revoked"]


def test_the_api_refuses_a_submission_without_a_grant_with_a_clear_error() -> None:
    _boss, clerk = firm()
    declaration = factories.valid_draft(clerk)
    response = api(clerk).post(f"/api/v1/declarations/{declaration.pk}/submit/")
    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("", "no_grant")]
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.DRAFT


def test_the_page_refuses_a_submission_without_a_grant_with_a_clear_error() -> None:
    _boss, clerk = firm()
    declaration = factories.valid_draft(clerk)
    page = web(clerk).get(f"/declarations/{declaration.pk}/edit/")
    form = {k: v for k, v in _form_values(page.content.decode()).items()}
    response = web(clerk).post(f"/declarations/{declaration.pk}/edit/", {**form, "action": "submit"})
    assert response.status_code == 400
    with translation.override("zh-hans"):
        reason = str(
            elicence._refuse(clerk.organisation, Matter.DECLARATION, elicence._why_not(clerk, clerk.organisation))
        )  # type: ignore[arg-type]
    assert escape(reason) in response.content.decode()
    declaration.refresh_from_db()
    assert declaration.status == DeclarationStatus.DRAFT


def _form_values(html_text: str) -> dict[str, str]:
    """The values the edit form holds as served (inputs and selected options)."""
    from lxml import html

    tree = html.fromstring(html_text)
    form = tree.xpath("//form[.//button[@value='submit']]")[0]
    return {name: value for name, value in form.form_values() if name != "action"}


def test_a_brokers_clerk_signs_under_the_brokers_licence() -> None:
    client = factories.enterprise()
    owner = factories.clerk(client)
    broker = factories.broker(client)
    declaration = factories.valid_draft(owner)
    declaration.prepared_by = broker.organisation
    declaration.review_state = "with_broker"
    declaration.save()
    version = services.declaration_submit(declaration=declaration, user=broker)
    signature = signature_of(version)
    assert (signature.organisation, signature.signer) == (broker.organisation, broker)
    assert elicence.signature_verify(signature, digest=version.digest)


def test_a_vessel_call_is_signed_for_vessels_and_a_declarations_grant_does_not_do() -> None:
    agent = factories.ship_agent(grant=False)
    boss = factories.clerk(agent.organisation, role=Role.MANAGER, grant=False)
    elicence.elicence_for(agent.organisation)  # type: ignore[arg-type]
    grant = give(boss, agent, full=False, matters=[Matter.DECLARATION])
    draft = factories.vessel_draft(agent)
    with pytest.raises(services.DeclarationInvalid) as error:
        vessel_services.vessel_submit(declaration=draft, user=agent)
    assert error.value.found[0].code == "matter_not_granted"
    elicence.grant_revoke(user=boss, grant=grant)
    give(boss, agent, full=False, matters=[Matter.VESSEL])
    version = vessel_services.vessel_submit(declaration=draft, user=agent)
    assert signature_of(version).matter == Matter.VESSEL


def test_the_declaration_page_and_api_show_who_signed_and_that_it_verifies() -> None:
    boss, clerk = firm()
    grant = give(boss, clerk)
    declaration, version = submit(clerk)
    rows = api(clerk).get(f"/api/v1/declarations/{declaration.pk}/versions/").json()
    assert (rows[0]["signature"]["grant"], rows[0]["signature"]["verified"]) == (grant.pk, True)
    page = web(clerk).get(f"/declarations/{declaration.pk}/").content.decode()
    assert f"#{grant.pk}" in page
    DeclarationVersion.objects.filter(pk=version.pk).update(payload={**version.payload, "agencies": []})
    rows = api(clerk).get(f"/api/v1/declarations/{declaration.pk}/versions/").json()
    assert rows[0]["signature"]["verified"] is False


# Administrators and grants -------------------------------------------------------------------------


def test_the_first_manager_holds_the_licence() -> None:
    boss, _clerk = firm()
    factories.clerk(boss.organisation, role=Role.MANAGER)
    assert elicence.elicence_for(boss.organisation).legal_representative == boss  # type: ignore[arg-type]


def test_a_sixth_administrator_is_refused() -> None:
    boss, _clerk = firm()
    people = [factories.clerk(boss.organisation, grant=False) for _ in range(6)]
    for person in people[:5]:
        elicence.administrator_add(user=boss, person_id=person.pk)
    with pytest.raises(elicence.TooManyAdministrators) as error:
        elicence.administrator_add(user=boss, person_id=people[5].pk)
    assert error.value.code == "too_many_administrators"
    assert elicence.administrators_of(user=boss).count() == 5
    response = api(boss).post("/api/v1/elicence/administrators/", {"person": people[5].pk}, format="json")
    assert (response.status_code, response.json()["errors"][0]["code"]) == (400, "too_many_administrators")


def test_an_administrator_grants_and_revokes_but_does_not_name_administrators() -> None:
    boss, clerk = firm()
    admin = factories.clerk(boss.organisation, grant=False)
    elicence.administrator_add(user=boss, person_id=admin.pk)
    grant = give(admin, clerk)
    elicence.grant_revoke(user=admin, grant=grant)
    with pytest.raises(elicence.PermissionDenied):
        elicence.administrator_add(user=admin, person_id=clerk.pk)
    with pytest.raises(elicence.PermissionDenied):
        give(clerk, clerk)


def test_a_grant_names_a_person_of_the_organisation_only() -> None:
    boss, _clerk = firm()
    stranger = factories.clerk()
    with pytest.raises(elicence.ELicenceRefused):
        give(boss, stranger)
    response = api(boss).post("/api/v1/elicence/grants/", {"person": stranger.pk, "valid_from": str(TODAY()),
                                                           "valid_until": str(TODAY())}, format="json")  # fmt: skip
    assert response.status_code == 400


def test_named_matters_need_at_least_one() -> None:
    boss, clerk = firm()
    with pytest.raises(elicence.ELicenceRefused):
        give(boss, clerk, full=False, matters=[])


def test_a_grant_revoked_by_the_api_signs_nothing_more() -> None:
    boss, clerk = firm()
    created = api(boss).post("/api/v1/elicence/grants/", {"person": clerk.pk, "full": False, "matters": ["declaration"],
                             "valid_from": str(TODAY()), "valid_until": str(TODAY())}, format="json")  # fmt: skip
    assert created.status_code == 201, created.content
    submit(clerk)
    revoked = api(boss).post(f"/api/v1/elicence/grants/{created.json()['id']}/revoke/")
    assert (revoked.status_code, revoked.json()["in_force"]) == (200, False)
    refused(clerk)


def test_a_signer_read_earlier_is_checked_by_the_signatures_own_insert() -> None:
    """The second signature asks nothing before it writes: its INSERT writes only if the licence, grant and key
    still stand (one statement where a check and a write were two)."""
    boss, clerk = firm()
    give(boss, clerk)
    submit(clerk)  # the signer read and kept by the process
    organisation = clerk.organisation
    assert organisation is not None
    with CaptureQueriesContext(connection) as queries:
        signature = elicence.submission_sign(user=clerk, organisation=organisation, matter=Matter.DECLARATION,
                                             object_type="test", object_id="2", digest="ab" * 32)  # fmt: skip
    statements = [q["sql"].split(" ", 1)[0] for q in queries.captured_queries]
    assert statements == ["INSERT", "INSERT"]  # the signature, its audit entry
    assert elicence.signature_verify(SubmissionSignature.objects.get(pk=signature.pk), digest="ab" * 32)


def test_a_grant_revoked_behind_the_processs_back_signs_nothing_more() -> None:
    """Revoked in the database (by another process): what this process read earlier no longer stands, is read
    again and refused; nothing is written."""
    boss, clerk = firm()
    grant = give(boss, clerk)
    submit(clerk)
    AgentGrant.objects.filter(pk=grant.pk).update(revoked_at=timezone.now())
    _declaration, error = refused(clerk)
    assert [p.code for p in error.found] == ["grant_revoked"]


def test_in_a_signing_session_a_signer_no_longer_standing_is_not_kept_for_the_next() -> None:
    boss, clerk = firm()
    grant = give(boss, clerk)
    submit(clerk)
    organisation = clerk.organisation
    assert organisation is not None
    AgentGrant.objects.filter(pk=grant.pk).update(revoked_at=timezone.now())
    with elicence.signing_session():
        for object_id in ("1", "2"):  # the second is refused as the first was: no stale signer kept between them
            # each in a savepoint of its own, as a batch submission signs each declaration
            with pytest.raises(elicence.SignatureRefused), transaction.atomic():
                elicence.submission_sign(user=clerk, organisation=organisation, matter=Matter.DECLARATION,
                                         object_type="test", object_id=object_id, digest="ab" * 32)  # fmt: skip
    assert not SubmissionSignature.objects.filter(object_type="test").exists()


def test_another_organisations_grant_is_404_on_page_and_api() -> None:
    boss, clerk = firm()
    grant = give(boss, clerk)
    other_boss, _ = firm()
    assert web(other_boss).post(f"/elicence/grants/{grant.pk}/revoke/").status_code == 404
    assert api(other_boss).get(f"/api/v1/elicence/grants/{grant.pk}/").status_code == 404
    assert api(other_boss).post(f"/api/v1/elicence/grants/{grant.pk}/revoke/").status_code == 404
    assert AgentGrant.objects.get(pk=grant.pk).revoked_at is None


def test_the_licence_page_lets_the_legal_representative_manage_it() -> None:
    boss, clerk = firm()
    page = web(boss)
    assert page.get("/elicence/").status_code == 200
    response = page.post("/elicence/grants/", {"person": clerk.pk, "full": "0", "matters": ["vessel"],
                                                "valid_from": str(TODAY()), "valid_until": str(TODAY())})  # fmt: skip
    assert response.status_code == 302
    grant = AgentGrant.objects.get(person=clerk)
    assert (grant.full, grant.matters) == (False, ["vessel"])
    assert f'id="grant-{grant.pk}"' in web(clerk).get("/elicence/").content.decode()
    assert page.post(f"/elicence/grants/{grant.pk}/revoke/").status_code == 302
    assert AgentGrant.objects.get(pk=grant.pk).revoked_at is not None


# Presentation ----------------------------------------------------------------------------------------


def test_a_shown_licence_is_good_for_5_minutes() -> None:
    boss, _clerk = firm()
    officer = factories.officer(Agency.CUSTOMS)
    now = timezone.now()
    token = elicence.presentation_create(user=boss, now=now)
    _token, good = elicence.presentation_scan(
        user=officer, nonce=token.nonce, now=now + timedelta(minutes=4, seconds=59)
    )
    assert good
    _token, good = elicence.presentation_scan(user=officer, nonce=token.nonce, now=now + timedelta(minutes=5))
    assert not good
    token.refresh_from_db()
    assert token.verified_by == officer


def test_the_officer_sees_the_firms_public_facts_and_expired_after_5_minutes() -> None:
    boss, _clerk = firm()
    officer = web(factories.officer(Agency.CUSTOMS))
    shown = web(boss).post("/elicence/present/")
    assert shown.status_code == 200 and "data:image/png;base64," in shown.content.decode()
    token = elicence.presentations_of(user=boss).get()
    page = officer.get(f"/elicence/scan/{token.nonce}/")
    assert page.status_code == 200 and boss.organisation.uscc in page.content.decode()  # type: ignore[union-attr]
    later = timezone.now() + timedelta(minutes=5, seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        page = officer.get(f"/elicence/scan/{token.nonce}/")
    assert page.status_code == 200 and 'id="expired"' in page.content.decode()
    assert boss.organisation.uscc not in page.content.decode()  # type: ignore[union-attr]


def test_only_officers_open_a_shown_licence() -> None:
    boss, clerk = firm()
    token = elicence.presentation_create(user=boss)
    for someone in (clerk, boss, factories.clerk(), factories.broker()):
        assert web(someone).get(f"/elicence/scan/{token.nonce}/").status_code == 404
        assert api(someone).get(f"/api/v1/elicence/scans/{token.nonce}/").status_code == 404
    response = api(factories.officer(Agency.INSPECTION)).get(f"/api/v1/elicence/scans/{token.nonce}/")
    assert response.status_code == 200 and response.json()["valid"] is True


def test_a_clerk_without_a_grant_cannot_show_the_licence() -> None:
    _boss, clerk = firm()
    assert api(clerk).post("/api/v1/elicence/presentations/").status_code == 403


# Existing organisations ------------------------------------------------------------------------------


def test_organisations_already_there_get_a_licence_and_their_people_a_standing_grant() -> None:
    org = factories.enterprise()
    boss = factories.clerk(org, role=Role.MANAGER, grant=False)
    clerk = factories.clerk(org, grant=False)
    officer = factories.officer()
    given = backfill(organisations=Organisation, users=User, licences=ELicence, grants=AgentGrant)
    assert ELicence.objects.get(organisation=org).legal_representative == boss
    assert not ELicence.objects.filter(organisation__kind=OrganisationKind.AGENCY).exists()
    grant = AgentGrant.objects.get(person=clerk)
    assert (grant.full, grant.valid_until - grant.valid_from) == (True, timedelta(days=365))
    assert not AgentGrant.objects.filter(person__in=[boss, officer]).exists()
    assert given >= 1
    assert backfill(organisations=Organisation, users=User, licences=ELicence, grants=AgentGrant) == 0
    assert signature_of(submit(clerk)[1]).grant == grant


def test_signatures_are_sm2_with_sm3_as_gmssl_itself_makes_and_checks_them() -> None:
    private, public = elicence_keys.key_pair_new()
    ours = elicence_keys.sign(b"submission", private_hex=private, public_hex=public)
    crypt = sm2.CryptSM2(private_key=private, public_key="")
    crypt.public_key = public
    assert crypt.verify_with_sm3(ours, b"submission")
    theirs = crypt.sign_with_sm3(b"submission", f"{secrets.randbelow(2**250) + 1:064x}")
    assert elicence_keys.verify(b"submission", theirs, public_hex=public)
    assert not elicence_keys.verify(b"submission!", theirs, public_hex=public)


def test_sm3_is_the_standards_digest_and_gmssls() -> None:
    # GB/T 32905-2016, appendix A.1: "abc"
    assert elicence_keys.sm3(b"abc").hex() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    long = bytes(range(256)) * 3
    assert elicence_keys.sm3(long).hex() == sm3.sm3_hash(func.bytes_to_list(long))
