"""Objection and credit repair: a firm objects to its record (marked on the public page until the agency
answers) or applies to repair it once the waiting period has passed; the agency that sent it decides; a
corrected or repaired record leaves the public page and the firm's classes and stays in the audit trail."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.http import Http404
from django.utils import timezone

from credit import appeals, services
from credit.models import Appeal, Classification, CreditRecord
from singlewindow.choices import Agency
from singlewindow.models import AuditEntry, Organisation, User

from .. import factories
from ..clients import api, web

pytestmark = pytest.mark.django_db


def fine(firm: Organisation, agency: str = Agency.CUSTOMS, **changes: Any) -> CreditRecord:
    values = {"uscc": firm.uscc, "record_id": "CUS-1", "kind": "penalty", "penalty_type": "fine",
              "amount": "20000", "legal_basis": "《海关行政处罚实施条例》第十五条", "decided_at": "2026-06-01",
              **changes}  # fmt: skip
    return services.record_add(agency=agency, values=values, channel="api")


def public_class(firm: Organisation) -> str:
    return Classification.objects.get(uscc=firm.uscc, scheme_key="public", current=True).klass


@pytest.fixture
def firm() -> Organisation:
    return factories.enterprise()


@pytest.fixture
def clerk(firm: Organisation) -> User:
    return factories.clerk(firm, language="zh-hans")


def test_an_objection_is_marked_publicly_and_upheld_the_record_leaves_the_page_and_the_class(
    firm: Organisation, clerk: User
) -> None:
    record = fine(firm)
    assert public_class(firm) == "red"

    page = web(clerk).post("/credit/mine/", {"record": record.pk, "kind": "objection", "reason": "罚款已被撤销"})
    assert page.status_code == 302
    record.refresh_from_db()
    assert record.state == "objected"
    public = web(factories.clerk()).get(f"/credit/?q={firm.uscc}").content.decode()
    assert "异议处理中" in public

    officer = factories.officer(Agency.CUSTOMS)
    listing = web(officer).get("/credit/appeals/").content.decode()
    appeal = Appeal.objects.get()
    assert (
        f'id="appeal-{appeal.pk}"' in listing
        and (appeal.due_on - timezone.localtime(appeal.filed_at).date()).days == 20
    )
    decided = web(officer).post("/credit/appeals/", {"appeal": appeal.pk, "accept": "yes", "decision": "复核属实"})
    assert decided.status_code == 302

    record.refresh_from_db()
    assert record.state == "corrected"
    assert public_class(firm) == "green"  # reclassified at once
    assert "罚款" not in web(factories.clerk()).get(f"/credit/?q={firm.uscc}").content.decode()
    assert list(
        AuditEntry.objects.filter(object_type="credit.appeal", object_id=str(appeal.pk))
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["credit.objection_filed", "credit.objection_decided"]


def test_a_refused_objection_puts_the_record_back_in_force(firm: Organisation, clerk: User) -> None:
    record = fine(firm)
    appeal = appeals.objection_file(user=clerk, record_id=record.pk, reason="不服")
    appeals.appeal_decide(user=factories.officer(Agency.CUSTOMS), appeal_id=appeal.pk, accept=False, decision="维持")
    record.refresh_from_db()
    assert (record.state, public_class(firm)) == ("published", "red")


@pytest.mark.parametrize(
    ("agency", "severity", "kind", "first_day"),
    [
        (Agency.CUSTOMS, "minor", "penalty", date(2026, 12, 1)),  # customs: 6 months
        (Agency.CUSTOMS, "serious", "penalty", date(2027, 6, 1)),  # customs, serious: 1 year
        (Agency.INSPECTION, "minor", "penalty", date(2026, 9, 1)),  # other agencies: 3 months
        (Agency.INSPECTION, "serious", "penalty", date(2027, 6, 1)),  # other agencies, serious: 1 year
    ],
)
def test_repair_opens_on_the_first_day_after_the_waiting_period(
    firm: Organisation, clerk: User, agency: str, severity: str, kind: str, first_day: date
) -> None:
    record = fine(firm, agency=agency, severity=severity, kind=kind)
    day_before = date.fromordinal(first_day.toordinal() - 1)
    with pytest.raises(appeals.AppealRefused, match=first_day.isoformat()):
        appeals.repair_apply(user=clerk, record_id=record.pk, reason="已整改", today=day_before)
    assert not Appeal.objects.exists()

    appeal = appeals.repair_apply(user=clerk, record_id=record.pk, reason="已整改", today=first_day)
    officer = factories.officer(agency)
    appeals.appeal_decide(user=officer, appeal_id=appeal.pk, accept=True, decision="整改到位")
    record.refresh_from_db()
    assert record.state == "repaired" and public_class(firm) == "green"
    assert AuditEntry.objects.filter(object_type="credit.creditrecord", object_id=str(record.pk)).exists()


def test_a_serious_violation_list_entry_is_never_repairable(firm: Organisation, clerk: User) -> None:
    record = fine(firm, kind="serious_list", penalty_type="", amount=None)
    with pytest.raises(appeals.AppealRefused) as refused:
        appeals.repair_apply(user=clerk, record_id=record.pk, reason="x", today=date(2036, 1, 1))
    assert refused.value.code == "not_repairable"


def test_no_one_objects_to_another_firms_record_or_decides_another_agencys(firm: Organisation, clerk: User) -> None:
    record = fine(firm)
    with pytest.raises(Http404):
        appeals.objection_file(user=factories.clerk(), record_id=record.pk, reason="x")
    foreign = web(factories.clerk()).post("/credit/mine/", {"record": record.pk, "kind": "objection", "reason": "x"})
    assert foreign.status_code == 404
    assert CreditRecord.objects.get().state == "published"  # the foreign firm's try changed nothing

    appeal = appeals.objection_file(user=clerk, record_id=record.pk, reason="x")
    with pytest.raises(appeals.AppealRefused) as refused:
        appeals.objection_file(user=clerk, record_id=record.pk, reason="again")
    assert refused.value.code == "state"
    inspection = factories.officer(Agency.INSPECTION)
    assert f'id="appeal-{appeal.pk}"' not in web(inspection).get("/credit/appeals/").content.decode()
    answer = api(inspection).post(
        f"/api/v1/credit/appeals/{appeal.pk}/decision/", {"accept": True, "decision": "x"}, format="json"
    )
    assert answer.status_code == 404
    assert web(clerk).get("/credit/appeals/").status_code == 404  # firms do not decide
    assert web(inspection).get("/credit/mine/").status_code == 404  # agencies have no records of their own


def test_the_api_files_lists_and_decides(firm: Organisation, clerk: User) -> None:
    record = fine(firm)
    filed = api(clerk).post(f"/api/v1/credit/records/{record.pk}/objection/", {"reason": "金额有误"}, format="json")
    assert filed.status_code == 201 and filed.json()["kind"] == "objection"
    assert [a["id"] for a in api(clerk).get("/api/v1/credit/appeals/").json()] == [filed.json()["id"]]
    officer = api(factories.officer(Agency.CUSTOMS))
    assert [a["record"] for a in officer.get("/api/v1/credit/appeals/").json()] == [record.pk]
    decided = officer.post(
        f"/api/v1/credit/appeals/{filed.json()['id']}/decision/", {"accept": True, "decision": "更正"}, format="json"
    )
    assert decided.status_code == 200 and decided.json()["state"] == "accepted"
    again = officer.post(
        f"/api/v1/credit/appeals/{filed.json()['id']}/decision/", {"accept": False, "decision": "x"}, format="json"
    )
    assert again.status_code == 400
    early = api(clerk).post(f"/api/v1/credit/records/{record.pk}/repair/", {"reason": "x"}, format="json")
    assert early.status_code == 400  # corrected: nothing left to repair
