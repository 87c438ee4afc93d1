"""Guarantee pages and API (先放后征: balance, history, the tax payment customs records, releases waiting
for the balance resuming), the 9610 monthly summary (page, CSV, Excel) and the credit records
e-commerce pushes."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from openpyxl import load_workbook

from credit.models import CreditRecord
from ecommerce import lifecycle
from ecommerce.choices import InventoryState
from ecommerce.examples import Parcel
from ecommerce.models import Guarantee, Inventory
from singlewindow.choices import Agency

from .. import factories
from ..clients import api, web
from .senders import World
from .test_matching import KINDS, send_in_order


def accepted(world: World, n: int, **kwargs: object) -> Inventory:
    send_in_order(world, Parcel(f"ORD-{n}", f"LN-{n}", **kwargs), tuple(KINDS))  # type: ignore[arg-type]
    return Inventory.objects.get(order_no=f"ORD-{n}")


def exhausted(world: World) -> tuple[Guarantee, Inventory]:
    """A 50-yuan guarantee, one release drawn (28.21), the second waiting for the balance."""
    first, second = accepted(world, 1), accepted(world, 2)
    guarantee = lifecycle.guarantee_lodge(organisation=world.declarant.organisation,
                                          assure_code=world.parties.declarant, amount=Decimal("50.00"))  # fmt: skip
    lifecycle.inventories_release(ids=[first.pk, second.pk])
    return guarantee, second


def test_the_firm_sees_its_guarantees_balance_waiting_release_and_history(world: World) -> None:
    guarantee, waiting = exhausted(world)
    page = web(factories.clerk(world.declarant.organisation)).get(f"/ecommerce/guarantees/{guarantee.pk}/")
    body = page.content.decode()
    assert 'id="balance">21.79<' in body and 'id="waiting-count">1<' in body and waiting.invt_no in body
    assert body.count('class="entry-') == 2 and 'id="payment-form"' not in body
    listed = web(factories.clerk(world.declarant.organisation)).get("/ecommerce/guarantees/").content.decode()
    assert world.parties.declarant in listed


def test_customs_records_a_payment_the_balance_is_restored_and_the_waiting_release_goes(world: World) -> None:
    guarantee, waiting = exhausted(world)
    officer = web(factories.officer())
    response = officer.post(f"/ecommerce/guarantees/{guarantee.pk}/", {"amount": "28.21", "reference": "TAX-2026-11"})
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.state == InventoryState.RELEASED
    body = officer.get(f"/ecommerce/guarantees/{guarantee.pk}/").content.decode()
    assert "TAX-2026-11" in body and 'id="balance">21.79<' in body  # restored 28.21, drawn again 28.21


def test_a_payment_above_what_was_drawn_is_refused_next_to_the_amount(world: World) -> None:
    guarantee, _waiting = exhausted(world)
    response = web(factories.officer()).post(f"/ecommerce/guarantees/{guarantee.pk}/",
                                             {"amount": "100.00", "reference": "TAX-1"})  # fmt: skip
    assert response.status_code == 200 and "28.21" in response.content.decode()
    assert Guarantee.objects.get().balance == Decimal("21.79")


def test_the_guarantee_api_for_the_firm_customs_and_another_firm(world: World) -> None:
    guarantee, waiting = exhausted(world)
    firm = api(factories.clerk(world.declarant.organisation))
    detail = firm.get(f"/api/v1/ecommerce/guarantees/{guarantee.pk}/").json()
    assert (detail["balance"], detail["waiting"]) == ("21.79", [waiting.invt_no])
    assert [e["kind"] for e in detail["entries"]] == ["drawn", "opened"]
    assert firm.post(f"/api/v1/ecommerce/guarantees/{guarantee.pk}/payments/",
                     {"amount": "28.21", "reference": "X"}, format="json").status_code == 404  # fmt: skip
    other = api(factories.clerk(world.platform.organisation))
    assert other.get(f"/api/v1/ecommerce/guarantees/{guarantee.pk}/").status_code == 404
    assert other.get("/api/v1/ecommerce/guarantees/").json()["results"] == []
    customs = api(factories.officer())
    too_much = customs.post(f"/api/v1/ecommerce/guarantees/{guarantee.pk}/payments/",
                            {"amount": "100.00", "reference": "TAX-1"}, format="json")  # fmt: skip
    assert too_much.status_code == 400 and "28.21" in too_much.json()["errors"][0]["message"]
    paid = customs.post(f"/api/v1/ecommerce/guarantees/{guarantee.pk}/payments/",
                                         {"amount": "28.21", "reference": "TAX-1"}, format="json")  # fmt: skip
    assert paid.status_code == 201 and paid.json()["released"] == 1


def test_the_9610_summary_adds_up_the_months_released_direct_purchases_per_seller_and_hs_code(world: World) -> None:
    milk_and_perfume = [
        {"itemNo": "SKU-MILK-1", "gcode": "1901101000", "gname": "奶粉", "qty": "2", "price": "150.00"},
        {"itemNo": "SKU-PERF-1", "gcode": "3303000000", "gname": "香水", "qty": "1", "price": "400.00"}]  # fmt: skip
    released = [accepted(world, 1), accepted(world, 2, items=milk_and_perfume)]
    lifecycle.inventories_release(ids=[i.pk for i in released])
    accepted(world, 3)  # accepted, not released: not counted
    last_month = accepted(world, 4)
    lifecycle.inventories_release(ids=[last_month.pk], at=timezone.now() - timedelta(days=40))
    firm = web(factories.clerk(world.declarant.organisation))
    month = timezone.localdate().strftime("%Y-%m")
    body = firm.get("/ecommerce/summary/", {"month": month}).content.decode()
    assert body.count('class="summary-row"') == 2
    assert '<td class="value">600.00</td>' in body and '<td class="value">400.00</td>' in body
    csv_text = firm.get("/ecommerce/summary/", {"month": month, "format": "csv"}).content.decode("utf-8-sig")
    assert "1901101000,142,2,2,4,600.00" in csv_text
    sheet = load_workbook(
        io.BytesIO(firm.get("/ecommerce/summary/", {"month": month, "format": "xlsx"}).content)
    ).active
    assert [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["1901101000", "3303000000"]
    other = web(factories.clerk(world.payment.organisation)).get("/ecommerce/summary/", {"month": month})
    assert 'class="summary-row"' not in other.content.decode()
    assert web(factories.officer()).get("/ecommerce/summary/", {"month": month}).content.decode().count(
        'class="summary-row"') == 2  # fmt: skip


def test_returns_for_false_data_and_over_limits_become_credit_records_of_the_declarant(world: World) -> None:
    accepted(world, 1, amount_paid=Decimal("1.00"))  # payment_amount: false data
    accepted(world, 2, items=[{"itemNo": "SKU-MILK-1", "gcode": "1901101000", "gname": "奶粉", "qty": "20",
                               "price": "300.00"}])  # over 5,000 yuan  # fmt: skip
    send_in_order(world, Parcel("ORD-3", "LN-3"), (KINDS[3],))
    records = CreditRecord.objects.filter(uscc=world.declarant.organisation.uscc).order_by("summary")
    assert sorted(r.summary.split("（")[1].split("）")[0] for r in records) == ["over_transaction_limit",
                                                                                "payment_amount"]  # fmt: skip
    assert {(r.source_agency, r.kind, r.outcome) for r in records} == {("customs", "performance", "adverse")}


def test_an_exhausted_guarantee_is_one_credit_record_until_it_is_restored(world: World) -> None:
    guarantee, _waiting = exhausted(world)
    third = accepted(world, 3)
    lifecycle.inventories_release(ids=[third.pk])  # a second release waiting: the same exhaustion
    assert CreditRecord.objects.filter(uscc=world.declarant.organisation.uscc).count() == 1
    lifecycle.guarantee_tax_paid(assure_code=guarantee.assure_code, amount=Decimal("20.00"))
    assert CreditRecord.objects.filter(uscc=world.declarant.organisation.uscc).count() == 2


def test_officers_see_only_the_inventories_delivered_to_customs(world: World) -> None:
    delivered = accepted(world, 1)
    returned = accepted(world, 2, amount_paid=Decimal("1.00"))
    send_in_order(world, Parcel("ORD-3", "LN-3"), (KINDS[3],))  # waiting for its documents
    body = web(factories.officer()).get("/ecommerce/inventories/").content.decode()
    assert f'id="inventory-{delivered.pk}"' in body and f'id="inventory-{returned.pk}"' not in body
    assert "ORD-3" not in body
    assert web(factories.officer(Agency.INSPECTION)).get("/ecommerce/inventories/").status_code == 404


def test_the_header_links_e_commerce_for_its_firms_and_customs_only(world: World) -> None:
    page = web(factories.clerk(world.declarant.organisation)).get("/ecommerce/").content.decode()
    assert 'id="nav-ecommerce"' in page and 'id="link-guarantees"' in page
    assert 'id="nav-ecommerce"' in web(factories.officer()).get("/ecommerce/").content.decode()
    plain = web(factories.clerk())
    assert 'id="nav-ecommerce"' not in plain.get("/notifications/").content.decode()
    assert plain.get("/ecommerce/").status_code == 404
