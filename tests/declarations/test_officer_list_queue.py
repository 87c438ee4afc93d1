"""An officer's list finds what waits for their agency and what their agency holds, from their own
agency's deliveries and receipts only; the filter is an officer's, not a firm's."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from declarations import services
from declarations.choices import EventKind
from declarations.events import AgencyEvent, events_record
from declarations.models import Declaration, Delivery
from singlewindow.choices import Agency
from singlewindow.models import User

from .. import factories
from ..clients import api, web

pytestmark = pytest.mark.django_db


def submitted(clerk: User) -> Declaration:
    declaration = factories.valid_draft(clerk, lines=1)
    services.declaration_submit(declaration=declaration, user=clerk)
    return factories.delivered(declaration)


def receipt(declaration: Declaration, agency: str, sequence: int, kind: str) -> None:
    branch = Delivery.objects.select_related("version").get(
        version__declaration=declaration, version__number=declaration.version_count, agency=agency
    )
    events_record(
        events=[
            AgencyEvent(
                receipt_id=f"{agency}-{declaration.pk}-{sequence}",
                message_id=branch.message_id,
                agency=agency,
                sequence=sequence,
                at=branch.version.submitted_at + timedelta(minutes=sequence),
                kind=kind,
            )
        ]
    )


def listed(user: User, query: str) -> set[str]:
    html = web(user).get(f"/declarations/?{query}", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    return set(re.findall(r'href="/declarations/(\d+)/"', html))


@pytest.fixture
def clerk() -> User:
    return factories.clerk()


@pytest.fixture
def shipments(clerk: User) -> dict[str, Declaration]:
    inspection_released = submitted(clerk)  # inspection released, customs has not decided
    receipt(inspection_released, Agency.INSPECTION, 1, EventKind.ACCEPTED)
    receipt(inspection_released, Agency.INSPECTION, 2, EventKind.RELEASED)
    receipt(inspection_released, Agency.CUSTOMS, 1, EventKind.ACCEPTED)
    customs_released = submitted(clerk)  # customs released, inspection has not
    receipt(customs_released, Agency.CUSTOMS, 1, EventKind.RELEASED)
    customs_holds = submitted(clerk)
    receipt(customs_holds, Agency.CUSTOMS, 1, EventKind.ACCEPTED)
    receipt(customs_holds, Agency.CUSTOMS, 2, EventKind.HELD)
    inspection_holds = submitted(clerk)  # held by the other agency only
    receipt(inspection_holds, Agency.INSPECTION, 1, EventKind.INSPECTION_ORDERED)
    receipt(inspection_holds, Agency.CUSTOMS, 1, EventKind.ACCEPTED)
    customs_rejected = submitted(clerk)
    receipt(customs_rejected, Agency.CUSTOMS, 1, EventKind.HELD)
    receipt(customs_rejected, Agency.CUSTOMS, 2, EventKind.REJECTED)
    return {
        "inspection_released": inspection_released,
        "customs_released": customs_released,
        "customs_holds": customs_holds,
        "inspection_holds": inspection_holds,
        "customs_rejected": customs_rejected,
    }


def pks(shipments: dict[str, Declaration], *names: str) -> set[str]:
    return {str(shipments[name].pk) for name in names}


def test_awaiting_my_agency_lists_what_customs_has_not_released_though_inspection_has(
    shipments: dict[str, Declaration],
) -> None:
    customs = factories.officer(Agency.CUSTOMS)
    found = listed(customs, "queue=awaiting")
    assert found == pks(shipments, "inspection_released", "customs_holds", "inspection_holds")


def test_awaiting_my_agency_for_inspection_reads_inspections_receipts(shipments: dict[str, Declaration]) -> None:
    inspection = factories.officer(Agency.INSPECTION)
    found = listed(inspection, "queue=awaiting")
    assert found == pks(shipments, "customs_released", "customs_holds", "inspection_holds", "customs_rejected")


def test_held_by_my_agency_is_its_own_hold_or_inspection_order_never_another_agencys(
    shipments: dict[str, Declaration],
) -> None:
    customs = factories.officer(Agency.CUSTOMS)
    inspection = factories.officer(Agency.INSPECTION)
    assert listed(customs, "queue=held") == pks(shipments, "customs_holds")  # not the rejected one: final
    assert listed(inspection, "queue=held") == pks(shipments, "inspection_holds")


def test_the_filter_is_offered_to_officers(shipments: dict[str, Declaration]) -> None:
    customs = factories.officer(Agency.CUSTOMS)
    html = web(customs).get("/declarations/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="queue"' in html
    assert "Awaiting my agency" in html and "Held by my agency" in html


def test_the_api_list_takes_the_same_filter(shipments: dict[str, Declaration]) -> None:
    customs = factories.officer(Agency.CUSTOMS)
    body = api(customs).get("/api/v1/declarations/?queue=held").json()
    rows = body["results"] if isinstance(body, dict) else body
    assert {str(row["id"]) for row in rows} == pks(shipments, "customs_holds")


def test_the_filter_is_not_offered_to_firms(clerk: User, shipments: dict[str, Declaration]) -> None:
    html = web(clerk).get("/declarations/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="queue"' not in html
    assert "Awaiting my agency" not in html
    # Asked for anyway, it selects nothing: the firm's list stays whole.
    assert listed(clerk, "queue=held") == listed(clerk, "")
