from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import translation
from pytest_django import DjangoDbBlocker
from pytest_django.plugin import blocking_manager_key
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


def _ensure_reference_data() -> None:
    if not HSCode.objects.exists():
        load_reference_data()
    if not Scheme.objects.exists():
        load_shipped(Scheme)  # the credit schemes a data migration stores


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    """The test database with the reference data committed once, so a test's transaction finds it rather
    than loading some 7,000 rows of its own and rolling them back. At the end, a connection a server thread
    of the session left open is closed, so the database can be dropped."""
    with django_db_blocker.unblock():
        _ensure_reference_data()
    yield
    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """A transactional test's database is flushed when it ends, reference data with the rest: put it back,
    committed, for the tests that come after (a test that runs in a transaction could only load its own)."""
    result = yield
    marker = item.get_closest_marker("django_db")
    transactional = {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())) or (
        marker is not None and marker.kwargs.get("transaction", False)
    )
    if transactional and nextitem is not None:
        with item.config.stash[blocking_manager_key].unblock():
            _ensure_reference_data()
    return result


@pytest.fixture(autouse=True)
def _reference_data(request: pytest.FixtureRequest) -> None:
    """Reference data and the shipped credit schemes in every database a test uses (django_db_setup and
    the teardown above keep them committed; this only checks)."""
    if not {"db", "transactional_db", "live_server"} & set(request.fixturenames):
        return
    request.getfixturevalue("transactional_db" if "live_server" in request.fixturenames else "db")
    _ensure_reference_data()
    codelists.invalidate()


@pytest.fixture(autouse=True, scope="session")
def _tasks_in_process() -> None:
    """Unit tests run tasks in-process; tests/integration starts real workers and switches this off."""
    celery_app.conf.task_always_eager = True


@pytest.fixture(autouse=True)
def _no_task_marked_as_queued(settings) -> None:  # type: ignore[no-untyped-def]
    """Each test starts with no drainer or receipt recorder marked as queued: a mark an earlier test left in the
    shared cache (its task never ran) would hold back this test's for a few seconds."""
    from agencies.delivery import DRAINER_MARK
    from agencies.receipts import RECORDER_MARK

    cache.delete_many([RECORDER_MARK, *(DRAINER_MARK + agency for agency in settings.AGENCY_ENDPOINTS)])


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
