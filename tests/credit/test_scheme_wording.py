"""What a firm hands to banks and partners names each scheme by its public name, with no internal reference
(no spec section, no seed case), and each class once; the names are stored data, so a data migration changes
them in a database that already holds the old wording, and changes them back."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from credit import schemes, services
from credit.models import CreditRecord, Scheme
from singlewindow.models import Organisation

from .. import factories
from ..clients import web

pytestmark = pytest.mark.django_db

INTERNAL = ("天津案例", "案例6", "SPEC", "S9", "Tianjin case")
PUBLIC_ZH, PUBLIC_EN = "市场主体信用风险分类", "Market entity credit risk classification"


def aeo_firm() -> Organisation:
    """A firm customs certified as an advanced AEO, with a fine that makes it dishonest in public credit."""
    firm = factories.enterprise(name="上海高级认证测试有限公司")
    today = timezone.localdate()
    for values in (
        {"record_id": "AEO-1", "kind": "aeo_advanced", "outcome": "favourable", "decided_at": today - timedelta(days=30)},
        {"record_id": "PEN-1", "kind": "penalty", "penalty_type": "fine", "amount": "1000",
         "decided_at": today - timedelta(days=10)},
    ):  # fmt: skip
        services.record_add(agency="customs", channel="api", values={"uscc": firm.uscc, **values})
    return firm


def organisation_page(firm: Organisation, language: str) -> str:
    page = Client(headers={"accept-language": language})
    page.force_login(factories.clerk(firm))
    html = page.get("/organisation/").content.decode()
    block = html[html.index('id="credit"') :]
    return block[: block.index("</section>")]


def class_line(block: str, scheme: str) -> str:
    """The scheme's line in the credit block: its name, class and rule (not the records listed under it)."""
    line = block[: block.index(f'id="credit-{scheme}"')]
    line = block[line.rindex('<div class="credit-class">') :]
    return line[: min(i for i in (line.find("<ul"), line.find("</div>")) if i >= 0)]


def test_the_credit_report_names_the_schemes_by_their_public_names() -> None:
    firm = aeo_firm()
    pdf = web(factories.clerk(firm)).post("/credit/report/", {"uscc": firm.uscc}).content
    text = re.sub(r"\s+", " ", PdfReader(io.BytesIO(pdf)).pages[0].extract_text())
    assert PUBLIC_ZH in text and PUBLIC_EN in text
    for reference in INTERNAL:
        assert reference not in text, reference


def test_the_organisation_page_names_each_scheme_and_class_once_in_the_reader_s_language() -> None:
    firm = aeo_firm()
    zh = organisation_page(firm, "zh-hans")
    assert PUBLIC_ZH in zh and class_line(zh, "customs").count("高级认证企业") == 1, "the class is written twice"
    for reference in INTERNAL:
        assert reference not in zh, reference
    en = organisation_page(firm, "en")
    assert f"{PUBLIC_EN}:" in en and "Advanced certified enterprise (AEO)" in en
    assert class_line(en, "customs").lower().count("advanced") == 1, "the class is written twice"


def test_the_organisation_page_follows_a_scheme_s_name_with_a_chinese_colon() -> None:
    zh = organisation_page(aeo_firm(), "zh-hans")
    assert f"{PUBLIC_ZH}：" in zh and "海关信用（海关总署令第282号，2026年4月1日起）：" in zh
    assert f"{PUBLIC_ZH}:" not in zh


def old_wording() -> dict[tuple[str, int], tuple[str, Any]]:
    return {(s.key, s.version): (s.name, s.rules) for s in Scheme.objects.all()}


def test_the_wording_migration_renames_stored_schemes_and_back_and_changes_no_rule() -> None:
    firm = aeo_firm()
    classes_before = list(firm_classes(firm))
    schemes.wording_restore(Scheme)  # what a database migrated before 0015 holds
    public = Scheme.objects.get(key="public", version=1)
    assert public.name == "Public credit, four colour classes (Tianjin case 6; SPEC S9)"
    assert public.rules["title"]["zh-hans"] == "公共信用（天津案例6：四色分类）"
    customs = Scheme.objects.get(key="customs", version=1)
    advanced = next(c for c in customs.rules["classes"] if c["key"] == "advanced")
    assert advanced["rules"][0]["label"]["zh-hans"] == "经认证的经营者（高级认证企业）"
    before = old_wording()

    assert schemes.wording_refresh(Scheme) == 3
    public.refresh_from_db()
    assert public.name == PUBLIC_EN
    assert public.rules["title"] == {"zh-hans": PUBLIC_ZH, "en": PUBLIC_EN}
    assert "天津" in public.rules["source"]  # the provenance stays, in the scheme's own note
    v2 = Scheme.objects.get(key="public", version=2)
    assert v2.rules["title"]["zh-hans"] == PUBLIC_ZH and "SPEC" not in v2.name
    for scheme in Scheme.objects.all():  # labels only: every class's rules still count the same records
        assert strip_wording(scheme.rules) == strip_wording(before[(scheme.key, scheme.version)][1])
    assert list(firm_classes(firm)) == classes_before
    assert schemes.wording_refresh(Scheme) == 0  # already current: nothing changed

    schemes.wording_restore(Scheme)
    assert old_wording() == before


def firm_classes(firm: Organisation) -> list[tuple[str, str, str]]:
    services.reclassify()
    from credit.models import Classification

    return list(Classification.objects.filter(uscc=firm.uscc, current=True).values_list("scheme_key", "klass", "rule"))


def strip_wording(value: Any) -> Any:
    """The rules without their names, labels and notes."""
    if isinstance(value, dict):
        return {k: strip_wording(v) for k, v in value.items() if k not in ("title", "label", "source", "name")}
    if isinstance(value, list):
        return [strip_wording(v) for v in value]
    return value


def test_the_demo_s_aeo_certificate_is_dated_after_the_order_it_cites_takes_effect() -> None:
    call_command("demo_data", stdout=io.StringIO())
    aeo = CreditRecord.objects.get(kind="aeo_advanced")
    assert "第282号" in aeo.legal_basis
    customs = Scheme.objects.get(key="customs", version=1)
    assert customs.effective_from == date(2026, 4, 1)
    assert aeo.decided_at >= customs.effective_from
    assert "2025" not in aeo.record_id
