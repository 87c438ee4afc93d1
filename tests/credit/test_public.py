"""The public credit page: anyone, without logging in, finds an enterprise by USCC or name and reads its
public class in its colour, the rule, and the records published now — never a non-public, repaired or
expired record; a record under objection is marked so."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from credit import services
from credit.choices import RecordState
from credit.models import CreditRecord
from singlewindow.models import Organisation

from .. import factories

pytestmark = pytest.mark.django_db


def record(firm: Organisation, record_id: str, **values: Any) -> CreditRecord:
    return services.record_add(agency="customs", channel="api", values={
        "uscc": firm.uscc, "record_id": record_id, "kind": "penalty", "penalty_type": "fine", "amount": "30000",
        "legal_basis": f"依据 {record_id}", "decided_at": timezone.localdate() - timedelta(days=30), **values})  # fmt: skip


def page(query: str) -> str:
    return Client(headers={"accept-language": "zh-hans"}).get("/credit/", {"q": query}).content.decode()


def test_anyone_finds_a_firm_and_reads_only_what_is_published() -> None:
    firm = factories.enterprise(name="上海星河贸易有限公司")
    record(firm, "SHOWN")
    record(firm, "SECRET", public=False)
    record(firm, "EXPIRED", publish_until=timezone.localdate() - timedelta(days=1))
    objected = record(firm, "OBJECTED")
    repaired = record(firm, "REPAIRED")
    CreditRecord.objects.filter(pk=objected.pk).update(state=RecordState.OBJECTED)
    CreditRecord.objects.filter(pk=repaired.pk).update(state=RecordState.REPAIRED)
    for query in (firm.uscc, "星河贸易"):
        html = page(query)
        assert f'id="class-{firm.uscc}"' in html and "失信" in html
        assert "依据 SHOWN" in html and "依据 OBJECTED" in html and "异议处理中" in html
        for hidden in ("依据 SECRET", "依据 EXPIRED", "依据 REPAIRED"):
            assert hidden not in html


def test_at_most_fifty_hits_and_odd_queries_answer_calmly() -> None:
    for i in range(52):
        factories.enterprise(name=f"同名测试企业{i:02d}")
    html = page("同名测试企业")
    assert html.count('class="card credit-entry"') == 50
    assert Client().get("/credit/", {"q": "a\x00b"}).status_code == 400  # a NUL: refused before any page
    assert "No registered" not in page("x")  # too short to search: nothing said, nothing listed
    assert 'id="no-hits"' in page("不存在的企业名称")
