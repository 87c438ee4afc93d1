"""Receipts as an agency would send them, for tests."""

from __future__ import annotations

import itertools
import re
from datetime import datetime, timedelta
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.test import Client, TestCase
from django.utils import timezone

from declarations.models import Declaration, Delivery
from singlewindow.signatures import private_key, sign, signing_key_id

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


def signed_by(agency: str, body: bytes) -> dict[str, str]:
    """The headers of `body` signed with `agency`'s key, as the test client takes them."""
    key = private_key(settings.TEST_PRIVATE_KEYS[agency])
    return {"HTTP_X_KEY_ID": signing_key_id(key), "HTTP_X_SIGNATURE": sign(body, key)}


def post(client: Client, body: bytes, *, signed: bool = True, sig: str | None = None, agency: str | None = None):  # type: ignore[no-untyped-def]
    """Post a batch as an agency would (signed by `agency`, or by the agency its first receipt names); the
    batch's events are recorded after the commit, as in production."""
    named = re.search(rb"<Agency>([a-z]+)</Agency>", body)
    signer = agency or (named.group(1).decode() if named else "customs")
    headers = signed_by(signer, body) if signed else {}
    if sig is not None:
        headers["HTTP_X_SIGNATURE"] = sig
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
