"""What the demo data shows its users on the pages the brief of each login names: the cross-border parcels
(customs_officer's inventory list, the public trace page, cbec_declarant's guarantee and 9610 summary) and
clerk_a's credit commitments, read as those users read them.

Run as a module (`python -m tests.demo.shown`) it is `make run` in a process of its own: the portal's
settings with DATABASE_URL unset (SQLite), the database migrated, the reference data and the demo data
loaded, then one JSON object of what the pages show printed (tests/demo/test_demo_data.py starts it)."""

from __future__ import annotations

import io
import json
from typing import Any


def _rows(body: str, xpath: str) -> list[list[str]]:
    """The cells' text of the rows the xpath finds, whitespace folded."""
    from lxml import html

    return [[" ".join(cell.text_content().split()) for cell in row.xpath("./td")]
            for row in html.fromstring(body).xpath(xpath)]  # fmt: skip


def _page(username: str | None, path: str) -> str:
    from django.test import Client

    from singlewindow.models import User
    from tests.clients import web

    client = web(User.objects.get(username=username)) if username else Client()
    response = client.get(path)
    assert response.status_code == 200, (username, path, response.status_code)
    return response.content.decode()


def menu_pages_failing() -> list[list[Any]]:
    """[username, path, status] of every page a demo login's menu links to that does not open for them
    (a server error on one database and not the other shows here). First every branch waiting is marked
    taken by its agency, as the simulator beside `make run` would: officers' pages then list something."""
    from django.utils import timezone
    from lxml import html

    from declarations.choices import DeliveryStatus
    from declarations.models import Delivery
    from singlewindow.models import User
    from tests.clients import web

    Delivery.objects.filter(status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.DELIVERED, delivered_at=timezone.now()
    )
    failing: list[list[Any]] = []
    for user in User.objects.filter(is_active=True).exclude(organisation=None).order_by("username"):
        client = web(user, raise_request_exception=False)  # a server error is listed, not raised
        landing = client.get("/", follow=True)
        if landing.status_code != 200:
            failing.append([user.username, "/", landing.status_code])
            continue
        paths = {landing.request["PATH_INFO"]} | {
            href for href in html.fromstring(landing.content).xpath("//nav//a/@href") if href.startswith("/")
        }
        for path in sorted(paths):
            status = client.get(path).status_code
            if status not in (200, 302):
                failing.append([user.username, path, status])
    return failing


def shown() -> dict[str, Any]:
    from ecommerce.models import Inventory

    traced = Inventory.objects.get(order_no="CBEC-DEMO-001").invt_no
    inventories = _rows(_page("customs_officer", "/ecommerce/inventories/"), "//tr[starts-with(@id, 'inventory-')]")
    guarantees = _rows(_page("cbec_declarant", "/ecommerce/guarantees/"), "//tr[starts-with(@id, 'guarantee-')]")
    commitments = _rows(_page("clerk_a", "/credit/mine/commitments/"), "//tr[starts-with(@id, 'commitment-')]")
    return {
        "parcels": dict(Inventory.objects.order_by("order_no").values_list("order_no", "state")),
        "customs officer's inventories": {row[1]: row[3] for row in inventories},  # order number → state
        "trace shows the inventory number": bool(traced)
        and traced in _page(None, "/ecommerce/trace/?order_no=CBEC-DEMO-001"),
        "guarantees": [row[2:] for row in guarantees],  # amount, balance
        "9610 summary rows": _page("cbec_declarant", "/ecommerce/summary/").count('class="summary-row"'),
        "clerk_a's commitments": [[row[0], row[1], row[5]] for row in commitments],  # kind, made to, fulfilment
        "menu pages failing": menu_pages_failing(),
    }


def main() -> None:
    import django
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment
    from django.utils import translation

    django.setup()
    setup_test_environment()  # the test client's host is allowed, emails stay in memory
    call_command("migrate", verbosity=0)
    call_command("load_reference_data", stdout=io.StringIO())
    call_command("demo_data", stdout=io.StringIO())
    with translation.override("zh-hans"):
        print(json.dumps({"database": connection.vendor, **shown()}, ensure_ascii=False))


if __name__ == "__main__":
    main()
