"""Redis down for a moment (a restart, as in the fault run): a firm's API call still goes through, and
work whose task could not be queued is not lost — a notification's email goes out with the next sweep,
an ERP upload is kept and the same upload queues it again."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import timezone
from kombu.exceptions import OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from rest_framework.throttling import SimpleRateThrottle

from declarations.choices import IMPORT_FINISHED
from declarations.interchange.uploads import import_start
from declarations.models import ImportJob
from singlewindow.models import Notification
from singlewindow.notifications import notify
from singlewindow.tasks import email_sweep

from .. import factories
from ..clients import api, erp_file

pytestmark = pytest.mark.django_db


def refused(*args: Any, **kwargs: Any) -> Any:
    raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def broker_down(*args: Any, **kwargs: Any) -> Any:
    raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def test_the_api_answers_while_the_throttles_cache_is_down(monkeypatch: pytest.MonkeyPatch) -> None:
    clerk = factories.clerk()
    # A Redis nobody answers at: the throttles' one-round-trip count (a pipeline) and the failed-token check.
    monkeypatch.setattr(SimpleRateThrottle, "cache", RedisCache("redis://127.0.0.1:1/0", {}))
    assert api(clerk).get("/api/v1/declarations/").status_code == 200


def test_the_api_answers_while_another_cache_is_down(monkeypatch: pytest.MonkeyPatch) -> None:
    clerk = factories.clerk()
    monkeypatch.setattr(SimpleRateThrottle, "cache", LocMemCache("throttles", {}))
    for call in ("get", "add", "incr"):
        monkeypatch.setattr(SimpleRateThrottle.cache, call, refused)
    assert api(clerk).get("/api/v1/declarations/").status_code == 200


def test_a_notification_made_while_the_broker_is_down_is_emailed_by_the_sweep(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clerk = factories.clerk(email="clerk@example.com")
    monkeypatch.setattr("singlewindow.notifications.send_notification_emails.delay", broker_down)
    with TestCase.captureOnCommitCallbacks(execute=True):
        (made,) = notify(kind=IMPORT_FINISHED, url="/declarations/imports/1/", params={}, users=[clerk])
    assert mail.outbox == []  # its task was lost

    assert email_sweep() == 0  # too young: its task may still come
    Notification.objects.filter(pk=made.pk).update(created_at=timezone.now() - timedelta(minutes=3))
    assert email_sweep() == 1
    assert [m.to for m in mail.outbox] == [["clerk@example.com"]]
    assert email_sweep() == 0  # once


def test_an_upload_made_while_the_broker_is_down_is_kept_and_the_same_upload_queues_it_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clerk = factories.clerk()
    data = erp_file(clerk)
    monkeypatch.setattr("declarations.interchange.uploads.run_import.delay", broker_down)
    with TestCase.captureOnCommitCallbacks(execute=True):
        job, new = import_start(user=clerk, upload=SimpleUploadedFile("po.xml", data))
    assert new and ImportJob.objects.get().status == "queued"

    monkeypatch.undo()
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=6))
    with TestCase.captureOnCommitCallbacks(execute=True):
        again, new = import_start(user=clerk, upload=SimpleUploadedFile("po.xml", data))
    assert (again.pk, new) == (job.pk, False)
    job.refresh_from_db()
    assert (job.status, job.created_count) == ("done", 1)
