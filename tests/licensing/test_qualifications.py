"""Qualifications (S7): a firm applies once in the portal, the agency the kind belongs to decides, and the
number it gives fills the master record that pre-fills every declaration. Officers see any firm's."""

from __future__ import annotations

import pytest
from django.utils import translation

from declarations import services as declaration_services
from licensing import qualifications
from licensing.models import ApplicationState, Qualification, QualificationApplication, QualificationKind
from singlewindow.choices import Agency
from singlewindow.models import User

from .. import factories
from ..clients import api, web

pytestmark = pytest.mark.django_db


def test_approval_files_the_qualification_and_prefills_declarations(user_a: User) -> None:
    firm = user_a.organisation
    assert firm is not None
    firm.customs_code = ""
    firm.save()
    page = web(user_a).post(
        "/organisation/qualifications/",
        {"kind": QualificationKind.CUSTOMS_DECLARANT, "office": "2200", "details": "进出口货物收发货人"},
    )
    assert page.status_code == 302
    application = QualificationApplication.objects.get(organisation=firm)
    assert application.state == ApplicationState.SUBMITTED

    customs = factories.officer(Agency.CUSTOMS)
    listed = web(customs).get("/qualifications/review/")
    assert f'id="review-{application.pk}"' in listed.content.decode()
    assert web(customs).post(f"/qualifications/review/{application.pk}/", {"decision": "approve"}).status_code == 302

    application.refresh_from_db()
    firm.refresh_from_db()
    qualification = Qualification.objects.get(organisation=firm, kind=QualificationKind.CUSTOMS_DECLARANT)
    assert application.state == ApplicationState.APPROVED and application.qualification == qualification
    assert qualification.number.startswith("2200") and len(qualification.number) == 10
    assert firm.customs_code == qualification.number
    draft = declaration_services.declaration_create(user=user_a)
    assert draft.domestic_party_customs_code == qualification.number


def test_only_the_agency_the_kind_belongs_to_decides(user_a: User) -> None:
    application = qualifications.application_submit(
        user=user_a, kind=QualificationKind.FOREIGN_TRADE_OPERATOR, details="对外贸易经营者备案"
    )
    customs, commerce = factories.officer(Agency.CUSTOMS), factories.officer(Agency.COMMERCE)
    assert f'id="review-{application.pk}"' not in web(customs).get("/qualifications/review/").content.decode()
    assert web(customs).post(f"/qualifications/review/{application.pk}/", {"decision": "approve"}).status_code == 404
    assert (
        api(customs)
        .post(f"/api/v1/qualification-reviews/{application.pk}/decision/", {"approve": True}, format="json")
        .status_code
        == 404
    )
    answer = api(commerce).post(
        f"/api/v1/qualification-reviews/{application.pk}/decision/", {"approve": True}, format="json"
    )
    assert answer.status_code == 200 and answer.json()["number"].startswith("FT")


def test_rejection_needs_a_reason_and_a_decision_is_final(user_a: User) -> None:
    application = qualifications.application_submit(user=user_a, kind=QualificationKind.FOREIGN_TRADE_OPERATOR)
    commerce = api(factories.officer(Agency.COMMERCE))
    url = f"/api/v1/qualification-reviews/{application.pk}/decision/"
    refused = commerce.post(url, {"approve": False}, format="json")
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "reason"
    application.refresh_from_db()
    assert application.state == ApplicationState.SUBMITTED
    assert commerce.post(url, {"approve": False, "reason": "经营范围不符"}, format="json").status_code == 200
    again = commerce.post(url, {"approve": True}, format="json")
    assert again.status_code == 400
    application.refresh_from_db()
    assert (application.state, application.qualification) == (ApplicationState.REJECTED, None)


def test_bad_applications_are_refused_with_a_reason_and_change_nothing(user_a: User) -> None:
    client = api(user_a)
    no_office = client.post(
        "/api/v1/qualification-applications/", {"kind": QualificationKind.CUSTOMS_DECLARANT}, format="json"
    )
    assert no_office.status_code == 400 and no_office.json()["errors"][0]["field"] == "office"
    with translation.override("zh-hans"):
        held = client.post(
            "/api/v1/qualification-applications/",
            {"kind": QualificationKind.INSPECTION_REGISTRATION, "office": "310000"},
            format="json",
        )  # the factory's firms are registered with inspection already
        assert held.json()["errors"][0]["message"] == translation.gettext(
            "Your enterprise already holds this qualification."
        )
    first = client.post(
        "/api/v1/qualification-applications/", {"kind": QualificationKind.FOREIGN_TRADE_OPERATOR}, format="json"
    )
    assert first.status_code == 201
    second = client.post(
        "/api/v1/qualification-applications/", {"kind": QualificationKind.FOREIGN_TRADE_OPERATOR}, format="json"
    )
    assert second.status_code == 400
    assert QualificationApplication.objects.filter(organisation=user_a.organisation).count() == 1


def test_a_firm_sees_only_its_own_and_officers_look_firms_up(user_a: User, user_b: User) -> None:
    mine = qualifications.application_submit(user=user_a, kind=QualificationKind.FOREIGN_TRADE_OPERATOR)
    theirs = api(user_b).get("/api/v1/qualification-applications/").json()
    assert theirs == []
    assert [a["id"] for a in api(user_a).get("/api/v1/qualification-applications/").json()] == [mine.pk]
    for path in ("/qualifications/review/", f"/qualifications/firm/?uscc={user_b.organisation.uscc}"):  # type: ignore[union-attr]
        assert web(user_a).get(path).status_code == 404
    assert api(user_a).get("/api/v1/qualification-reviews/").status_code == 404
    assert (
        api(user_a)
        .post(f"/api/v1/qualification-reviews/{mine.pk}/decision/", {"approve": True}, format="json")
        .status_code
        == 404
    )
    officer = factories.officer(Agency.INSPECTION)
    page = web(officer).get(f"/qualifications/firm/?uscc={user_b.organisation.uscc}").content.decode()  # type: ignore[union-attr]
    assert user_b.organisation.inspection_code in page  # type: ignore[union-attr]
    assert 'id="not-found"' in web(officer).get("/qualifications/firm/?uscc=91310000000000000X").content.decode()
