"""No 500 for what a hostile or careless client sends: malformed ids, non-ASCII digits, JSON nested
thousands deep, a NUL character in the query: each is a 400 or a 404."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from drf_spectacular.generators import SchemaGenerator

from .. import factories
from ..clients import api, web

ARABIC_12 = "١٢"  # Arabic-Indic digits
FULLWIDTH_12 = "１２"
SUPERSCRIPT_2 = "²"  # str.isdigit() says yes, int() says no


@pytest.fixture
def clerk(db: None):  # type: ignore[no-untyped-def]
    return factories.clerk()


@pytest.mark.parametrize(
    "path",
    [
        f"/declarations/{FULLWIDTH_12}/",
        f"/declarations/{ARABIC_12}/edit/",
        f"/api/v1/declarations/{FULLWIDTH_12}/",
        "/api/v1/declarations/abc/submit/",
        f"/api/v1/declarations/{SUPERSCRIPT_2}/versions/",
        "/api/v1/delegations/abc/confirm/",
        f"/api/v1/delegations/{SUPERSCRIPT_2}/revoke/",
        "/api/v1/tokens/abc/",
    ],
)
def test_a_malformed_id_is_a_404(clerk, path: str) -> None:  # type: ignore[no-untyped-def]
    page = web(clerk) if not path.startswith("/api/") else api(clerk)
    assert page.get(path).status_code in {404, 405}
    assert page.post(path).status_code in {404, 405}


@pytest.mark.parametrize(
    "query",
    [{"page": ARABIC_12}, {"page": SUPERSCRIPT_2}, {"q": ARABIC_12}, {"status": FULLWIDTH_12}],
)
@pytest.mark.parametrize("path", ["/declarations/", "/api/v1/declarations/", "/declarations/hs/", "/notifications/"])
def test_non_ascii_digits_in_the_query_are_no_error(clerk, path: str, query: dict) -> None:  # type: ignore[no-untyped-def]
    client = api(clerk) if path.startswith("/api/") else web(clerk)
    assert client.get(path, query).status_code in {200, 400, 404}


def test_a_superscript_notification_id_is_no_error(clerk) -> None:  # type: ignore[no-untyped-def]
    assert web(clerk).post("/notifications/read/", {"notification": SUPERSCRIPT_2}).status_code == 302


@pytest.mark.parametrize(
    "path",
    [
        "/verify/port-clearance/CNSHA2025E0000123/abc/?x=%00",
        "/verify/port-clearance/CNSHA%002025/abc/",
        "/declarations/hs/?q=84%0071",
        "/credit/?q=%00",
    ],
)
def test_a_nul_character_in_the_address_is_a_400(db: None, path: str) -> None:
    assert Client().get(path).status_code == 400
    assert web(factories.clerk()).get(path).status_code == 400


def test_a_nul_character_in_the_api_query_is_a_400(clerk) -> None:  # type: ignore[no-untyped-def]
    assert api(clerk).get("/api/v1/hs/", {"q": "84\x0071"}).status_code == 400


def deep(depth: int) -> str:
    return "[" * depth + "]" * depth


def operations_taking_json() -> list[tuple[str, str]]:
    """(method, path) of every API operation with a JSON body, ids filled in with 1."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {}) if isinstance(operation, dict) else {}
            if "application/json" in content:
                found.append((method, re.sub(r"\{[^}]+\}", "1", path)))
    return found


def test_json_nested_5000_deep_is_a_400_at_every_api_operation(clerk) -> None:  # type: ignore[no-untyped-def]
    operations = operations_taking_json()
    assert len(operations) >= 5
    client = api(clerk)
    body = deep(5000)
    for method, path in operations:
        answer = getattr(client, method)(path, body, content_type="application/json")
        assert answer.status_code in {400, 404}, (method, path, answer.status_code)


def test_json_nested_in_strings_is_not_counted(clerk) -> None:  # type: ignore[no-untyped-def]
    from singlewindow.api.parsers import nesting_depth

    assert nesting_depth(json.dumps({"a": "[[[[[[" * 100, "b": [[1]]}).encode()) == 3


@pytest.mark.parametrize("text", ["bad\x01text", "\x1b[31m", "lone \ud800 surrogate"])
def test_json_text_with_control_characters_is_a_400(clerk, text: str) -> None:  # type: ignore[no-untyped-def]
    """XML (every agency message, every export) cannot hold them; before, a declaration saved with one
    made its export a 500."""
    body = json.dumps({"counterparty_uscc": text, "valid_from": "2026-01-01", "valid_until": "2026-12-31"})
    assert api(clerk).post("/api/v1/delegations/", body, content_type="application/json").status_code == 400


@pytest.mark.parametrize("revision", [SUPERSCRIPT_2, ARABIC_12, "x", ""])
def test_a_malformed_revision_number_is_a_404(clerk, revision: str) -> None:  # type: ignore[no-untyped-def]
    draft = factories.valid_draft(clerk, lines=1, documents=False)
    assert web(clerk).get(f"/declarations/{draft.pk}/", {"revision": revision}).status_code == 404


# Refusals before any view: in the request's language; on the API, in its one error shape.


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "The address holds a character no page takes."), ("zh-hans", "网址中含有任何页面都不接受的字符。")],
)
def test_a_nul_character_in_an_api_query_is_refused_in_the_api_shape_and_language(
    clerk, language: str, message: str
) -> None:  # type: ignore[no-untyped-def]
    answer = api(clerk).get("/api/v1/declarations/", {"q": "a\x00b"}, HTTP_ACCEPT_LANGUAGE=language)
    assert answer.status_code == 400 and answer["Content-Type"] == "application/json"
    assert answer.json() == {"errors": [{"field": "", "code": "parse_error", "message": message}]}


def test_a_nul_character_in_a_page_address_is_refused_in_the_request_language(clerk) -> None:  # type: ignore[no-untyped-def]
    answer = web(clerk).get("/credit/?q=%00", HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 400 and answer.content.decode() == "The address holds a character no page takes."


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "JSON parse error - nested more than 32 levels deep."),
        ("zh-hans", "JSON 解析错误：嵌套超过 32 层。"),
    ],
)
def test_json_nested_too_deep_is_refused_in_the_request_language(clerk, language: str, message: str) -> None:  # type: ignore[no-untyped-def]
    answer = api(clerk).post(
        "/api/v1/declarations/", deep(41), content_type="application/json", HTTP_ACCEPT_LANGUAGE=language
    )
    assert answer.status_code == 400
    assert answer.json() == {"errors": [{"field": "", "code": "parse_error", "message": message}]}


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "The request body is too large: at most 1000\xa0bytes."),
        ("zh-hans", "请求正文过大：最多 1000\xa0字节。"),
    ],
)
def test_an_api_body_larger_than_the_portal_takes_is_a_413(clerk, settings, language: str, message: str) -> None:  # type: ignore[no-untyped-def]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"marks_and_remarks": "x" * 2000})
    answer = api(clerk).post(
        "/api/v1/declarations/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE=language
    )
    assert answer.status_code == 413 and answer["Content-Type"] == "application/json"
    assert answer.json() == {"errors": [{"field": "", "code": "request_too_large", "message": message}]}


def test_a_page_body_larger_than_the_portal_takes_stays_a_400_page(clerk, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    answer = web(clerk).post("/declarations/new/", json.dumps({"x": "x" * 2000}), content_type="application/json")
    assert answer.status_code == 400 and "text/html" in answer["Content-Type"]


def test_the_schema_documents_413_and_415_for_every_operation_taking_a_body() -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if isinstance(operation, dict) and "requestBody" in operation:
                assert {"413", "415"} <= set(operation["responses"]), (method, path)
