"""API tokens: made by their owner, shown once, stored only as a digest; they expire on their own and
their owner can revoke one at once; anyone else's token is a 404. The API is throttled."""

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
from ..clients import api

# Not authenticated: DRF answers 403 when session authentication comes first, as it does here.
REFUSED = {401, 403}


def with_key(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_new_token_authenticates_and_its_key_is_shown_once_and_never_stored(db: None) -> None:
    clerk = factories.clerk()
    made = api(clerk).post("/api/v1/tokens/", {"name": "ERP"}, format="json")
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
