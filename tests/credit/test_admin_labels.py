"""A platform administrator reads credit classes and schemes in the admin in their own language: the class
names, rules and scheme names the rest of the portal shows, in the columns and in the filters, never the
codes they are stored under."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from credit import services
from credit.models import Classification

from .. import factories
from ..clients import web

pytestmark = pytest.mark.django_db


def page(admin_user: Any, path: str, language: str = "zh-hans") -> str:
    html = web(admin_user, headers={"accept-language": language}).get(path).content.decode()
    return re.sub(r"\s+", " ", html)


@pytest.fixture
def fined() -> None:
    firm = factories.enterprise()
    services.record_add(agency="customs", channel="api", values={
        "uscc": firm.uscc, "record_id": "PEN-ADMIN", "kind": "penalty", "penalty_type": "fine", "amount": "1000",
        "decided_at": timezone.localdate() - timedelta(days=3)})  # fmt: skip
    assert Classification.objects.filter(uscc=firm.uscc, scheme_key="public", klass="red", current=True).exists()


def test_the_class_list_names_schemes_classes_and_rules_in_chinese(admin_user: Any, fined: None) -> None:
    html = page(admin_user, "/admin/credit/classification/")
    results = html[html.index('id="result_list"') :]
    results = results[: results.index("</table>")]
    for shown in ("市场主体信用风险分类", "失信", "受到非警告类行政处罚（5次以内，罚没款50万元以下）"):
        assert shown in results, shown
    for code in (">public<", ">red<", "penalties_not_warnings", ">customs<"):
        assert code not in results, code
    filters = html[html.index('id="changelist-filter"') :]
    for shown in (
        "市场主体信用风险分类",
        "海关信用（海关总署令第282号，2026年4月1日起）",
        "失信",
        "良好",
        "高级认证企业",
    ):
        assert f">{shown}</a>" in filters or f"{shown}</a>" in filters, shown
    for code in (">public</a>", ">red</a>", ">advanced</a>", ">green</a>"):
        assert code not in filters, code


def test_a_filter_by_class_keeps_that_class_only(admin_user: Any, fined: None) -> None:
    def shown(value: str) -> int:
        html = page(admin_user, f"/admin/credit/classification/?klass={value}")
        return int(re.findall(r'<p class="paginator"> (\d+) ', html)[0])

    assert (shown("public%3Ared"), shown("public%3Agreen"), shown("customs%3Aregular")) == (1, 0, 1)


def test_the_scheme_list_names_each_scheme_in_the_reader_s_language(admin_user: Any) -> None:
    zh = page(admin_user, "/admin/credit/scheme/")
    assert "市场主体信用风险分类" in zh and "海关信用（海关总署令第282号，2026年4月1日起）" in zh
    en = page(admin_user, "/admin/credit/scheme/", "en")
    assert "Market entity credit risk classification" in en and "Customs credit (GACC Order 282" in en
