"""Double-random spot checks (SPEC S9): enterprises drawn at a ratio from those in good standing, warning and
worse always in, inspectors from every agency's officers; the same seed and population give the same draw,
a changed population is detected and said; the joint form is every agency's items for the firm's
industries; results written back become records that change the class."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from credit import services, spotchecks
from credit.choices import SpotOutcome
from credit.models import Classification, CreditRecord, FirmIndustry, SpotCheckFirm
from singlewindow.choices import Agency
from singlewindow.models import Organisation, User

from .. import factories
from ..clients import web

pytestmark = pytest.mark.django_db


def population(good: int, focus: int = 0, pool: int = 6) -> dict[str, list[str]]:
    return {"good": [f"G{n:05d}" for n in range(good)], "focus": [f"F{n:05d}" for n in range(focus)],
            "pool": [str(n) for n in range(pool)]}  # fmt: skip


def listed(drawn: list[spotchecks.Drawn]) -> list[tuple[str, bool, tuple[str, ...]]]:
    return sorted((d.uscc, d.focus, d.inspectors) for d in drawn)


def test_the_same_seed_and_population_draw_the_same_firms_and_inspectors_in_any_order() -> None:
    people = population(1000, focus=4)
    shuffled = {key: random.Random(7).sample(values, len(values)) for key, values in people.items()}
    first = spotchecks.draw(seed="abc", population=people, ratio=Decimal("0.03"), inspectors_per_firm=2)
    again = spotchecks.draw(seed="abc", population=shuffled, ratio=Decimal("0.03"), inspectors_per_firm=2)
    assert listed(first) == listed(again)
    assert len(first) == 4 + 30 and sum(d.focus for d in first) == 4  # every firm in focus, 3 % of the rest
    assert all(len(set(d.inspectors)) == 2 for d in first)
    other = spotchecks.draw(seed="abd", population=people, ratio=Decimal("0.03"), inspectors_per_firm=2)
    assert listed(other) != listed(first)


def test_a_changed_population_changes_the_digest_and_the_draw() -> None:
    people = population(1000)
    grown = {**people, "good": [*people["good"], *[f"N{n:05d}" for n in range(200)]]}
    assert spotchecks.population_digest(people) != spotchecks.population_digest(grown)
    assert spotchecks.population_digest(people) == spotchecks.population_digest(
        {key: list(reversed(values)) for key, values in people.items()}
    )
    before = spotchecks.draw(seed="s", population=people, ratio=Decimal("0.05"), inspectors_per_firm=1)
    after = spotchecks.draw(seed="s", population=grown, ratio=Decimal("0.05"), inspectors_per_firm=1)
    assert listed(before) != listed(after)


@pytest.fixture
def world() -> dict[str, Any]:
    good = [factories.enterprise(name=f"良好企业{n}") for n in range(20)]
    warned = factories.enterprise(name="警示企业")
    services.record_add(agency="customs", channel="api", values={
        "uscc": warned.uscc, "record_id": "W1", "kind": "penalty", "penalty_type": "warning",
        "decided_at": timezone.localdate()})  # fmt: skip
    officers = [factories.officer(agency) for agency in (Agency.CUSTOMS, Agency.INSPECTION, Agency.COMMERCE)]
    return {"good": good, "warned": warned, "officers": officers}


def draw(officer: User, seed: str = "seed-1", ratio: str = "0.1") -> Any:
    return spotchecks.spot_check_draw(user=officer, title="2026年第一批", ratio=Decimal(ratio), seed=seed)


def test_a_draw_takes_every_firm_in_focus_and_the_ratio_of_the_others_and_is_stored(world: dict[str, Any]) -> None:
    check = draw(world["officers"][0])
    firms = list(check.firms.all())
    assert {f.uscc for f in firms if f.focus} == {world["warned"].uscc}
    assert sum(not f.focus for f in firms) >= 2  # 10 % of the firms in good standing, rounded up
    pool = {o.pk for o in world["officers"]}
    assert all(f.inspectors.count() == 2 and {u.pk for u in f.inspectors.all()} <= pool for f in firms)
    assert check.population_digest == spotchecks.population_digest(check.population)
    again = draw(world["officers"][1])  # the same seed, the same population: the same list
    assert spotchecks._as_stored(again) == spotchecks._as_stored(check)


def test_the_page_reproduces_the_draw_then_says_when_the_population_changed(world: dict[str, Any]) -> None:
    officer = world["officers"][0]
    check = draw(officer)
    page = web(officer)
    html = page.get(f"/credit/spot-checks/{check.pk}/").content.decode()
    assert 'id="redraw-same"' in html and 'id="population-same"' in html and check.seed in html
    for n in range(30):
        factories.enterprise(name=f"新设企业{n}")
    verification = spotchecks.spot_check_verify(check)
    assert verification.same_as_stored and verification.population_changed and verification.draw_changed
    html = page.get(f"/credit/spot-checks/{check.pk}/").content.decode()
    assert 'id="redraw-same"' in html and 'id="population-changed"' in html


def test_a_tampered_list_is_not_reproduced(world: dict[str, Any]) -> None:
    check = draw(world["officers"][0])
    SpotCheckFirm.objects.filter(spot_check=check, focus=False).first().delete()  # type: ignore[union-attr]
    assert not spotchecks.spot_check_verify(check).same_as_stored


def test_the_joint_form_is_every_agencys_items_for_the_firms_industries(world: dict[str, Any]) -> None:
    firm = world["good"][0]
    FirmIndustry.objects.create(uscc=firm.uscc, industries=["F52"])
    form = spotchecks.checklist(uscc=firm.uscc)
    codes = {item.code for items in form.values() for item in items}
    assert codes == {"SAMPLE-C01", "SAMPLE-I01"}  # every industry's, and retail's; not manufacturing's
    FirmIndustry.objects.filter(uscc=firm.uscc).update(industries=["F"])  # a whole section: its divisions' too
    codes = {item.code for items in spotchecks.checklist(uscc=firm.uscc).values() for item in items}
    assert codes == {"SAMPLE-C01", "SAMPLE-C02", "SAMPLE-I01", "SAMPLE-M01"}
    assert {i.code for items in spotchecks.checklist(uscc="NOINDUSTRY").values() for i in items} == {"SAMPLE-C01"}


def public_class(firm: Organisation) -> str:
    return Classification.objects.get(uscc=firm.uscc, scheme_key="public", current=True).klass


@pytest.mark.parametrize(("outcome", "klass", "kind"), [
    (SpotOutcome.NO_PROBLEM, "green", "inspection_result"),
    (SpotOutcome.MINOR, "yellow", "inspection_result"),
    (SpotOutcome.REFUSED, "yellow", "inspection_result"),
    (SpotOutcome.UNREACHABLE, "red", "abnormal_list"),
])  # fmt: skip
def test_a_result_written_back_is_a_record_of_the_inspectors_agency_that_sets_the_class(
    world: dict[str, Any], outcome: str, klass: str, kind: str
) -> None:
    check = draw(world["officers"][0], ratio="1")
    row = check.firms.filter(focus=False).first()
    inspector = row.inspectors.first()
    firm = Organisation.objects.get(uscc=row.uscc)
    response = web(inspector).post(
        f"/credit/spot-checks/{check.pk}/firms/{row.pk}/", {"outcome": outcome, "note": "现场检查"}
    )
    assert response.status_code == 302
    row.refresh_from_db()
    record = CreditRecord.objects.get(pk=row.record_id)
    assert (row.outcome, record.kind, record.source_agency, record.channel) == (
        outcome,
        kind,
        inspector.agency,
        "spot_check",
    )
    assert public_class(firm) == klass


def test_only_the_firms_inspectors_record_and_only_once(world: dict[str, Any]) -> None:
    check = draw(world["officers"][0], ratio="1")
    row = check.firms.filter(focus=False).first()
    others = [o for o in world["officers"] if o not in row.inspectors.all()]
    with pytest.raises(spotchecks.Http404):
        spotchecks.spot_check_result(user=others[0], check_id=check.pk, firm_id=row.pk, outcome="minor", note="")
    inspector = row.inspectors.first()
    spotchecks.spot_check_result(user=inspector, check_id=check.pk, firm_id=row.pk, outcome="minor", note="")
    with pytest.raises(spotchecks.SpotCheckRefused):
        spotchecks.spot_check_result(user=inspector, check_id=check.pk, firm_id=row.pk, outcome="unreachable", note="")
    assert CreditRecord.objects.filter(channel="spot_check").count() == 1


def test_bad_draws_are_refused_and_nothing_is_stored(world: dict[str, Any]) -> None:
    officer = world["officers"][0]
    for values in ({"ratio": Decimal("0")}, {"ratio": Decimal("1.5")}, {"title": " "}, {"inspectors_per_firm": 9}):
        with pytest.raises(spotchecks.SpotCheckRefused):
            spotchecks.spot_check_draw(**{"user": officer, "title": "t", "ratio": Decimal("0.1"), **values})
    page = web(officer).post("/credit/spot-checks/", {"title": "t", "ratio_percent": "abc"})
    assert page.status_code == 302 and not spotchecks.SpotCheck.objects.exists()


def test_firms_and_anonymous_visitors_have_no_spot_checks(world: dict[str, Any]) -> None:
    check = draw(world["officers"][0])
    row = check.firms.first()
    clerk = web(factories.clerk(world["warned"]))
    for url in (
        "/credit/spot-checks/",
        f"/credit/spot-checks/{check.pk}/",
        f"/credit/spot-checks/{check.pk}/firms/{row.pk}/",
    ):
        assert clerk.get(url).status_code == 404
        assert Client().get(url).status_code == 302
