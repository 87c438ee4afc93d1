"""Records also come from the declaration path: an inspection that finds the goods nonconforming is an
adverse credit record of the declaring firm, from the agency that inspected; a passed one is not."""

from __future__ import annotations

import pytest
from django.utils import timezone

from credit.models import Classification, CreditRecord
from declarations import services
from declarations.events import AgencyEvent, events_record
from declarations.models import Delivery

from .. import factories


@pytest.mark.parametrize(("result", "records"), [("failed", 1), ("passed", 0)])
def test_an_inspection_that_fails_is_a_credit_record(db: None, result: str, records: int) -> None:
    clerk = factories.clerk()
    version = services.declaration_submit(declaration=factories.valid_draft(clerk), user=clerk)
    branch = Delivery.objects.get(version=version, agency="inspection")
    events_record(events=[AgencyEvent(
        receipt_id="INSP-R-1", message_id=branch.message_id, agency="inspection", sequence=3, at=timezone.now(),
        kind="inspection_result", data={"result": result, "goods": "1,2"})])  # fmt: skip
    stored = CreditRecord.objects.filter(uscc=clerk.organisation.uscc)
    assert stored.count() == records
    if records:
        record = stored.get()
        assert (record.source_agency, record.kind, record.outcome, record.channel) == (
            "inspection",
            "inspection_result",
            "adverse",
            "declaration",
        )
        assert Classification.objects.get(uscc=record.uscc, scheme_key="public", current=True).klass == "yellow"
