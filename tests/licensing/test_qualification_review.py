"""Qualification applications as the reviewing officers and the firm see them (S7): the office applied to by
its name in the code lists; the officers of the agency that decides the kind told of a new application; the
firm offered only the offices of that agency, and refused, on the field, an office of another."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from licensing import qualifications
from licensing.models import QualificationApplication, QualificationKind
from singlewindow.choices import Agency
from singlewindow.models import Notification, User

from .. import factories
from ..clients import web

pytestmark = pytest.mark.django_db

APPLY = "/organisation/qualifications/"


def offices_offered(html: str) -> set[str]:
    select = re.search(r'<select name="office"[^>]*>(.*?)</select>', html, re.S)
    return set(re.findall(r'<option value="(\w+)"', select.group(1))) if select else set()


def test_the_review_and_the_firm_s_pages_name_the_office(user_a: User) -> None:
    application = qualifications.application_submit(
        user=user_a, kind=QualificationKind.CUSTOMS_DECLARANT, office="2200"
    )
    review = web(factories.officer(Agency.CUSTOMS)).get("/qualifications/review/").content.decode()
    row = review[review.index(f'id="review-{application.pk}"') :]
    assert "上海海关" in row[: row.index("</tr>")]
    own = web(user_a).get(APPLY).content.decode()
    row = own[own.index(f'id="qualification-application-{application.pk}"') :]
    assert "上海海关" in row[: row.index("</tr>")]


def test_the_officers_of_the_deciding_agency_are_told_of_a_new_application(user_a: User) -> None:
    customs, other_customs = factories.officer(Agency.CUSTOMS), factories.officer(Agency.CUSTOMS)
    inspection = factories.officer(Agency.INSPECTION)
    answer = web(user_a).post(APPLY, {"kind": QualificationKind.CUSTOMS_DECLARANT, "office": "2200"})
    assert answer.status_code == 302

    told = Notification.objects.filter(kind="qualification_applied")
    assert set(told.values_list("recipient_id", flat=True)) == {customs.pk, other_customs.pk}
    page = web(customs).get("/notifications/").content.decode()
    firm = user_a.organisation
    assert firm is not None
    with translation.override("zh-hans"):
        sentence = translation.gettext(
            "%(firm)s (%(uscc)s) applied for a qualification your agency decides: review it."
        ) % {"firm": firm.name, "uscc": firm.uscc}
    assert sentence in page and 'href="/qualifications/review/"' in page
    with translation.override("en"):
        english = told.first().message  # type: ignore[union-attr]
    assert firm.name_en in english and firm.name not in english
    assert not Notification.objects.filter(recipient__in=[inspection, user_a]).exists()


def test_the_form_offers_only_the_offices_of_the_agency_that_decides_the_kind(user_a: User) -> None:
    client = web(user_a)
    customs = offices_offered(client.get(APPLY, {"kind": QualificationKind.CUSTOMS_DECLARANT}).content.decode())
    assert "2200" in customs and "310000" not in customs
    inspection = offices_offered(
        client.get(APPLY, {"kind": QualificationKind.INSPECTION_REGISTRATION}).content.decode()
    )
    assert "310000" in inspection and "2200" not in inspection
    trade = client.get(APPLY, {"kind": QualificationKind.FOREIGN_TRADE_OPERATOR}).content.decode()
    assert offices_offered(trade) == set()  # commerce files it: no office to choose


def test_an_office_of_another_agency_is_refused_on_the_field_and_nothing_is_stored(user_a: User) -> None:
    page = web(user_a).post(APPLY, {"kind": QualificationKind.CUSTOMS_DECLARANT, "office": "310000"})
    assert page.status_code == 200
    html = page.content.decode()
    field = html[html.index('id="office-field"') :]
    with translation.override("zh-hans"):
        wrong_office = translation.gettext(
            "%(office)s does not register this qualification: choose an office of %(agency)s."
        ) % {"office": "上海检验检疫", "agency": "海关"}
        no_office = translation.gettext("%(agency)s decides this qualification: choose no office.") % {
            "agency": translation.gettext("Commerce")
        }
        with pytest.raises(qualifications.QualificationRefused) as refused:
            qualifications.application_submit(user=user_a, kind=QualificationKind.FOREIGN_TRADE_OPERATOR, office="2200")
    assert wrong_office in field[: field.index("</select>") + 400]  # under the office field
    assert refused.value.field == "office" and str(refused.value) == no_office
    assert not QualificationApplication.objects.filter(organisation=user_a.organisation).exists()
    assert not Notification.objects.filter(kind="qualification_applied").exists()
