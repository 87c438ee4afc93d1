"""Another firm's case, another department's review: 404 on pages and API, never 403, nothing changed."""

from __future__ import annotations

import pytest
from django.utils import timezone

from approvals.choices import ReviewState
from tests import factories
from tests.clients import api, web

from .conftest import People
from .helpers import accepted, join

pytestmark = pytest.mark.django_db


def test_another_firm_gets_404_for_a_case_on_pages_and_api(people: People) -> None:
    case = accepted(people.clerk, people.window, at=timezone.now())
    other = factories.clerk()
    page, rest = web(other), api(other)
    answers = {
        "detail page": page.get(f"/approvals/{case.pk}/").status_code,
        "resubmit page": page.get(f"/approvals/{case.pk}/resubmit/").status_code,
        "API detail": rest.get(f"/api/v1/approvals/cases/{case.pk}/").status_code,
        "API resubmit": rest.post(f"/api/v1/approvals/cases/{case.pk}/resubmit/", {"form": {}}, format="json").status_code,
    }  # fmt: skip
    assert answers == dict.fromkeys(answers, 404)
    assert case.project_name not in page.get("/approvals/").content.decode()


def test_another_department_gets_404_for_a_review_and_it_stays_pending(people: People) -> None:
    case = accepted(people.clerk, people.window, at=timezone.now())
    review = case.reviews.get(department__code="planning")
    fire = join("fire")  # stage 1 does not need the fire brigade
    answers = {
        "detail page": web(fire).get(f"/approvals/{case.pk}/").status_code,
        "page opinion": web(fire).post(f"/approvals/reviews/{review.pk}/", {"approve": "yes"}).status_code,
        "API opinion": api(fire).post(f"/api/v1/approvals/reviews/{review.pk}/", {"approve": True}, format="json").status_code,
        "land's officer": api(people.land).post(f"/api/v1/approvals/reviews/{review.pk}/", {"approve": True},
                                                format="json").status_code,
    }  # fmt: skip
    assert answers == dict.fromkeys(answers, 404)
    review.refresh_from_db()
    assert review.state == ReviewState.PENDING


def test_a_department_officer_sees_only_its_own_review_of_a_case(people: People) -> None:
    case = accepted(people.clerk, people.window, at=timezone.now())
    detail = api(people.planning).get(f"/api/v1/approvals/cases/{case.pk}/").json()
    assert [r["department"] for r in detail["reviews"]] == ["planning"]
    assert len(api(people.clerk).get(f"/api/v1/approvals/cases/{case.pk}/").json()["reviews"]) == 6


def test_filing_and_following_over_the_api(people: People) -> None:
    from .helpers import form

    filed = api(people.clerk).post("/api/v1/approvals/cases/", {"stage": "site_land", "form": form()}, format="json")
    assert filed.status_code == 201, filed.content
    pk = filed.json()["id"]
    refused = api(people.clerk).post("/api/v1/approvals/cases/", {"stage": "site_land", "form": {}}, format="json")
    assert refused.status_code == 400
    assert {e["field"] for e in refused.json()["errors"]} >= {"project_name", "site", "investment"}
    assert api(people.window).post(f"/api/v1/approvals/cases/{pk}/accept/", {}, format="json").status_code == 200
    shown = api(people.clerk).get(f"/api/v1/approvals/cases/{pk}/").json()
    assert shown["state"] == "in_review" and len(shown["reviews"]) == 6


def test_filing_on_the_page_and_the_window_returning_and_accepting_on_its_page(people: People) -> None:
    from approvals.models import ApprovalCase

    from .helpers import form

    page = web(people.clerk)
    assert page.get("/approvals/new/?stage=design").status_code == 200
    refused = page.post("/approvals/new/", {"stage": "site_land", "project_name": ""})
    assert refused.status_code == 400 and not ApprovalCase.objects.exists()
    data = {**form(), "stage": "site_land", "materials": form()["materials"][:2]}
    response = page.post("/approvals/new/", data)
    case = ApprovalCase.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/approvals/{case.pk}/"
    window = web(people.window)
    assert "用地红线图" in window.get(f"/approvals/{case.pk}/").content.decode()  # proposed as missing
    window.post(f"/approvals/{case.pk}/return/", {"missing": "用地红线图\n项目选址意向图"})
    case.refresh_from_db()
    assert case.state == "returned" and case.missing == ["用地红线图", "项目选址意向图"]
    assert page.get(f"/approvals/{case.pk}/resubmit/").status_code == 200
    assert page.post(f"/approvals/{case.pk}/resubmit/", {**form(), "stage": "site_land"}).status_code == 302
    window.post(f"/approvals/{case.pk}/accept/", {})
    case.refresh_from_db()
    assert case.state == "in_review"
