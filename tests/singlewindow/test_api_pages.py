"""Every list of the API is paged the same way (review api.md #14, after the declarations list): `page_size`
1 to 200 (default 50), refused on its parameter out of range, documented in the schema."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from singlewindow.models import User
from singlewindow.tokens import token_create

pytestmark = pytest.mark.django_db


def test_every_paged_list_documents_its_page_size(client: Client) -> None:
    schema = client.get("/api/schema/?format=json").json()
    paged = {
        path: {p["name"] for p in op.get("parameters", [])}
        for path, operations in schema["paths"].items()
        for method, op in operations.items()
        if method == "get" and any(p["name"] == "page" for p in op.get("parameters", []))
    }
    assert len(paged) > 10  # the lists of every app
    assert [path for path, names in paged.items() if "page_size" not in names] == []


def test_another_list_than_declarations_takes_a_page_size(api_a: APIClient, user_a: User) -> None:
    for n in range(3):
        token_create(user=user_a, name=f"ERP {n}")
    page = api_a.get("/api/v1/tokens/?page_size=2").json()
    assert page["count"] == 3 and len(page["results"]) == 2 and "page_size=2" in page["next"]
    refused = api_a.get("/api/v1/tokens/?page_size=0", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "page_size"
    assert refused.json()["errors"][0]["message"] == "每页条数须为 1 至 200 之间的整数。"
