"""An agency's system sends credit records as a CSV file signed with its own key: the source agency is
the signer, never a column; a refused file stores nothing."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from credit.models import Classification, CreditRecord
from singlewindow.models import Organisation
from singlewindow.signatures import new_private_text, private_key, sign, signing_key_id

from .. import factories

pytestmark = pytest.mark.django_db
URL = "/api/v1/agency-gateway/credit-records/"
HEADER = "uscc,record_id,kind,penalty_type,amount,legal_basis,decided_at,source_agency"


def send(client: Client, body: bytes, key_text: str) -> tuple[int, dict]:
    key = private_key(key_text)
    response = client.post(
        URL, body, content_type="text/csv", HTTP_X_KEY_ID=signing_key_id(key), HTTP_X_SIGNATURE=sign(body, key)
    )
    return response.status_code, response.json()


@pytest.fixture
def firm() -> Organisation:
    return factories.enterprise()


def test_a_signed_file_is_stored_under_the_signing_agency_and_the_firm_reclassified(
    client: Client, firm: Organisation
) -> None:
    # A column naming another agency is no field of a record: the key that signed decides.
    body = f"{HEADER}\n{firm.uscc},C-1,penalty,fine,2000000,《海关行政处罚实施条例》第十五条,2026-11-02,inspection\n"
    status, answer = send(client, body.encode("utf-8-sig"), settings.TEST_PRIVATE_KEYS["customs"])

    assert (status, answer["stored"], answer["agency"]) == (201, 1, "customs")
    assert list(CreditRecord.objects.values_list("source_agency", "channel", "record_id")) == [
        ("customs", "signed", "C-1")
    ]
    assert Classification.objects.filter(uscc=firm.uscc, current=True).exclude(klass="").exists()


def test_an_unsigned_or_foreign_signed_file_is_refused_and_stores_nothing(client: Client, firm: Organisation) -> None:
    body = f"{HEADER.removesuffix(',source_agency')}\n{firm.uscc},C-1,penalty,fine,1,x,2026-11-02\n".encode()

    assert client.post(URL, body, content_type="text/csv").status_code == 401
    assert send(client, body, new_private_text())[0] == 401  # a key the portal never enrolled
    assert send(client, body, settings.PORTAL_SIGNING_KEY)[0] == 401  # the portal's own key is no agency's
    assert not CreditRecord.objects.exists()


def test_a_bad_row_refuses_the_whole_file_with_row_and_field(client: Client, firm: Organisation) -> None:
    header = HEADER.removesuffix(",source_agency")
    body = f"{header}\n{firm.uscc},C-1,penalty,fine,1,x,2026-11-02\n{firm.uscc},C-2,penalty,fine,abc,x,2026-11-03\n"

    status, answer = send(client, body.encode(), settings.TEST_PRIVATE_KEYS["inspection"])

    assert status == 400
    assert [error["field"] for error in answer["errors"]] == ["rows[1].amount"]
    assert not CreditRecord.objects.exists()
