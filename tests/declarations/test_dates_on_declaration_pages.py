"""A declaration's pages write every date-time one way ("2026-12-05 14:03"), in Beijing time, the portal's
time zone, and say so once where the times are listed (the timeline's legend)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from declarations.choices import EventKind
from declarations.models import Declaration, DeclarationVersion, Event
from singlewindow.choices import Agency
from singlewindow.models import User

from .. import factories
from ..clients import web
from .test_officer_list_queue import receipt, submitted

pytestmark = pytest.mark.django_db

SUBMITTED = datetime(2026, 12, 5, 6, 3, 27, tzinfo=UTC)  # 14:03 in Beijing
RELEASED = datetime(2026, 12, 5, 21, 38, 44, tzinfo=UTC)  # 05:38 the next morning in Beijing


def page(user: User, path: str, language: str) -> str:
    return web(user).get(path, HTTP_ACCEPT_LANGUAGE=language).content.decode()


@pytest.fixture
def released() -> tuple[User, Declaration]:
    clerk = factories.clerk()
    declaration = submitted(clerk)
    receipt(declaration, Agency.CUSTOMS, 1, EventKind.RELEASED)
    DeclarationVersion.objects.filter(declaration=declaration).update(submitted_at=SUBMITTED)
    Declaration.objects.filter(pk=declaration.pk).update(submitted_at=SUBMITTED)
    Event.objects.filter(declaration=declaration, kind=EventKind.RELEASED).update(at=RELEASED)
    return clerk, declaration


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_detail_page_writes_every_time_one_way_in_beijing_time(
    released: tuple[User, Declaration], language: str
) -> None:
    clerk, declaration = released
    html = page(clerk, f"/declarations/{declaration.pk}/", language)

    facts = re.search(r'<dl class="facts">.*?</dl>', html, re.S)
    assert facts and "2026-12-05 14:03" in facts.group(0)  # the header's submitted time
    versions = re.search(rf"<tr><td>1</td><td>{declaration.pre_entry_no}</td>.*?</tr>", html, re.S)
    assert versions and "<td>2026-12-05 14:03</td>" in versions.group(0)
    timeline = re.search(r'<section class="card timeline".*?</section>', html, re.S)
    assert timeline
    assert '<span class="when">2026-12-06 05:38</span>' in timeline.group(0)
    if language == "en":  # (the Chinese words come with the catalogue: 时间均为北京时间)
        assert timeline.group(0).count("Times are Beijing time (UTC+8).") == 1  # once, where times are listed
    assert "2026年12月" not in html and "Dec. 5, 2026" not in html
    assert not re.search(r"\d{2}:\d{2}:\d{2}", html)  # no second time format with seconds


def test_the_live_timeline_fragment_says_the_time_zone(released: tuple[User, Declaration]) -> None:
    _, declaration = released
    officer = factories.officer(Agency.CUSTOMS)
    html = page(officer, f"/declarations/{declaration.pk}/timeline/", "en")
    assert '<span class="when">2026-12-06 05:38</span>' in html
    assert html.count("Beijing time") == 1
