"""The receipt gateway with the broker down: the agency gets its 202 for a batch the portal kept (so it
does not send it again), and the batch is recorded later by the sweep."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from kombu.exceptions import OperationalError

from agencies import receipts
from agencies.models import ReceiptBatch
from declarations import services
from declarations.models import Event
from singlewindow.models import User

from .. import factories
from .receipts import branch, envelope, post, receipt

pytestmark = pytest.mark.django_db


def test_a_kept_batch_is_answered_202_while_the_broker_is_down(
    client: Client, user_a: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    declaration = factories.valid_draft(user_a)
    services.declaration_submit(declaration=declaration, user=user_a)

    def broker_down(*args: object, **kwargs: object) -> None:
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr("agencies.tasks.record_receipts.delay", broker_down)
    body = envelope(receipt(branch(declaration, "customs"), "received", 1))

    assert post(client, body).status_code == 202
    (batch,) = ReceiptBatch.objects.all()
    assert batch.processed_at is None
    assert not Event.objects.filter(receipt_id__isnull=False).exists()

    assert receipts.batches_due() == []  # its task may still be queued: left to it for the lease
    ReceiptBatch.objects.update(lease_until=timezone.now() - timedelta(seconds=1))  # the lease is over
    assert receipts.batches_due() == [batch.pk]  # what the sweep queues
    assert receipts.batches_due() == []  # and only once: leased again
    receipts.receipts_record(batch_id=batch.pk)
    assert Event.objects.filter(agency="customs", kind="received").count() == 1
