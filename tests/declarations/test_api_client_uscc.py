"""Who a new draft is for, through the API: a customs broker names its client by `client_uscc` and is told
exactly what is wrong with it (missing, not a USCC, no delegation in force for this client and kind); an
enterprise declares only for itself and a `client_uscc` naming another firm is refused, never ignored."""

from __future__ import annotations

import pytest

from declarations.models import Declaration
from singlewindow.models import Organisation

from .. import factories
from ..clients import api
from .test_api import payload

pytestmark = pytest.mark.django_db

URL = "/api/v1/declarations/"


def refused(response: object, status: int) -> dict[str, str]:
    assert response.status_code == status, response.content  # type: ignore[attr-defined]
    [error] = response.json()["errors"]  # type: ignore[attr-defined]
    return error


def test_a_broker_without_client_uscc_is_told_to_give_it() -> None:
    broker = factories.broker(factories.enterprise())
    for body in (payload(), {**payload(), "client_uscc": ""}):
        error = refused(api(broker).post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE="en"), 400)
        assert (error["field"], error["code"]) == ("client_uscc", "required")
        assert "unified social credit code of the client" in error["message"]
    assert not Declaration.objects.exists()


def test_a_broker_giving_a_malformed_uscc_gets_400_on_the_field() -> None:
    broker = factories.broker(factories.enterprise())
    body = {**payload(), "client_uscc": "NOTAUSCC"}
    error = refused(api(broker).post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans"), 400)
    assert (error["field"], error["code"]) == ("client_uscc", "invalid")
    assert error["message"] == "统一社会信用代码无效（校验码错误）。"
    assert not Declaration.objects.exists()


def test_a_broker_without_a_delegation_from_that_client_gets_403_saying_so() -> None:
    stranger = factories.enterprise()
    broker = factories.broker(factories.enterprise())
    body = {**payload(), "client_uscc": stranger.uscc}
    error = refused(api(broker).post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE="en"), 403)
    assert (error["field"], error["code"]) == ("client_uscc", "no_delegation")
    assert error["message"] == (
        f"There is no delegation in force from the enterprise {stranger.uscc} to you that covers General trade."
    )
    assert not Declaration.objects.exists()


def test_a_delegation_for_other_kinds_is_refused_naming_the_kind_asked_for() -> None:
    client = factories.enterprise()
    broker = factories.broker(client, kinds=["express"])
    body = {**payload(), "client_uscc": client.uscc}
    error = refused(api(broker).post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans"), 403)
    assert (error["field"], error["code"]) == ("client_uscc", "no_delegation")
    assert client.uscc in error["message"] and "一般贸易" in error["message"]
    created = api(broker).post(URL, {**body, "kind": "express"}, format="json")
    assert created.status_code == 201, created.content


def test_an_enterprise_naming_another_firm_as_client_is_refused_not_ignored() -> None:
    clerk, other = factories.clerk(), factories.enterprise()
    body = {**payload(), "client_uscc": other.uscc}
    error = refused(api(clerk).post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE="en"), 400)
    assert (error["field"], error["code"]) == ("client_uscc", "own_declarations_only")
    assert error["message"] == "An enterprise declares only for itself; only a customs broker declares for a client."
    assert not Declaration.objects.exists()


def test_an_enterprise_may_name_itself_or_leave_client_uscc_out() -> None:
    clerk = factories.clerk()
    own: Organisation = clerk.organisation  # type: ignore[assignment]
    for body in (payload(), {**payload(), "client_uscc": own.uscc}, {**payload(), "client_uscc": ""}):
        created = api(clerk).post(URL, body, format="json")
        assert created.status_code == 201, created.content
        assert created.json()["domestic_party_uscc"] == own.uscc
