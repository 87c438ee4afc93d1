"""Credit commitments: a firm files its own (page and API), the agency it names records it kept or broken,
and a broken one lowers the public class by the scheme's rule (data, public-v2.json); shown on the firm's
credit page, the public page (public ones only) and the credit report."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from credit import commitments, selectors
from credit.commitments import CommitmentRefused
from credit.models import Commitment, CreditRecord
from singlewindow.choices import Agency
from singlewindow.models import Organisation, User

from .. import factories
from ..clients import api, web

pytestmark = pytest.mark.django_db

PROMISE = "本企业承诺如实申报进出口货物的商品编码与价格，按时缴纳税款。"


@pytest.fixture
def firm() -> Organisation:
    return factories.enterprise(name="上海守信承诺贸易有限公司")


@pytest.fixture
def clerk(firm: Organisation) -> User:
    return factories.clerk(firm)


def filed(
    clerk: User, *, days: int = 90, public: bool = True, text: str = PROMISE, filed_days_ago: int = 0
) -> Commitment:
    today = timezone.localdate() - timedelta(days=filed_days_ago)
    return commitments.commitment_file(
        user=clerk, kind="self_disclosure", text=text, agency=Agency.CUSTOMS, starts_on=today,
        ends_on=today + timedelta(days=days), public=public, today=today,
    )  # fmt: skip


def public_class(firm: Organisation) -> tuple[str, str]:
    shown = next(c for c in selectors.classes_of(uscc=firm.uscc) if c.scheme == "public")
    return shown.klass, shown.rule


def test_a_firm_files_a_commitment_on_its_page_and_sees_it_on_its_credit_page(firm: Organisation, clerk: User) -> None:
    today = timezone.localdate()
    client = web(clerk)
    response = client.post("/credit/mine/commitments/", {
        "kind": "repair", "agency": "customs", "text": PROMISE, "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=180)).isoformat(), "public": "yes",
    })  # fmt: skip
    assert response.status_code == 302
    stored = Commitment.objects.get(uscc=firm.uscc)
    assert (stored.kind, stored.agency, stored.state, stored.public) == ("repair", "customs", "open", True)
    page = client.get("/credit/mine/").content.decode()
    assert f'id="commitment-{stored.pk}"' in page and PROMISE in page


@pytest.mark.parametrize(
    ("starts", "ends", "field"),
    [(-1, 30, "starts_on"), (10, 10, "ends_on"), (0, 3 * 366 + 1, "ends_on")],
)
def test_a_period_in_the_past_backwards_or_over_three_years_is_refused(
    clerk: User, starts: int, ends: int, field: str
) -> None:
    today = timezone.localdate()
    with pytest.raises(CommitmentRefused) as refused:
        commitments.commitment_file(user=clerk, kind="repair", text=PROMISE, agency="customs",
                                    starts_on=today + timedelta(days=starts), ends_on=today + timedelta(days=ends))  # fmt: skip
    assert refused.value.field == field
    assert not Commitment.objects.exists()


def test_a_broken_commitment_is_a_record_of_its_own_and_puts_the_firm_in_warning_then_dishonest(
    firm: Organisation, clerk: User
) -> None:
    officer = factories.officer(Agency.CUSTOMS)
    first = filed(clerk)
    commitments.commitment_fulfilment(user=officer, commitment_id=first.pk, kept=False, note="未按期缴纳税款")
    record = CreditRecord.objects.get(uscc=firm.uscc)
    assert (record.kind, record.outcome, record.source_agency, record.channel) == (
        "commitment", "adverse", "customs", "commitment",
    )  # fmt: skip
    assert public_class(firm) == ("yellow", "commitment_broken")
    second = filed(clerk, text="再次承诺")
    commitments.commitment_fulfilment(user=officer, commitment_id=second.pk, kept=False, note="再次违约")
    assert public_class(firm) == ("red", "commitments_broken_twice")
    assert {r.pk for r in next(c for c in selectors.classes_of(uscc=firm.uscc) if c.scheme == "public").records} == set(
        CreditRecord.objects.filter(uscc=firm.uscc).values_list("pk", flat=True)
    )


def test_a_commitment_is_kept_only_once_its_period_has_ended_and_only_once(firm: Organisation, clerk: User) -> None:
    officer = factories.officer(Agency.CUSTOMS)
    commitment = filed(clerk, days=30, filed_days_ago=40)  # its period ended ten days ago
    day_before_end = timezone.localdate() - timedelta(days=11)
    with pytest.raises(CommitmentRefused) as refused:
        commitments.commitment_fulfilment(
            user=officer, commitment_id=commitment.pk, kept=True, note="", today=day_before_end
        )
    assert refused.value.code == "too_early"
    kept = commitments.commitment_fulfilment(user=officer, commitment_id=commitment.pk, kept=True, note="")
    assert kept.state == "kept" and kept.record is not None and kept.record.outcome == "favourable"
    assert public_class(firm)[0] == "green"
    with pytest.raises(CommitmentRefused):
        commitments.commitment_fulfilment(user=officer, commitment_id=commitment.pk, kept=False, note="x")
    assert CreditRecord.objects.filter(uscc=firm.uscc).count() == 1


def test_only_the_agency_named_records_fulfilment_on_its_page(clerk: User) -> None:
    commitment = filed(clerk)
    inspection = web(factories.officer(Agency.INSPECTION))
    assert f'id="commitment-{commitment.pk}"' not in inspection.get("/credit/commitments/").content.decode()
    inspection.post("/credit/commitments/", {"commitment": commitment.pk, "kept": "no", "note": "违约"})
    assert web(clerk).get("/credit/commitments/").status_code == 404
    commitment.refresh_from_db()
    assert commitment.state == "open"
    customs = web(factories.officer(Agency.CUSTOMS))
    assert f'id="commitment-{commitment.pk}"' in customs.get("/credit/commitments/").content.decode()
    response = customs.post("/credit/commitments/", {"commitment": commitment.pk, "kept": "no", "note": "违约"})
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.state == "broken"


def test_the_public_page_and_the_report_show_public_commitments_only(firm: Organisation, clerk: User) -> None:
    shown = filed(clerk, text="公开承诺：守法经营")
    hidden = filed(clerk, text="不公开的承诺", public=False)
    page = web(factories.clerk()).get("/credit/", {"q": firm.uscc}).content.decode()
    assert f'id="commitment-{shown.pk}"' in page and "公开承诺：守法经营" in page
    assert f'id="commitment-{hidden.pk}"' not in page and "不公开的承诺" not in page
    pdf = web(clerk).post("/credit/report/", {"uscc": firm.uscc}).content
    text = re.sub(r"\s+", "", PdfReader(io.BytesIO(pdf)).pages[0].extract_text())
    assert "信用承诺" in text and "Self-disclosurecommitment" in text and "(1)" in text


def test_the_api_files_lists_and_records_fulfilment_each_party_its_own(firm: Organisation, clerk: User) -> None:
    today = timezone.localdate()
    body = {"kind": "self_regulation", "text": PROMISE, "agency": "inspection", "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=365)).isoformat()}  # fmt: skip
    created = api(clerk).post("/api/v1/credit/commitments/", body, format="json")
    assert created.status_code == 201 and created.json()["state"] == "open" and created.json()["public"] is True
    pk = created.json()["id"]
    other = factories.clerk()
    assert api(other).get("/api/v1/credit/commitments/").json() == []
    assert api(factories.officer(Agency.CUSTOMS)).get("/api/v1/credit/commitments/").json() == []
    assert api(clerk).post(f"/api/v1/credit/commitments/{pk}/fulfilment/", {"kept": False, "note": "x"},
                           format="json").status_code == 404  # fmt: skip
    officer = api(factories.officer(Agency.INSPECTION))
    assert [c["id"] for c in officer.get("/api/v1/credit/commitments/").json()] == [pk]
    no_note = officer.post(f"/api/v1/credit/commitments/{pk}/fulfilment/", {"kept": False}, format="json")
    assert no_note.status_code == 400 and no_note.json()["errors"][0]["field"] == "note"
    broken = officer.post(
        f"/api/v1/credit/commitments/{pk}/fulfilment/", {"kept": False, "note": "违约"}, format="json"
    )
    assert broken.status_code == 200 and broken.json()["state"] == "broken" and broken.json()["record"]
    assert public_class(firm) == ("yellow", "commitment_broken")
