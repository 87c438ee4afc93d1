from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from credit.models import Scheme
from credit.schemes import load_shipped
from declarations import codelists
from declarations.models import HSCode
from declarations.reference_data import load_reference_data
from singlewindow.celery import app as celery_app
from singlewindow.models import User

from . import factories

pytest_plugins = ["tests.processes"]


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _reference_data(request: pytest.FixtureRequest) -> None:
    """Reference data and the shipped credit schemes in every database a test uses (transactional tests
    flush them, so check)."""
    if not {"db", "transactional_db", "live_server"} & set(request.fixturenames):
        return
    request.getfixturevalue("transactional_db" if "live_server" in request.fixturenames else "db")
    if not HSCode.objects.exists():
        load_reference_data()
    if not Scheme.objects.exists():
        load_shipped(Scheme)  # the credit schemes a data migration stores
    codelists.invalidate()


@pytest.fixture(autouse=True, scope="session")
def _tasks_in_process() -> None:
    """Unit tests run tasks in-process; tests/integration starts real workers and switches this off."""
    celery_app.conf.task_always_eager = True


@pytest.fixture(autouse=True)
def _chinese_by_default() -> Iterator[None]:
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def user_a(db: None) -> User:
    return factories.clerk()


@pytest.fixture
def user_b(db: None) -> User:
    return factories.clerk()


@pytest.fixture
def client_a(user_a: User) -> Client:
    client = Client()
    client.force_login(user_a)
    return client


@pytest.fixture
def api_a(user_a: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user_a)
    return client


@pytest.fixture
def api_b(user_b: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user_b)
    return client
