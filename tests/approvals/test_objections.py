"""A department's objection (seed case 5: 行政审批局 leads, one decision): it does not close the case; the
other departments' reviews go on in parallel; once every review is in, a case with an objection goes to the
window, which returns it for correction (补正: the applicant sees every opinion, amends and files again; the
departments that objected review it again, with a fresh deadline) or refuses it with its reasons."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import translation

from approvals import services
from approvals.choices import CaseState, DeadlineRule, ReviewState
from approvals.deadlines import deadlines_sweep
from approvals.models import ApprovalCase
from singlewindow.models import Notification
from tests import factories
from tests.clients import api, web

from .conftest import People
from .helpers import accepted, beijing, form

pytestmark = pytest.mark.django_db

ACCEPTED = beijing(2026, 9, 29, 10, 0)
OBJECTED = beijing(2026, 9, 30, 10, 0)
DUE = beijing(2026, 10, 20, 0, 0)  # stage 1: 10 working days from 29 Sep (test_deadlines)
OBJECTION = "用地红线图比例尺不符，请补正"


def objected(people: People, *, public_safety: bool = False) -> ApprovalCase:
    """Land objects; planning has not answered yet; the absent departments are awaited."""
    case = accepted(people.clerk, people.window, at=ACCEPTED, public_safety=public_safety)
    land = case.reviews.get(department__code="land")
    services.review_post(user=people.land, review_id=land.pk, approve=False, opinion=OBJECTION, now=OBJECTED)
    case.refresh_from_db()
    return case


def all_in(people: People) -> ApprovalCase:
    """Land objected, planning approved, the absent departments deemed to consent: the window decides."""
    case = objected(people)
    planning = case.reviews.get(department__code="planning")
    services.review_post(user=people.planning, review_id=planning.pk, approve=True, opinion="同意", now=OBJECTED)
    deadlines_sweep(now=DUE + timedelta(seconds=5))
    case.refresh_from_db()
    return case


def kinds(user) -> list[str]:  # type: ignore[no-untyped-def]
    return list(Notification.objects.filter(recipient=user).order_by("id").values_list("kind", flat=True))


def test_an_objection_leaves_the_case_open_and_the_other_departments_still_give_opinions(people: People) -> None:
    case = objected(people)
    assert case.state == CaseState.IN_REVIEW and case.closed_at is None
    planning = case.reviews.get(department__code="planning")
    services.review_post(user=people.planning, review_id=planning.pk, approve=True, opinion="同意", now=OBJECTED)
    page = web(people.planning).get(f"/approvals/{case.pk}/")
    assert page.status_code == 200
    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW  # the absent departments are still awaited
    assert "approval_objection" in kinds(people.clerk) and "approval_objection" in kinds(people.window)
    clerk_page = web(people.clerk).get(f"/approvals/{case.pk}/").content.decode()
    assert OBJECTION in clerk_page and "已拒绝" not in clerk_page


def test_once_every_review_is_in_an_objected_case_goes_to_the_window(people: People) -> None:
    case = all_in(people)
    assert case.state == CaseState.OBJECTED
    assert "approval_objections_in" in kinds(people.window) and "approval_objections_in" in kinds(people.clerk)
    page = web(people.window).get(f"/approvals/{case.pk}/").content.decode()
    assert 'id="window-decides"' in page and OBJECTION in page
    # Only the window acts on it: the applicant cannot refuse, nor file again yet.
    with pytest.raises(services.ApprovalRefused):
        services.case_resubmit(user=people.clerk, case_id=case.pk, form=form())


def test_the_window_returns_for_correction_the_applicant_files_again_and_the_objector_approves(
    people: People,
) -> None:
    case = all_in(people)
    window = web(people.window)
    window.post(f"/approvals/{case.pk}/correction/", {"note": "按国土资源局意见更换用地红线图"})
    case.refresh_from_db()
    assert case.state == CaseState.CORRECTION and case.correction_note == "按国土资源局意见更换用地红线图"
    assert "approval_correction" in kinds(people.clerk)

    clerk = web(people.clerk)
    detail = clerk.get(f"/approvals/{case.pk}/").content.decode()
    assert OBJECTION in detail and "同意" in detail and f"/approvals/{case.pk}/resubmit/" in detail
    resubmit_page = clerk.get(f"/approvals/{case.pk}/resubmit/").content.decode()
    assert OBJECTION in resubmit_page and "按国土资源局意见更换用地红线图" in resubmit_page

    response = clerk.post(f"/approvals/{case.pk}/resubmit/", {**form(), "site": "福建省平潭综合实验区金井湾片区B地块"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW and case.form["site"].endswith("B地块")
    land = case.reviews.get(department__code="land")
    planning = case.reviews.get(department__code="planning")
    assert (land.state, land.opinion, land.earlier_opinion) == (ReviewState.PENDING, "", OBJECTION)
    assert land.due_at > DUE  # a fresh deadline, from the resubmission
    assert planning.state == ReviewState.APPROVED  # who approved is not asked again
    assert "approval_review_requested" in kinds(people.land)
    assert "approval_corrected" in kinds(people.window)

    services.review_post(user=people.land, review_id=land.pk, approve=True, opinion="已补正，同意",
                         now=land.due_at - timedelta(days=1))  # fmt: skip
    case.refresh_from_db()
    assert case.state == CaseState.PUBLIC_NOTICE


def test_a_resubmitted_objector_that_does_not_answer_is_deemed_to_consent_at_its_fresh_deadline(
    people: People,
) -> None:
    case = all_in(people)
    services.case_return_for_correction(user=people.window, case_id=case.pk, now=DUE + timedelta(days=1))
    services.case_resubmit(user=people.clerk, case_id=case.pk, form=form(), now=DUE + timedelta(days=2))
    land = case.reviews.get(department__code="land")
    assert deadlines_sweep(now=land.due_at - timedelta(seconds=1)).deemed == 0
    assert deadlines_sweep(now=land.due_at + timedelta(seconds=1)).deemed == 1
    land.refresh_from_db()
    assert (land.state, land.rule) == (ReviewState.DEEMED_CONSENT_OVERDUE, DeadlineRule.OVERDUE)
    case.refresh_from_db()
    assert case.state == CaseState.PUBLIC_NOTICE


def test_a_public_safety_case_keeps_escalating_after_correction(people: People) -> None:
    case = objected(people, public_safety=True)
    planning = case.reviews.get(department__code="planning")
    services.review_post(user=people.planning, review_id=planning.pk, approve=True, opinion="同意", now=OBJECTED)
    deadlines_sweep(now=DUE + timedelta(seconds=5))  # the absent departments are escalated, not deemed
    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW
    assert set(case.reviews.filter(department__organisation__isnull=True).values_list("state", flat=True)) == {
        ReviewState.ESCALATED
    }


def test_the_window_refuses_with_its_reasons_and_the_case_is_closed(people: People) -> None:
    case = all_in(people)
    window = web(people.window)
    # The refusal's reasons are proposed from the objections, in the reader's language and punctuation
    # (a translatable format: zh 「国土资源局：…」).
    page = window.get(f"/approvals/{case.pk}/", headers={"accept-language": "en"}).content.decode()
    assert f"Land and Resources Bureau: {OBJECTION}" in page
    with pytest.raises(services.ApprovalRefused) as bare:
        services.case_refuse(user=people.window, case_id=case.pk, reason=" ")
    case.refresh_from_db()
    assert (bare.value.code, case.state) == ("required", CaseState.OBJECTED)
    window.post(f"/approvals/{case.pk}/refuse/", {"reason": "项目用地占用基本农田，不符合土地利用总体规划"})
    case.refresh_from_db()
    assert case.state == CaseState.REFUSED and case.closed_at is not None
    assert case.refusal_reason == "项目用地占用基本农田，不符合土地利用总体规划"
    shown = web(people.clerk).get(f"/approvals/{case.pk}/").content.decode()
    assert "项目用地占用基本农田，不符合土地利用总体规划" in shown
    with translation.override("zh-hans"):
        [told] = [n.message for n in Notification.objects.filter(recipient=people.clerk, kind="approval_refused")]
    assert told == f"办件 {case.number} 不予批准：项目用地占用基本农田，不符合土地利用总体规划"
    with pytest.raises(services.ApprovalRefused):  # closed: no correction any more
        services.case_return_for_correction(user=people.window, case_id=case.pk)


def test_only_the_window_returns_for_correction_or_refuses(people: People) -> None:
    case = all_in(people)
    for user in (people.clerk, people.land, factories.clerk()):
        for path, data in (("correction", {}), ("refuse", {"reason": "不予批准"})):
            assert web(user).post(f"/approvals/{case.pk}/{path}/", data).status_code == 404
    assert api(people.land).post(f"/api/v1/approvals/cases/{case.pk}/refusal/", {"reason": "不予批准"},
                                 format="json").status_code == 404  # fmt: skip
    case.refresh_from_db()
    assert case.state == CaseState.OBJECTED


def test_a_foreign_organisation_gets_404_on_a_case_returned_for_correction(people: People) -> None:
    case = all_in(people)
    services.case_return_for_correction(user=people.window, case_id=case.pk, note="补正")
    other = factories.clerk()
    answers = {
        "detail page": web(other).get(f"/approvals/{case.pk}/").status_code,
        "resubmit page": web(other).get(f"/approvals/{case.pk}/resubmit/").status_code,
        "resubmit": web(other).post(f"/approvals/{case.pk}/resubmit/", form()).status_code,
        "API resubmit": api(other).post(f"/api/v1/approvals/cases/{case.pk}/resubmit/", {"form": form()},
                                        format="json").status_code,
    }  # fmt: skip
    assert answers == dict.fromkeys(answers, 404)
    case.refresh_from_db()
    assert case.state == CaseState.CORRECTION


def test_the_window_acts_over_the_api_too(people: People) -> None:
    case = all_in(people)
    corrected = api(people.window).post(f"/api/v1/approvals/cases/{case.pk}/correction/", {"note": "补正"},
                                        format="json")  # fmt: skip
    assert corrected.status_code == 200 and corrected.json()["state"] == "correction"
    refused = api(people.window).post(f"/api/v1/approvals/cases/{case.pk}/refusal/", {"reason": "不予批准"},
                                      format="json")  # fmt: skip
    assert refused.status_code == 409  # only a case awaiting the window's decision can be refused


def test_each_reader_reads_the_objecting_departments_in_their_language(people: People) -> None:
    """The notice to the bureau and the applicant names the departments that objected: in Chinese, joined
    with 、; in English, by their English names."""
    all_in(people)
    notice = Notification.objects.get(recipient=people.clerk, kind="approval_objections_in")
    with translation.override("zh-hans"):
        assert "国土资源局" in notice.message and "Land and Resources Bureau" not in notice.message
    with translation.override("en"):
        assert "objections from Land and Resources Bureau:" in notice.message and "国土资源局" not in notice.message
    objection = Notification.objects.get(recipient=people.clerk, kind="approval_objection")
    with translation.override("en"):
        assert "Land and Resources Bureau" in objection.message and "国土资源局" not in objection.message
    filed = Notification.objects.filter(recipient=people.window, kind="approval_filed").first()
    applicant = people.clerk.organisation
    assert filed is not None and applicant is not None
    with translation.override("en"):
        assert applicant.name_en in filed.message and applicant.name not in filed.message
