"""API tokens: made by their owner signed in to the portal (never with another token), shown once, stored
only as a digest; they expire on their own and their owner can revoke one at once; anyone else's token is
a 404. A request without a working token is a 401 asking for one. The API is throttled, and so are failed
token authentications from one address."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from singlewindow import tokens
from singlewindow.api.throttling import UserRateThrottle
from singlewindow.models import ApiToken

from .. import factories
from ..clients import api, web

REFUSED = {401}  # not authenticated: the token authentication comes first, and asks for a token


@pytest.fixture(autouse=True)
def _no_failed_tokens_counted_yet() -> None:
    """Failed token authentications are counted per address for a minute: other tests' do not count here."""
    cache.clear()


def with_key(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_new_token_authenticates_and_its_key_is_shown_once_and_never_stored(db: None) -> None:
    clerk = factories.clerk()
    made = web(clerk).post("/api/v1/tokens/", {"name": "ERP"}, content_type="application/json")
    assert made.status_code == 201
    key = made.json()["key"]
    assert with_key(key).get("/api/v1/declarations/").status_code == 200
    token = ApiToken.objects.get(user=clerk)
    assert key not in {token.digest, token.prefix} and token.digest == tokens.key_digest(key)
    listed = api(clerk).get("/api/v1/tokens/").json()["results"]
    assert [row["name"] for row in listed] == ["ERP"] and "key" not in listed[0]


def test_a_token_expires_after_the_configured_days(db: None, settings) -> None:  # type: ignore[no-untyped-def]
    settings.API_TOKEN_DAYS = 90
    token, key = tokens.token_create(user=factories.clerk())
    assert abs(token.expires_at - token.created_at - timedelta(days=90)) < timedelta(seconds=1)
    long_ago = timezone.now() - timedelta(days=91)
    ApiToken.objects.filter(pk=token.pk).update(created_at=long_ago, expires_at=long_ago + timedelta(days=90))
    assert with_key(key).get("/api/v1/declarations/").status_code in REFUSED


def test_the_owner_revokes_a_token_and_it_stops_working_at_once(db: None) -> None:
    clerk = factories.clerk()
    token, key = tokens.token_create(user=clerk, name="old ERP")
    _kept, kept_key = tokens.token_create(user=clerk, name="new ERP")
    assert with_key(key).delete(f"/api/v1/tokens/{token.pk}/").status_code == 204
    assert with_key(key).get("/api/v1/declarations/").status_code in REFUSED
    assert with_key(kept_key).get("/api/v1/declarations/").status_code == 200
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_someone_elses_token_is_a_404_and_stays_in_force(db: None) -> None:
    owner, stranger = factories.clerk(), factories.clerk()
    token, key = tokens.token_create(user=owner)
    assert api(stranger).delete(f"/api/v1/tokens/{token.pk}/").status_code == 404
    assert api(stranger).get(f"/api/v1/tokens/{token.pk}/").status_code == 404
    assert api(stranger).get("/api/v1/tokens/").json()["results"] == []
    assert with_key(key).get("/api/v1/declarations/").status_code == 200


def test_an_unknown_key_is_refused(db: None) -> None:
    assert with_key("0" * 40).get("/api/v1/declarations/").status_code in REFUSED


@pytest.fixture
def one_second_into_a_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    """The throttles count per minute: the test's requests all fall in one."""
    at = (time.time() // 60) * 60 + 1
    monkeypatch.setattr(SimpleRateThrottle, "timer", staticmethod(lambda: at))
    cache.clear()


@pytest.fixture
def tight_user_rate(monkeypatch: pytest.MonkeyPatch, one_second_into_a_minute: None) -> None:
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "user", "3/min")


def test_the_api_is_throttled_per_user(db: None, tight_user_rate: None) -> None:
    clerk = factories.clerk()
    client = api(clerk)
    answers = [client.get("/api/v1/declarations/").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    assert api(factories.clerk()).get("/api/v1/declarations/").status_code == 200  # another user is not


def test_the_throttle_says_when_to_come_back(db: None, tight_user_rate: None) -> None:
    client = api(factories.clerk())
    for _ in range(3):
        client.get("/api/v1/declarations/")
    refused = client.get("/api/v1/declarations/")
    assert refused.status_code == 429 and refused["Retry-After"] == "59"  # when the minute ends


def test_the_throttle_counts_every_request_made_at_the_same_time(
    db: None, monkeypatch: pytest.MonkeyPatch, one_second_into_a_minute: None
) -> None:
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "user", "100/min")
    request = SimpleNamespace(user=factories.clerk(), META={})
    allowed: list[bool] = []

    def call() -> None:
        for _ in range(20):
            allowed.append(UserRateThrottle().allow_request(request, None))

    threads = [threading.Thread(target=call) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # 160 requests at once: exactly the rate passes (DRF's list of times lost counts when two raced)
    assert (allowed.count(True), allowed.count(False)) == (100, 60)


def test_the_throttles_are_configured_generous_for_users_and_tighter_for_anyone_else(settings) -> None:  # type: ignore[no-untyped-def]
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert set(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]) == {
        "singlewindow.api.throttling.AnonRateThrottle",
        "singlewindow.api.throttling.UserRateThrottle",
    }
    per_minute = {scope: int(rate.split("/")[0]) for scope, rate in rates.items()}
    assert per_minute["user"] >= 6000 > per_minute["anon"]


def test_a_refused_token_is_a_401_asking_for_a_token(db: None) -> None:
    clerk = factories.clerk()
    token, key = tokens.token_create(user=clerk)
    tokens.token_revoke(user=clerk, pk=token.pk)
    for header in (f"Token {key}", "Token nonsense", "Token a b", f"Bearer {key}", "Token", None):
        client = APIClient()
        if header is not None:
            client.credentials(HTTP_AUTHORIZATION=header)
        answer = client.get("/api/v1/declarations/")
        assert answer.status_code == 401 and answer["WWW-Authenticate"] == "Token", header
        assert answer.json()["errors"][0]["code"] in {"not_authenticated", "authentication_failed"}


def test_the_api_docs_and_the_api_keep_working_signed_in_to_the_portal(db: None) -> None:
    client = web(factories.clerk())
    assert client.get("/api/docs/").status_code == 200
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/v1/declarations/").status_code == 200


def test_a_signed_in_session_is_refused_an_unsafe_method_without_the_csrf_token(db: None) -> None:
    client = web(factories.clerk(), enforce_csrf_checks=True)
    refused = client.post("/api/v1/tokens/", {"name": "ERP"}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["errors"][0]["code"] == "permission_denied"
    assert "CSRF" in refused.json()["errors"][0]["message"]
    assert not ApiToken.objects.exists()
    client.get("/accounts/api-tokens/")  # the page sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    made = client.post("/api/v1/tokens/", {"name": "ERP"}, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert made.status_code == 201


def test_a_token_cannot_make_another_token(db: None) -> None:
    clerk = factories.clerk()
    _token, key = tokens.token_create(user=clerk)
    refused = with_key(key).post("/api/v1/tokens/", {"name": "renewed"}, format="json")
    assert refused.status_code == 403
    [error] = refused.json()["errors"]
    assert error["code"] == "session_required" and "/accounts/api-tokens/" in error["message"]
    assert ApiToken.objects.filter(user=clerk).count() == 1


def test_a_token_lists_and_revokes_its_owners_tokens(db: None) -> None:
    clerk = factories.clerk()
    _token, key = tokens.token_create(user=clerk, name="ERP")
    old, _old_key = tokens.token_create(user=clerk, name="old")
    listed = with_key(key).get("/api/v1/tokens/")
    assert listed.status_code == 200 and {row["name"] for row in listed.json()["results"]} == {"ERP", "old"}
    assert with_key(key).delete(f"/api/v1/tokens/{old.pk}/").status_code == 204


def test_the_api_documentation_says_how_to_get_the_first_token(client) -> None:  # type: ignore[no-untyped-def]
    schema = client.get("/api/schema/?format=json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert "/accounts/api-tokens/" in schema["info"]["description"]
    assert "Authorization: Token" in schema["info"]["description"]
    create = schema["paths"]["/api/v1/tokens/"]["post"]
    assert "signed in" in create["description"] and "403" in create["responses"]


@pytest.fixture
def three_failures_a_minute(monkeypatch: pytest.MonkeyPatch, one_second_into_a_minute: None) -> None:
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "failed_token", "3/min")


def test_failed_token_authentications_are_throttled_per_address(db: None, three_failures_a_minute: None) -> None:
    _token, key = tokens.token_create(user=factories.clerk())
    guesser = APIClient(REMOTE_ADDR="203.0.113.7")
    guesses = [guesser.get("/api/v1/declarations/", HTTP_AUTHORIZATION=f"Token {i:040d}") for i in range(4)]
    assert [answer.status_code for answer in guesses] == [401, 401, 401, 429]
    refused = guesses[-1]
    assert refused["Retry-After"] == "59"
    assert refused.json()["errors"][0]["code"] == "throttled"
    # From that address even a good key waits (else the answer would tell a good guess from a bad one)...
    assert guesser.get("/api/v1/declarations/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 429
    # ...while another address is not held up.
    assert with_key(key).get("/api/v1/declarations/", REMOTE_ADDR="203.0.113.8").status_code == 200


def test_a_forwarded_for_header_does_not_escape_the_count(db: None, three_failures_a_minute: None) -> None:
    guesser = APIClient(REMOTE_ADDR="203.0.113.7")
    answers = [
        guesser.get("/api/v1/declarations/", HTTP_AUTHORIZATION="Token bad", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}")
        for i in range(4)
    ]
    assert [answer.status_code for answer in answers] == [401, 401, 401, 429]


def test_successful_token_authentications_do_not_count_as_failures(db: None, three_failures_a_minute: None) -> None:
    _token, key = tokens.token_create(user=factories.clerk())
    client = APIClient(REMOTE_ADDR="203.0.113.9")
    for _ in range(5):
        assert client.get("/api/v1/declarations/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    assert client.get("/api/v1/declarations/", HTTP_AUTHORIZATION="Token nonsense").status_code == 401


def test_failed_token_authentications_are_limited_by_default(settings) -> None:  # type: ignore[no-untyped-def]
    rate = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["failed_token"]
    assert rate == "20/min"
