"""What an officer reads on a spot check's pages (SPEC S9): the drawn enterprises by name, who drew the check
by name and organisation, each inspector with the organisation they come from."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.utils import translation

from credit import spotchecks
from credit.models import SpotCheck
from singlewindow.choices import Agency
from singlewindow.models import Organisation, User

from .. import factories
from ..clients import web

pytestmark = pytest.mark.django_db


def named_officer(agency: str, name: str) -> User:
    officer = factories.officer(agency)
    officer.first_name = name
    officer.save(update_fields=["first_name"])
    return officer


@pytest.fixture
def check() -> SpotCheck:
    for n in range(5):
        factories.enterprise(name=f"抽查企业{n}")
    drawer = named_officer(Agency.CUSTOMS, "刘洋")
    named_officer(Agency.INSPECTION, "赵敏")
    return spotchecks.spot_check_draw(user=drawer, title="2026年第一批", ratio=Decimal("1"), seed="names")


def named(user: User) -> str:
    """An officer as the pages name them: the name, then the organisation they belong to."""
    assert user.organisation is not None
    with translation.override("zh-hans"):
        return translation.gettext("%(name)s (%(organisation)s)") % {
            "name": user.first_name,
            "organisation": user.organisation.name,
        }


def row(html: str, element_id: str) -> str:
    found = re.search(rf'<tr id="{element_id}">(.*?)</tr>', html, re.S)
    assert found, f"no row {element_id}"
    return found.group(1)


def test_the_drawn_firms_are_listed_by_name_and_their_inspectors_with_their_organisation(check: SpotCheck) -> None:
    html = web(check.drawn_by).get(f"/credit/spot-checks/{check.pk}/").content.decode()
    for firm in check.firms.prefetch_related("inspectors__organisation"):
        shown = row(html, f"drawn-{firm.uscc}")
        assert Organisation.objects.get(uscc=firm.uscc).name in shown and firm.uscc in shown
        for inspector in firm.inspectors.all():
            assert named(inspector) in shown
            assert inspector.username not in shown


def test_the_header_names_who_drew_the_check_and_their_organisation(check: SpotCheck) -> None:
    html = web(check.drawn_by).get(f"/credit/spot-checks/{check.pk}/").content.decode()
    head = html[html.index('class="page-head"') :]
    head = head[: head.index("</div>")]
    assert named(check.drawn_by) in head and "刘洋" in head
    assert check.drawn_by.username not in head


def test_the_one_enterprise_form_names_the_inspectors_with_their_organisation(check: SpotCheck) -> None:
    firm = check.firms.prefetch_related("inspectors__organisation").first()
    assert firm is not None
    url = f"/credit/spot-checks/{check.pk}/firms/{firm.pk}/"
    html = web(check.drawn_by).get(url).content.decode()
    for inspector in firm.inspectors.all():
        assert named(inspector) in html
    english = web(check.drawn_by).get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Inspectors:" in english and "inspectors:" not in english
