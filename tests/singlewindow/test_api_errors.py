"""Every refusal of the API comes in its one documented shape, {"errors": [{"field", "code", "message"}]},
with DRF's stable code and a message in the request's language; the headers a client acts on
(WWW-Authenticate, Allow, Retry-After) stay. A 404 says the same whatever was looked for."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from singlewindow import tokens
from singlewindow.models import User

from .. import factories

ZH, EN = "zh-hans", "en"
PROPOSAL = {"counterparty_uscc": "91110000000000000X", "valid_from": "2026-01-01", "valid_until": "2026-12-31"}


@pytest.fixture(autouse=True)
def _no_failed_tokens_counted_yet() -> None:
    """Failed token authentications are counted per address for a minute: other tests' do not count here."""
    cache.clear()


def keyed(user: User | None, language: str) -> APIClient:
    """An ERP's client: the user's API token (none for None), asking for answers in `language`."""
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {tokens.token_create(user=user)[1]}")
    return client


@dataclass
class Case:
    status: int
    code: str
    call: Callable[[APIClient], HttpResponse]
    message: dict[str, str]
    authenticated: bool = True


CASES = {
    "bad_json": Case(
        400,
        "parse_error",
        lambda c: c.post("/api/v1/delegations/", "{bad json", content_type="application/json"),
        {
            EN: "JSON parse error - Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
            ZH: "JSON 解析错误：Expecting property name enclosed in double quotes: line 1 column 2 (char 1)",
        },
    ),
    "no_credentials": Case(
        401,
        "not_authenticated",
        lambda c: c.get("/api/v1/declarations/"),
        {EN: "Authentication credentials were not provided.", ZH: "身份认证信息未提供。"},
        authenticated=False,
    ),
    "unknown_token": Case(
        401,
        "authentication_failed",
        lambda c: c.get("/api/v1/declarations/", HTTP_AUTHORIZATION="Token nonsense"),
        {EN: "Invalid, expired or revoked token.", ZH: "令牌无效、已过期或已撤销。"},
        authenticated=False,
    ),
    "not_allowed": Case(  # a declarant is not the enterprise's manager, who decides its delegations
        403,
        "permission_denied",
        lambda c: c.post("/api/v1/delegations/", PROPOSAL, format="json"),
        {EN: "You do not have permission to perform this action.", ZH: "您没有执行该操作的权限。"},
    ),
    "no_such_declaration": Case(  # DRF's get_object: Django's "No Declaration matches the given query."
        404,
        "not_found",
        lambda c: c.get("/api/v1/declarations/99999/"),
        {EN: "Not found.", ZH: "未找到。"},
    ),
    "no_such_declaration_to_submit": Case(  # the declarations' own selector
        404,
        "not_found",
        lambda c: c.post("/api/v1/declarations/99999/submit/"),
        {EN: "Not found.", ZH: "未找到。"},
    ),
    "no_such_token": Case(
        404,
        "not_found",
        lambda c: c.get("/api/v1/tokens/99999/"),
        {EN: "Not found.", ZH: "未找到。"},
    ),
    "method": Case(
        405,
        "method_not_allowed",
        lambda c: c.delete("/api/v1/declarations/"),
        {EN: 'Method "DELETE" not allowed.', ZH: "方法 “DELETE” 不被允许。"},
    ),
    "accept": Case(
        406,
        "not_acceptable",
        lambda c: c.get("/api/v1/declarations/", HTTP_ACCEPT="application/xml"),
        {EN: "Could not satisfy the request Accept header.", ZH: "无法满足Accept HTTP头的请求。"},
    ),
    "media_type": Case(
        415,
        "unsupported_media_type",
        lambda c: c.post("/api/v1/delegations/", "x", content_type="text/plain"),
        {EN: 'Unsupported media type "text/plain" in request.', ZH: "不支持请求中的媒体类型 “text/plain”。"},
    ),
}


def errors(answer: HttpResponse) -> list[dict[str, str]]:
    assert answer["Content-Type"] == "application/json", answer["Content-Type"]
    body = answer.json()
    assert list(body) == ["errors"], body
    return body["errors"]


@pytest.mark.parametrize("language", [ZH, EN])
@pytest.mark.parametrize("name", list(CASES))
def test_each_refusal_comes_in_the_documented_shape_in_the_request_language(db: None, name: str, language: str) -> None:
    case = CASES[name]
    answer = case.call(keyed(factories.clerk() if case.authenticated else None, language))
    assert answer.status_code == case.status
    assert errors(answer) == [{"field": "", "code": case.code, "message": case.message[language]}]


def test_a_refusal_for_credentials_asks_for_a_token(db: None) -> None:
    for client in (APIClient(), keyed(None, EN)):
        answer = client.get("/api/v1/declarations/", HTTP_AUTHORIZATION="Token nonsense")
        assert answer.status_code == 401 and answer["WWW-Authenticate"] == "Token"
        answer = client.get("/api/v1/declarations/")
        assert answer.status_code == 401 and answer["WWW-Authenticate"] == "Token"


def test_a_method_not_allowed_says_which_are(db: None) -> None:
    answer = keyed(factories.clerk(), EN).delete("/api/v1/declarations/")
    assert answer.status_code == 405 and "GET" in answer["Allow"] and "POST" in answer["Allow"]


@pytest.fixture
def tight_user_rate(monkeypatch: pytest.MonkeyPatch) -> None:
    at = (time.time() // 60) * 60 + 1
    monkeypatch.setattr(SimpleRateThrottle, "timer", staticmethod(lambda: at))
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "user", "1/min")
    cache.clear()


@pytest.mark.parametrize(
    ("language", "message"),
    [(EN, "Request was throttled. Expected available in 59 seconds."), (ZH, "请求已被限流。 预计 59 秒后可用。")],
)
def test_a_throttled_request_comes_in_the_documented_shape(
    db: None, tight_user_rate: None, language: str, message: str
) -> None:
    client = keyed(factories.clerk(), language)
    assert client.get("/api/v1/declarations/").status_code == 200
    answer = client.get("/api/v1/declarations/")
    assert answer.status_code == 429 and answer["Retry-After"] == "59"
    assert errors(answer) == [{"field": "", "code": "throttled", "message": message}]


def test_validation_errors_keep_their_field_paths(db: None) -> None:
    answer = keyed(factories.clerk(), EN).post("/api/v1/delegations/", {"valid_from": "x"}, format="json")
    assert answer.status_code == 400
    fields = {error["field"]: error["code"] for error in errors(answer)}
    assert fields == {"counterparty_uscc": "required", "valid_from": "invalid", "valid_until": "required"}


@pytest.mark.parametrize(("language", "message"), [("en", "Not found."), ("zh-hans", "未找到。")])
def test_an_api_address_no_route_matches_is_a_404_in_the_api_shape(
    db: None, settings: Any, language: str, message: str
) -> None:
    settings.DEBUG = False  # Django's own debug page otherwise
    answer = APIClient().get("/api/v1/no-such-thing/", HTTP_ACCEPT_LANGUAGE=language)
    assert answer.status_code == 404 and answer["Content-Type"] == "application/json"
    assert answer.json() == {"errors": [{"field": "", "code": "not_found", "message": message}]}
    page = APIClient().get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")
