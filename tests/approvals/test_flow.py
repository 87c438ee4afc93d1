"""One application through the "four ones": filed, returned once with everything missing, filed again,
accepted, reviewed in parallel, 5 working days of public notice, one consolidated decision (a numbered,
bilingual PDF whose QR code verifies it)."""

from __future__ import annotations

import io
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import zxingcpp
from django.test import Client
from django.utils import translation
from pypdf import PdfReader

from approvals import decision as certificate
from approvals import services
from approvals.choices import CaseState, ReviewState
from approvals.deadlines import deadlines_sweep
from approvals.models import ApprovalCase, Decision, Department, PublicNotice
from singlewindow.certificates import Verdict
from tests.clients import web

from .conftest import People
from .helpers import accepted, beijing, filed, form, join

pytestmark = pytest.mark.django_db

REVIEWED = beijing(2026, 9, 29, 15, 0)  # the last opinion; the notice runs 5 working days from then:
NOTICE_ENDS = beijing(2026, 10, 13, 0, 0)  # 30 Sep, (holiday) 8, 9, Sat 10 (worked), Mon 12 Oct


def approve_all(case: ApprovalCase, people: People, *, at=REVIEWED) -> None:  # type: ignore[no-untyped-def]
    """Every department of stage 1 joins and approves."""
    for review in case.reviews.select_related("department"):
        officer = {"planning": people.planning, "land": people.land}.get(review.department.code)
        services.review_post(user=officer or join(review.department.code), review_id=review.pk, approve=True,
                             opinion="同意", now=at)  # fmt: skip


def decided(people: People) -> Decision:
    case = accepted(people.clerk, people.window, at=beijing(2026, 9, 28, 9, 0))
    approve_all(case, people)
    deadlines_sweep(now=NOTICE_ENDS + timedelta(seconds=10))
    return services.decision_issue(user=people.window, case_id=case.pk, now=NOTICE_ENDS + timedelta(hours=9))


def test_an_incomplete_form_is_refused_with_every_problem_and_nothing_filed(people: People) -> None:
    with pytest.raises(services.ApprovalRefused) as refused:
        services.case_file(user=people.clerk, stage_code="site_land",
                           form=form(project_name="", investment="很多", materials=["别的材料"]))  # fmt: skip
    assert {p["field"]: p["code"] for p in refused.value.problems()} == {
        "project_name": "required", "investment": "invalid", "materials": "invalid",
    }  # fmt: skip
    assert not ApprovalCase.objects.exists()


def test_the_window_returns_once_with_everything_missing_and_the_firm_files_again(people: People) -> None:
    case = filed(people.clerk, materials=["综合审批申请表"])
    with pytest.raises(services.ApprovalRefused) as refused:
        services.case_return(user=people.window, case_id=case.pk, missing=[" "])
    assert refused.value.code == "required"
    services.case_return(user=people.window, case_id=case.pk, missing=["用地红线图", "项目选址意向图"])
    case.refresh_from_db()
    assert (case.state, case.missing) == (CaseState.RETURNED, ["用地红线图", "项目选址意向图"])
    with pytest.raises(services.ApprovalRefused) as early:  # nothing to review before acceptance
        services.case_accept(user=people.window, case_id=case.pk)
    assert early.value.code == "state"
    services.case_resubmit(user=people.clerk, case_id=case.pk, form=form())
    services.case_accept(user=people.window, case_id=case.pk)
    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW and case.reviews.count() == 6


def test_every_consent_starts_a_five_working_day_notice_then_the_window_decides(people: People) -> None:
    case = accepted(people.clerk, people.window, at=beijing(2026, 9, 28, 9, 0))
    approve_all(case, people)
    case.refresh_from_db()
    notice = PublicNotice.objects.get(case=case)
    assert (case.state, notice.starts_at, notice.ends_at) == (CaseState.PUBLIC_NOTICE, REVIEWED, NOTICE_ENDS)
    listed = Client().get("/approvals/notices/")  # public: no login
    assert listed.status_code == 200 and f'id="notice-{case.number}"' in listed.content.decode()

    with pytest.raises(services.ApprovalRefused):  # not before the notice has ended
        services.decision_issue(user=people.window, case_id=case.pk, now=NOTICE_ENDS - timedelta(hours=1))
    assert deadlines_sweep(now=NOTICE_ENDS - timedelta(seconds=1)).notices_ended == 0
    assert deadlines_sweep(now=NOTICE_ENDS + timedelta(seconds=1)).notices_ended == 1
    case.refresh_from_db()
    assert case.state == CaseState.AWAITING_DECISION
    decision = services.decision_issue(user=people.window, case_id=case.pk, now=NOTICE_ENDS + timedelta(hours=9))
    case.refresh_from_db()
    assert case.state == CaseState.DECIDED and decision.number == "ZHSP-2026-000001"
    assert [r["state"] for r in decision.facts["reviews"]] == [ReviewState.APPROVED] * 6


def test_an_objection_needs_reasons_and_the_applicant_sees_it_with_the_case_still_in_review(people: People) -> None:
    case = accepted(people.clerk, people.window, at=beijing(2026, 9, 28, 9, 0))
    review = case.reviews.get(department__code="land")
    with pytest.raises(services.ApprovalRefused) as bare:
        services.review_post(user=people.land, review_id=review.pk, approve=False, now=REVIEWED)
    assert bare.value.code == "required"
    services.review_post(user=people.land, review_id=review.pk, approve=False, opinion="占用基本农田，不予预审",
                         now=REVIEWED)  # fmt: skip
    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW  # the window decides once every review is in (test_objections)
    page = web(people.clerk).get(f"/approvals/{case.pk}/").content.decode()
    assert "占用基本农田，不予预审" in page
    # The sweep deems the others; the objection then goes to the window.
    assert deadlines_sweep(now=beijing(2026, 12, 1)).deemed == 5
    case.refresh_from_db()
    assert case.state == CaseState.OBJECTED


def test_the_decision_pdf_states_its_number_and_its_qr_code_verifies_it(people: People) -> None:
    decision = decided(people)
    response = web(people.clerk).get(f"/approvals/{decision.case_id}/decision.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(response.content)).pages
    text = "".join(page.extract_text() for page in pages)
    expected = ("综合审批决定书", "CONSOLIDATED APPROVAL DECISION", decision.number, "平潭国际旅游岛游客服务中心",
                "规划选址与用地", "行政审批局", "Administrative Approval Bureau", "同意")  # fmt: skip
    assert [t for t in expected if t not in text] == [], text
    codes = {code.text for page in pages for image in page.images for code in zxingcpp.read_barcodes(image.image)}
    assert codes == {certificate.verify_url(decision)}, (len(pages), [len(page.images) for page in pages])
    [url] = codes

    verified = Client().get(urlsplit(url).path)  # anyone, no login
    assert verified.status_code == 200 and verified.context["verdict"] == Verdict.VALID
    with translation.override("en"):
        assert (
            str(Verdict.VALID.label)
            in Client().get(urlsplit(url).path, headers={"accept-language": "en"}).content.decode()
        )


def test_altered_facts_or_a_forged_number_are_not_genuine(people: People) -> None:
    decision = decided(people)
    path = urlsplit(certificate.verify_url(decision)).path
    Decision.objects.filter(pk=decision.pk).update(facts={**decision.facts, "applicant": {
        **decision.facts["applicant"], "name": "另一家公司"}})  # fmt: skip
    altered = Client().get(path)
    assert (altered.status_code, altered.context["verdict"]) == (404, Verdict.INVALID)
    assert "另一家公司" not in altered.content.decode()
    forged = Client().get(path.replace(decision.number, "ZHSP-2026-999999"))
    assert (forged.status_code, forged.context["verdict"]) == (404, Verdict.UNKNOWN)


def test_stage_one_needs_six_departments_and_absent_ones_are_those_without_an_organisation(people: People) -> None:
    needed = Department.objects.filter(stages__code="site_land")
    assert sorted(needed.values_list("code", flat=True)) == [
        "development", "environment", "forestry", "land", "ocean", "planning",
    ]  # fmt: skip
    assert sorted(needed.filter(organisation__isnull=False).values_list("code", flat=True)) == ["land", "planning"]
