"""Receipts as an agency would send them, for tests."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any
from xml.sax.saxutils import escape

from django.test import Client, TestCase
from django.utils import timezone

from agencies.signing import signature
from declarations.models import Declaration, Delivery

_ids = itertools.count(1)
START = timezone.now()


def receipt(delivery: Delivery, status: str, sequence: int, *, receipt_id: str | None = None, **extra: Any) -> str:
    at: datetime = START + timedelta(seconds=sequence)
    parts = [
        f"<ReceiptId>{receipt_id or f'r-{next(_ids)}'}</ReceiptId>",
        f"<Agency>{delivery.agency}</Agency>",
        f"<MessageId>{delivery.message_id}</MessageId>",
        f"<Sequence>{sequence}</Sequence>",
        f"<IssuedAt>{at.isoformat()}</IssuedAt>",
        f"<Status>{status}</Status>",
    ]
    if "reason" in extra:
        parts.append(f"<Reason>{escape(extra['reason'])}</Reason>")
    if "field" in extra:
        parts.append(f"<Field>{extra['field']}</Field>")
    if "goods" in extra:
        result = f"<Result>{extra['result']}</Result>" if "result" in extra else ""
        parts.append(f"<Inspection><Goods>{extra['goods']}</Goods>{result}</Inspection>")
    if "duties" in extra:
        parts.append(f'<Duties currency="CNY">{extra["duties"]}</Duties>')
    if "payment" in extra:
        parts.append(f"<Payment>{extra['payment']}</Payment>")
    return "<Receipt>" + "".join(parts) + "</Receipt>"


def envelope(*receipts: str) -> bytes:
    return ('<Receipts xmlns="urn:singlewindow:receipt:1">' + "".join(receipts) + "</Receipts>").encode()


def post(client: Client, body: bytes, *, signed: bool = True, sig: str | None = None):  # type: ignore[no-untyped-def]
    """Post a batch as an agency would; the batch's events are recorded after the commit, as in production."""
    headers = {"HTTP_X_SIGNATURE": sig or signature(body)} if signed else {}
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post("/api/v1/agency-gateway/receipts/", body, content_type="application/xml", **headers)


def branch(declaration: Declaration, agency: str) -> Delivery:
    return Delivery.objects.get(
        version__declaration=declaration, version__number=declaration.version_count, agency=agency
    )


def release_all(client: Client, declaration: Declaration) -> None:
    for agency in ("customs", "inspection"):
        d = branch(declaration, agency)
        assert (
            post(
                client, envelope(receipt(d, "received", 1), receipt(d, "accepted", 2), receipt(d, "released", 3))
            ).status_code
            == 202
        )
