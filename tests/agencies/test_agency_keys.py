"""One key per agency: the key that signed a receipt decides whom it speaks for; keys rotate; the portal
signs what it sends; no published or shared key passes `check --deploy`."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client, TestCase

from agencies.apps import AGENCIES
from agencies.checks import secrets_check
from agencies.models import QuarantinedReceipt, ReceiptBatch
from agencies.signing import signed_headers
from declarations import services
from declarations.models import Declaration, Event
from singlewindow.models import User
from singlewindow.settings import AgencyPublicKeys
from singlewindow.signatures import (
    development_private_text,
    key_id,
    new_private_text,
    private_key,
    public_key,
    public_text,
    sign,
    verify,
)

from .. import factories
from .receipts import branch, envelope, post, receipt

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(user_a: User) -> Declaration:
    declaration = factories.valid_draft(user_a)
    services.declaration_submit(declaration=declaration, user=user_a)
    declaration.refresh_from_db()
    return declaration


def test_an_agency_cannot_release_another_agencys_branch(client: Client, submitted: Declaration) -> None:
    customs = branch(submitted, "customs")
    body = envelope(receipt(customs, "received", 1), receipt(customs, "released", 2))

    response = post(client, body, agency="inspection")  # inspection's system, naming customs in the body

    assert response.status_code == 400
    assert "signed by inspection but speaks for customs" in response.json()["error"]
    assert not Event.objects.filter(agency="customs", receipt_id__isnull=False).exists()
    assert QuarantinedReceipt.objects.get().agency == "inspection"
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_a_receipt_signed_by_its_own_agency_is_kept_with_its_signer(client: Client, submitted: Declaration) -> None:
    customs = branch(submitted, "customs")

    assert post(client, envelope(receipt(customs, "received", 1)), agency="customs").status_code == 202

    assert ReceiptBatch.objects.get().agency == "customs"
    assert Event.objects.filter(agency="customs", kind="received").exists()


def test_an_unknown_key_or_the_published_development_key_is_refused(client: Client, submitted: Declaration) -> None:
    body = envelope(receipt(branch(submitted, "customs"), "released", 1))
    for text in (new_private_text(), development_private_text("customs")):
        key = private_key(text)
        headers = {"HTTP_X_KEY_ID": key_id(public_text(text)), "HTTP_X_SIGNATURE": sign(body, key)}
        response = client.post("/api/v1/agency-gateway/receipts/", body, content_type="application/xml", **headers)
        assert response.status_code == 401
    assert not Event.objects.filter(receipt_id__isnull=False).exists()
    assert not ReceiptBatch.objects.exists()


def test_two_keys_are_valid_while_one_is_rotated_out(client: Client, submitted: Declaration, settings) -> None:  # type: ignore[no-untyped-def]
    old = settings.TEST_PRIVATE_KEYS["customs"]
    new = new_private_text()
    customs = branch(submitted, "customs")
    keys = AgencyPublicKeys(settings.AGENCY_PUBLIC_KEYS)

    def send(text: str, body: bytes) -> int:
        key = private_key(text)
        headers = {"HTTP_X_KEY_ID": key_id(public_text(text)), "HTTP_X_SIGNATURE": sign(body, key)}
        with TestCase.captureOnCommitCallbacks(execute=True):
            response = client.post("/api/v1/agency-gateway/receipts/", body, content_type="application/xml", **headers)
        return response.status_code

    settings.AGENCY_PUBLIC_KEYS = AgencyPublicKeys({**keys, "customs": [public_text(old), public_text(new)]})
    assert send(old, envelope(receipt(customs, "received", 1))) == 202
    assert send(new, envelope(receipt(customs, "accepted", 2))) == 202

    settings.AGENCY_PUBLIC_KEYS = AgencyPublicKeys({**keys, "customs": [public_text(new)]})  # rotation done
    assert send(old, envelope(receipt(customs, "released", 3))) == 401
    assert list(Event.objects.filter(agency="customs", receipt_id__isnull=False).values_list("kind", flat=True)) == [
        "received",
        "accepted",
    ]


def test_receipt_ids_are_unique_per_agency_not_across_agencies(client: Client, submitted: Declaration) -> None:
    for agency in ("customs", "inspection"):
        body = envelope(receipt(branch(submitted, agency), "received", 1, receipt_id="R-1"))
        assert post(client, body).status_code == 202
        assert post(client, body).status_code == 202  # the same receipt again: stored once

    assert sorted(Event.objects.filter(receipt_id="R-1").values_list("agency", flat=True)) == ["customs", "inspection"]


def test_the_portal_signs_what_it_sends_with_its_own_key(settings) -> None:  # type: ignore[no-untyped-def]
    body = b"<DecMessage/>"
    headers = signed_headers(body)
    portal = public_text(settings.PORTAL_SIGNING_KEY)

    assert headers["X-Key-Id"] == key_id(portal)
    assert verify(body, headers["X-Signature"], public_key(portal))
    assert not verify(body + b" ", headers["X-Signature"], public_key(portal))
    customs = public_key(settings.AGENCY_PUBLIC_KEYS["customs"][0])
    assert not verify(body, headers["X-Signature"], customs)


def _ids(settings) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(error.id for error in secrets_check(None))


def test_deploy_check_refuses_published_missing_or_shared_keys(settings) -> None:  # type: ignore[no-untyped-def]
    settings.SECRET_KEY = "x" * 64
    assert _ids(settings) == []  # the tests' own keys

    settings.PORTAL_SIGNING_KEY = development_private_text("portal")
    settings.AGENCY_PUBLIC_KEYS = AgencyPublicKeys()  # nothing set: the development keys
    assert _ids(settings) == ["agencies.E002", *["agencies.E003"] * len(AGENCIES)]

    shared = new_private_text()
    settings.PORTAL_SIGNING_KEY = shared
    settings.AGENCY_PUBLIC_KEYS = AgencyPublicKeys(
        {
            "customs": [public_text(shared)],
            **{a: [public_text(new_private_text())] for a in AGENCIES if a not in ("customs", "maritime")},
        }
    )
    settings.AGENCY_PUBLIC_KEYS["maritime"] = settings.AGENCY_PUBLIC_KEYS["border"]
    assert _ids(settings) == ["agencies.E004", "agencies.E004"]

    settings.AGENCY_PUBLIC_KEYS["customs"] = ["not a key"]
    settings.SECRET_KEY = "insecure-development-key-change-me"
    assert "agencies.E001" in _ids(settings)


def test_deploy_check_fails_the_command_not_only_warns(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PORTAL_SIGNING_KEY = development_private_text("portal")
    with pytest.raises(SystemCheckError, match="PORTAL_SIGNING_KEY"):
        call_command("check", deploy=True, fail_level="ERROR")
