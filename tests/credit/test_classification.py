"""Classes from records: each boundary of both shipped schemes, the worst class wins, evidence names the
rule and the records, repaired records stop counting, a scheme change reclassifies with history kept."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from credit import classify, selectors, services
from credit.choices import RecordState
from credit.models import Classification, CreditRecord, Scheme
from singlewindow.models import Organisation

from .. import factories

pytestmark = pytest.mark.django_db
counter = iter(range(1, 1_000_000))


def record(firm: Organisation, agency: str = "customs", days_ago: int = 10, **values: Any) -> CreditRecord:
    values.setdefault("kind", "penalty")
    return services.record_add(
        agency=agency,
        channel="api",
        values={"uscc": firm.uscc, "record_id": f"R{next(counter)}",
                "decided_at": timezone.localdate() - timedelta(days=days_ago), **values},
    )  # fmt: skip


def current(firm: Organisation, scheme: str = "public") -> Classification:
    return Classification.objects.get(uscc=firm.uscc, scheme_key=scheme, current=True)


def fines(firm: Organisation, count: int, amount: str = "1000", penalty_type: str = "fine") -> list[CreditRecord]:
    return [record(firm, penalty_type=penalty_type, amount=amount) for _ in range(count)]


@pytest.fixture
def firm() -> Organisation:
    return factories.enterprise()


def test_a_firm_with_no_records_is_good_and_regular(firm: Organisation) -> None:
    services.reclassify(usccs=[firm.uscc])
    assert (current(firm).klass, current(firm).rule, current(firm).evidence) == ("green", "", [])
    assert current(firm, "customs").klass == "regular"


@pytest.mark.parametrize(
    ("records", "klass", "rule"),
    [
        ([{"penalty_type": "warning"}], "yellow", "warnings"),
        ([{"kind": "performance", "outcome": "adverse"}], "yellow", "adverse_information"),
        ([{"kind": "performance", "outcome": "favourable"}], "green", ""),
        ([{"penalty_type": "fine", "amount": "20000"}], "red", "penalties_not_warnings"),
        ([{"kind": "abnormal_list"}], "red", "abnormal_list"),
        ([{"penalty_type": "fine", "amount": "100000"}] * 5, "red", "penalties_not_warnings"),
        ([{"penalty_type": "fine", "amount": "1000"}] * 6, "black", "more_than_5_penalties"),
        ([{"penalty_type": "fine", "amount": "250000"}] * 2, "red", "penalties_not_warnings"),
        (
            [{"penalty_type": "fine", "amount": "250000"}, {"penalty_type": "confiscation", "amount": "250000.01"}],
            "black",
            "fines_over_500000",
        ),
        ([{"kind": "serious_list"}], "black", "serious_list"),
        ([{"penalty_type": "licence_revoked"}], "black", "stopped_or_revoked"),
    ],
)
def test_public_credit_boundaries(firm: Organisation, records: list[dict[str, Any]], klass: str, rule: str) -> None:
    stored = [record(firm, **values) for values in records]
    shown = current(firm)
    assert (shown.klass, shown.rule) == (klass, rule)
    [public] = [c for c in selectors.classes_of(uscc=firm.uscc) if c.scheme == "public"]
    assert (public.klass, public.rule) == (klass, rule)
    assert {r.pk for r in public.records} == ({r.pk for r in stored} if rule else set())  # what put it there


def test_the_worst_class_wins_and_names_its_own_records(firm: Organisation) -> None:
    warning = record(firm, penalty_type="warning")
    assert current(firm).klass == "yellow"
    listed = record(firm, kind="serious_list", agency="inspection")
    shown = current(firm)
    assert (shown.klass, shown.rule, shown.evidence) == ("black", "serious_list", [listed.pk])
    assert warning.pk not in shown.evidence
    assert [c.klass for c in selectors.class_history(uscc=firm.uscc, scheme_key="public")] == ["black", "yellow"]


@pytest.mark.parametrize(
    ("records", "klass"),
    [
        ([{"kind": "aeo_advanced", "outcome": "favourable"}], "advanced"),
        ([{"kind": "aeo_certified", "outcome": "favourable"}], "certified"),
        (
            [{"kind": "aeo_advanced", "outcome": "favourable"}, {"amount": "1000000.01", "penalty_type": "fine"}],
            "dishonest",
        ),
        (
            [{"kind": "aeo_advanced", "outcome": "favourable"}, {"amount": "1000000", "penalty_type": "fine"}],
            "advanced",
        ),
        ([{"amount": "1000000.01", "penalty_type": "fine", "agency": "inspection"}], "regular"),
        ([{"amount": "1000000.01", "penalty_type": "fine", "days_ago": 366}], "regular"),
        ([{"kind": "tax_arrears", "days_ago": 91}], "dishonest"),
        ([{"kind": "tax_arrears", "days_ago": 89}], "regular"),
        ([{"severity": "serious", "penalty_type": "fine", "amount": "5000"}], "dishonest"),
        ([{"kind": "serious_list"}], "seriously_dishonest"),
    ],
)
def test_customs_credit_boundaries(firm: Organisation, records: list[dict[str, Any]], klass: str) -> None:
    for values in records:
        record(firm, **values)
    services.reclassify(usccs=[firm.uscc])
    assert current(firm, "customs").klass == klass


def test_a_repaired_record_stops_counting_and_the_class_history_stays(firm: Organisation) -> None:
    [fine] = fines(firm, 1)
    assert current(firm).klass == "red"
    CreditRecord.objects.filter(pk=fine.pk).update(state=RecordState.REPAIRED)
    services.reclassify()  # the nightly run, over everyone
    assert current(firm).klass == "green"
    assert [c.klass for c in selectors.class_history(uscc=firm.uscc, scheme_key="public")] == ["green", "red"]


def test_a_new_scheme_version_reclassifies_everyone_with_history_kept(firm: Organisation) -> None:
    fines(firm, 3)
    first = current(firm)
    shipped = Scheme.objects.filter(key="public").order_by("-version").first()
    assert shipped is not None and (first.klass, first.scheme.version) == ("red", shipped.version)
    rules = shipped.rules
    stricter = {**rules, "classes": [dict(c) for c in rules["classes"]]}
    stricter["classes"][0]["rules"] = [{**r, "count_at_least": 3} if r["key"] == "more_than_5_penalties" else r
                                       for r in stricter["classes"][0]["rules"]]  # fmt: skip
    Scheme.objects.create(
        key="public", version=shipped.version + 1, name="stricter", effective_from=timezone.localdate(), rules=stricter
    )
    services.reclassify()
    now = current(firm)
    assert (now.klass, now.rule, now.scheme.version) == ("black", "more_than_5_penalties", shipped.version + 1)
    assert Classification.objects.get(pk=first.pk).current is False
    assert len(selectors.class_history(uscc=firm.uscc, scheme_key="public")) == 2


def test_the_nightly_run_changes_nothing_twice(firm: Organisation) -> None:
    fines(firm, 1)
    other = factories.enterprise()
    services.reclassify()
    assert services.reclassify() == 0
    assert Classification.objects.filter(uscc=other.uscc, current=True).count() == 0  # no records: nothing stored


def test_classes_are_named_in_the_reader_s_language(firm: Organisation) -> None:
    from django.utils import translation

    fines(firm, 1)
    with translation.override("zh-hans"):
        public = next(c for c in selectors.classes_of(uscc=firm.uscc) if c.scheme == "public")
        assert (public.scheme_name, public.label) == ("市场主体信用风险分类", "失信")
    with translation.override("en"):
        public = next(c for c in selectors.classes_of(uscc=firm.uscc) if c.scheme == "public")
        assert (public.label, public.rule_label) == (
            "Dishonest",
            "Penalties other than warnings (up to 5, under 500,000 yuan)",
        )


def test_the_nightly_run_gives_each_firm_the_class_rule_and_evidence_the_per_firm_path_gives() -> None:
    """The nightly run (one pass, bit masks, credit/nightly.py) against the per-record path (classify.py):
    firms in every class of both schemes, classes wiped, the nightly run stores the same rows."""
    firms = [factories.enterprise() for _ in range(5)]
    fines(firms[0], 2)
    record(firms[0], kind="aeo_advanced", outcome="favourable")
    fines(firms[1], 7, penalty_type="warning")
    record(firms[1], kind="performance", outcome="adverse")
    fines(firms[2], 1, amount="600000")
    record(firms[2], kind="tax_arrears", days_ago=120)
    record(firms[3], kind="commitment", outcome="adverse")
    record(firms[3], kind="commitment", outcome="adverse", days_ago=400)  # outside the year: one counts twice
    record(firms[4], kind="registration", outcome="neutral")
    shape = ("uscc", "scheme_key", "scheme_id", "klass", "rule", "evidence")
    per_firm = sorted(  # what the per-firm path decides now (a stored row keeps the records it counted then)
        (uscc, scheme.key, scheme.pk, verdict.klass, verdict.rule, list(verdict.evidence))
        for scheme in classify.current_schemes()
        for uscc, verdict in classify.evaluate(scheme, usccs=[f.uscc for f in firms]).items()
    )
    assert {(k, r) for _u, _s, _i, k, r, _e in per_firm} >= {("red", "penalties_not_warnings"),
                                                           ("advanced", "aeo_advanced"), ("yellow", "warnings"),
                                                           ("black", "fines_over_500000"),
                                                           ("dishonest", "taxes_unpaid_3_months"),
                                                           ("yellow", "commitment_broken"), ("green", "")}  # fmt: skip
    Classification.objects.all().delete()
    assert services.reclassify() == len(per_firm)
    assert sorted(Classification.objects.filter(current=True).values_list(*shape)) == per_firm
