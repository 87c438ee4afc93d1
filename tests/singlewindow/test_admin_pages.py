"""The platform administrator's admin: broker delegations, API tokens and notifications looked up (and a
delegation or a token revoked through the services, into the audit trail), never edited; a user's
language set on their form; the audit trail readable and filtered by date."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from singlewindow import tokens
from singlewindow.choices import DelegationStatus, OrganisationKind, Role
from singlewindow.models import AuditEntry, Delegation, Notification, User
from singlewindow.notification_kinds import registered

from .. import factories
from ..clients import web

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user() -> User:
    org = factories.OrganisationFactory(kind=OrganisationKind.PLATFORM, customs_code="", inspection_code="")
    return factories.UserFactory(organisation=org, role=Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(admin_user: User) -> Client:
    return web(admin_user)


def english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


# Delegations ----------------------------------------------------------------------------------------


def test_the_administrator_finds_a_brokers_delegations_by_client(admin_client: Client) -> None:
    client_firm = factories.enterprise(name="查找委托有限公司")
    broker = factories.broker(client_firm)
    factories.broker(factories.enterprise())  # someone else's
    page = admin_client.get("/admin/singlewindow/delegation/", {"q": "查找委托"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "查找委托有限公司" in body and broker.organisation.name in body
    assert page.context_data["cl"].result_count == 1


def test_a_delegation_is_not_edited_in_the_admin(admin_client: Client) -> None:
    delegation = Delegation.objects.get(broker=factories.broker(factories.enterprise()).organisation)
    change = admin_client.get(f"/admin/singlewindow/delegation/{delegation.pk}/change/")
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
    assert admin_client.get("/admin/singlewindow/delegation/add/").status_code == 403


def test_revoking_a_delegation_in_the_admin_goes_through_the_service_and_the_audit_trail(
    admin_client: Client, admin_user: User
) -> None:
    broker = factories.broker(factories.enterprise())
    delegation = Delegation.objects.get(broker=broker.organisation)
    response = admin_client.post(
        "/admin/singlewindow/delegation/", {"action": "revoke", ACTION_CHECKBOX_NAME: [delegation.pk]}, follow=True
    )
    assert response.status_code == 200
    delegation.refresh_from_db()
    assert delegation.status == DelegationStatus.REVOKED
    entry = AuditEntry.objects.get(action="delegation.revoked", object_id=str(delegation.pk))
    assert entry.actor == admin_user and entry.after == {"status": "revoked", "by_operator": True}


# API tokens -----------------------------------------------------------------------------------------


def test_the_administrator_finds_a_users_tokens_and_never_sees_their_digest(admin_client: Client) -> None:
    clerk = factories.clerk(username="erp_clerk_7")
    token, key = tokens.token_create(user=clerk, name="ERP")
    tokens.token_create(user=factories.clerk(), name="other")
    listing = admin_client.get("/admin/singlewindow/apitoken/", {"q": "erp_clerk_7"})
    assert listing.status_code == 200 and listing.context_data["cl"].result_count == 1
    shown = admin_client.get(f"/admin/singlewindow/apitoken/{token.pk}/change/")
    assert shown.status_code == 200
    for page in (listing, shown):
        body = page.content.decode()
        assert token.prefix in body
        assert token.digest not in body and key not in body and "digest" not in body
    assert 'name="_save"' not in shown.content.decode()  # nothing to edit
    assert admin_client.get("/admin/singlewindow/apitoken/add/").status_code == 403


def test_revoking_a_token_in_the_admin_goes_through_the_service_and_the_audit_trail(
    admin_client: Client, admin_user: User
) -> None:
    clerk = factories.clerk()
    token, key = tokens.token_create(user=clerk, name="ERP")
    response = admin_client.post(
        "/admin/singlewindow/apitoken/", {"action": "revoke", ACTION_CHECKBOX_NAME: [token.pk]}, follow=True
    )
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert tokens.token_user(key=key) is None  # the key authenticates nobody any more
    # one entry, the operator's: the token's owner did nothing
    assert not AuditEntry.objects.filter(action="api_token.revoked", object_id=str(token.pk)).exists()
    by_admin = AuditEntry.objects.get(action="api_token.revoked_in_admin", object_id=str(token.pk))
    assert by_admin.actor == admin_user


# Notifications --------------------------------------------------------------------------------------


def test_the_administrator_sees_whether_a_notification_was_emailed_and_cannot_change_it(admin_client: Client) -> None:
    clerk = factories.clerk(username="notified_clerk")
    kind = registered()[0]
    note = Notification.objects.create(recipient=clerk, kind=kind.key, emailed_at=timezone.now() - timedelta(hours=1))
    listing = admin_client.get("/admin/singlewindow/notification/", {"q": "notified_clerk"})
    assert listing.status_code == 200 and listing.context_data["cl"].result_count == 1
    change = admin_client.get(f"/admin/singlewindow/notification/{note.pk}/change/")
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
    assert admin_client.get("/admin/singlewindow/notification/add/").status_code == 403


# Users ----------------------------------------------------------------------------------------------


def test_the_user_form_has_the_language_in_a_translated_portal_fieldset(admin_client: Client) -> None:
    clerk = factories.clerk()
    page = admin_client.get(f"/admin/singlewindow/user/{clerk.pk}/change/").content.decode()
    assert 'name="language"' in page
    assert "单一窗口" in page and ">Portal<" not in page


def test_the_administrator_sets_a_users_language(admin_client: Client) -> None:
    clerk = factories.clerk()
    form = admin_client.get(f"/admin/singlewindow/user/{clerk.pk}/change/").context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.update(
        {
            "organisation": clerk.organisation_id,
            "date_joined_0": clerk.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": clerk.date_joined.strftime("%H:%M:%S"),
            "language": "en",
            "groups": [],
            "user_permissions": [],
        }
    )
    data.pop("date_joined", None)
    data.pop("last_login", None)
    response = admin_client.post(f"/admin/singlewindow/user/{clerk.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    clerk.refresh_from_db()
    assert clerk.language == "en"


# The audit trail ------------------------------------------------------------------------------------


def test_the_audit_trail_shows_readable_actions_and_filters_by_date(admin_client: Client) -> None:
    clerk = factories.clerk()
    tokens.token_create(user=clerk, name="ERP")
    AuditEntry.objects.create(actor=clerk, action="custom.unlabelled", object_type="x.y", object_id="1")
    page = english(admin_client).get("/admin/singlewindow/auditentry/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "API token made" in body  # api_token.created, by its label
    assert "custom.unlabelled" in body  # no label: the code
    assert page.context_data["cl"].date_hierarchy == "at"
    assert clerk.organisation.name in body  # the organisation column
    filtered = admin_client.get("/admin/singlewindow/auditentry/", {"action": "api_token.created"})
    assert filtered.context_data["cl"].result_count == 1


def test_only_staff_may_revoke_as_the_operator(db: None) -> None:
    clerk = factories.clerk()
    token, _key = tokens.token_create(user=clerk, name="ERP")
    with pytest.raises(PermissionDenied):
        tokens.token_revoke_as_operator(user=factories.clerk(), token=token)
    token.refresh_from_db()
    assert token.revoked_at is None
