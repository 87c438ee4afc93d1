"""The API tokens page: a user makes a token for their ERP and reads its key this once, sees when each of
their tokens expires, and revokes one; nobody else's token can be revoked (404)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from lxml import html
from rest_framework.test import APIClient

from singlewindow import tokens
from singlewindow.models import ApiToken

from .. import factories
from ..clients import web

pytestmark = pytest.mark.django_db
PAGE = "/accounts/api-tokens/"


def with_key(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def row_text(body: bytes, pk: int) -> str:
    return " ".join(html.fromstring(body).get_element_by_id(f"token-{pk}").text_content().split())


def test_a_clerk_makes_a_token_on_the_page_and_reads_its_key_this_once() -> None:
    clerk = factories.clerk()
    client = web(clerk, HTTP_ACCEPT_LANGUAGE="zh-hans")
    made = client.post(PAGE, {"name": "ERP 2027"})
    assert made.status_code == 200 and "no-store" in made["Cache-Control"]
    page = html.fromstring(made.content)
    key = page.get_element_by_id("new-key").xpath(".//code[@class='key']")[0].text_content()
    assert "请立即复制" in made.content.decode()
    assert with_key(key).get("/api/v1/declarations/").status_code == 200
    token = ApiToken.objects.get(user=clerk)
    assert "ERP 2027" in row_text(made.content, token.pk) and "使用中" in row_text(made.content, token.pk)
    again = client.get(PAGE)
    assert key not in again.content.decode() and 'id="new-key"' not in again.content.decode()


def test_the_page_says_which_tokens_expired_or_were_revoked() -> None:
    clerk = factories.clerk()
    old, _key = tokens.token_create(user=clerk, name="old ERP")
    long_ago = timezone.now() - timedelta(days=400)
    ApiToken.objects.filter(pk=old.pk).update(created_at=long_ago, expires_at=long_ago + timedelta(days=90))
    gone, _key = tokens.token_create(user=clerk, name="test box")
    tokens.token_revoke(user=clerk, pk=gone.pk)
    body = web(clerk, HTTP_ACCEPT_LANGUAGE="en").get(PAGE).content
    assert "Expired" in row_text(body, old.pk) and "Revoked" in row_text(body, gone.pk)
    assert f"/accounts/api-tokens/{gone.pk}/revoke/" not in body.decode()


def test_revoking_on_the_page_refuses_the_key_at_once() -> None:
    clerk = factories.clerk()
    token, key = tokens.token_create(user=clerk, name="ERP")
    answer = web(clerk).post(f"{PAGE}{token.pk}/revoke/", follow=True)
    assert answer.status_code == 200 and f"{token.prefix}" in answer.content.decode()
    assert with_key(key).get("/api/v1/declarations/").status_code in (401, 403)


def test_another_users_token_is_404_and_keeps_working() -> None:
    owner, other = factories.clerk(), factories.clerk()
    token, key = tokens.token_create(user=owner, name="ERP")
    assert web(other).post(f"{PAGE}{token.pk}/revoke/").status_code == 404
    assert with_key(key).get("/api/v1/declarations/").status_code == 200
    assert f"{token.prefix}" not in web(other).get(PAGE).content.decode()


def test_the_page_is_in_every_signed_in_users_tools() -> None:
    body = web(factories.clerk()).get("/declarations/").content
    assert html.fromstring(body).get_element_by_id("nav-api-tokens").get("href") == PAGE
