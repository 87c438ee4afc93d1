"""The declarations list shows when each declaration was submitted, the date its filters select by."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from declarations import services

from .. import factories
from ..clients import web

pytestmark = pytest.mark.django_db


def test_the_list_shows_the_submitted_time_its_date_filter_selects_by() -> None:
    clerk = factories.clerk()
    submitted = factories.valid_draft(clerk, lines=1)
    services.declaration_submit(declaration=submitted, user=clerk)
    submitted.refresh_from_db()
    draft = factories.valid_draft(clerk, lines=1, documents=False)
    day = timezone.localtime(submitted.submitted_at)

    page = web(clerk).get(f"/declarations/?submitted_from={day:%Y-%m-%d}", HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page.content.decode()
    assert re.search(r"<th[^>]*>申报时间</th>", html)
    assert f"{day:%Y-%m-%d %H:%M}" in html
    assert f"草稿 #{draft.pk}" not in html  # a draft has no submitted time, so the filter leaves it out

    everything = web(clerk).get("/declarations/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    row = re.search(rf"<tr>(?:(?!</tr>).)*草稿 #{draft.pk}.*?</tr>", everything, re.S)
    assert row and re.search(r'data-label="申报时间"[^>]*>\s*</td>', row.group(0))  # empty for the draft
