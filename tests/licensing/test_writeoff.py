"""Goods lines cite the licence their commodity code needs; the write-off reserves on submission, consumes on
release, gives back on rejection or a newer version, never after release, and never overdraws."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone, translation

from declarations import services
from declarations.choices import DeclarationStatus
from declarations.examples import example_line
from declarations.models import Declaration
from declarations.pipeline import DeclarationInvalid
from licensing.choices import LicenceKind, LicenceState, UseState
from licensing.issuing import LineSpec, licence_issue, validity_limit
from licensing.models import Licence, LicenceUse
from singlewindow.choices import Agency
from singlewindow.models import Organisation, User

from .. import factories
from ..agencies.receipts import branch, envelope, post, receipt, release_all

HCFC = "2903710000"  # HCFC-22: needs an import licence (1)
STEEL = "7208510000"  # hot-rolled steel plate: needs an automatic import licence (7)
WASTE = "3825100000"  # municipal waste: import prohibited (9)


def licence(
    holder: Organisation, *, kind: str = LicenceKind.IMPORT, hs_code: str = HCFC, quantity: str = "100",
    non_one_batch: bool = False, bulk: bool = False, **kwargs: Any,
) -> Licence:  # fmt: skip
    issuer = factories.officer(Agency.COMMERCE).organisation
    return licence_issue(
        holder=holder, issuer=issuer, kind=kind, issued_at=timezone.now(), non_one_batch=non_one_batch,
        lines=[LineSpec(hs_code=hs_code, name="二氟一氯甲烷", unit="035", quantity=Decimal(quantity), bulk=bulk)],
        **kwargs,
    )  # fmt: skip


def citing(user: User, number: str, *, quantity: str = "10", hs_code: str = HCFC, **line: Any) -> Declaration:
    """A valid one-line draft of goods with this code, citing licence `number` (blank: none)."""
    declaration = factories.valid_draft(user, lines=1)
    row = {
        **example_line(0), "hs_code": hs_code, "name": "二氟一氯甲烷", "declared_unit": "035", "legal_unit": "035",
        "declared_quantity": Decimal(quantity), "legal_quantity": Decimal(quantity), "unit_price": Decimal("2"),
        "total_price": Decimal(quantity) * 2, "licence_no": number, **line,
    }  # fmt: skip
    services.declaration_save_draft(declaration=declaration, user=user, header={}, lines=[row])
    declaration.refresh_from_db()
    return declaration


def codes(declaration: Declaration) -> list[tuple[str, str]]:
    return [(p.field, p.code) for p in services.declaration_problems(declaration=declaration)]


@pytest.mark.django_db
class TestTheCheck:
    def test_a_line_whose_code_needs_a_licence_says_which_next_to_it(self, user_a: User) -> None:
        declaration = citing(user_a, "")
        problems = services.declaration_problems(declaration=declaration)
        found = [p for p in problems if p.code == "licence_required"]
        assert [p.field for p in found] == ["lines[0].licence_no"]
        assert "进口许可证" in found[0].message
        with translation.override("en"):
            english = [
                p for p in services.declaration_problems(declaration=declaration) if p.code == "licence_required"
            ]
        assert "Import licence" in english[0].message

    def test_prohibited_goods_are_refused_whatever_is_cited(self, user_a: User) -> None:
        declaration = citing(user_a, "", hs_code=WASTE)
        assert ("lines[0].hs_code", "goods_prohibited") in codes(declaration)

    def test_another_firms_licence_is_as_good_as_none(self, user_a: User, user_b: User) -> None:
        theirs = licence(user_b.organisation)
        assert ("lines[0].licence_no", "licence_unknown") in codes(citing(user_a, theirs.number))

    def test_the_wrong_kind_expired_or_other_goods_are_refused(self, user_a: User) -> None:
        automatic = licence(user_a.organisation, kind=LicenceKind.AUTOMATIC_IMPORT, hs_code=STEEL)
        assert ("lines[0].licence_no", "licence_wrong_kind") in codes(citing(user_a, automatic.number))
        other_goods = licence(user_a.organisation, hs_code="2903790000")
        assert ("lines[0].licence_line", "licence_line_unknown") in codes(citing(user_a, other_goods.number))
        assert ("lines[0].hs_code", "licence_other_goods") in codes(citing(user_a, other_goods.number, licence_line=1))
        expired = licence(user_a.organisation)
        today = timezone.localdate()
        Licence.objects.filter(pk=expired.pk).update(
            valid_from=today - timedelta(days=60), valid_until=today - timedelta(days=1)
        )
        assert ("lines[0].licence_no", "licence_expired") in codes(citing(user_a, expired.number))

    def test_a_quantity_over_what_is_left_is_refused_on_its_line(self, user_a: User) -> None:
        mine = licence(user_a.organisation, quantity="5")
        assert ("lines[0].declared_quantity", "licence_quantity_exceeded") in codes(citing(user_a, mine.number))

    def test_a_licence_is_for_one_place_of_clearance(self, user_a: User) -> None:
        mine = licence(user_a.organisation, place_of_clearance="5300")
        assert ("lines[0].licence_no", "licence_other_port") in codes(citing(user_a, mine.number))


@pytest.mark.django_db
class TestTheWriteOff:
    def test_submission_reserves_and_the_messages_carry_it(self, user_a: User) -> None:
        mine = licence(user_a.organisation, non_one_batch=True)
        version = services.declaration_submit(declaration=citing(user_a, mine.number, quantity="30"), user=user_a)
        mine.refresh_from_db()
        line = mine.lines.get()
        assert (mine.uses, line.written_off, line.left, mine.place_of_clearance) == (1, 30, 70, "2200")
        assert mine.state == LicenceState.PARTIALLY_USED
        use = LicenceUse.objects.get(licence=mine)
        assert (use.state, use.version, use.line_no, use.left_after) == (UseState.RESERVED, 1, 1, 70)
        assert version.payload["licences"] == {
            "documents": [{"code": "1", "number": mine.number}],
            "lines": [
                {
                    "line_no": 1,
                    "licence_no": mine.number,
                    "licence_line": 1,
                    "quantity": "30",
                    "unit": "035",
                    "left": "70",
                }
            ],
        }
        from agencies.adapters import adapter_for

        xml = adapter_for(Agency.CUSTOMS).build_message(version.payload, message_id="m-1", version=1).decode()
        assert f'<LicenseDocu DocuCode="1" CertCode="{mine.number}"/>' in xml
        assert 'LicWrtofQty="30"' in xml and 'LicWrtofLeft="70"' in xml

    def test_release_consumes_and_nothing_comes_back_after(self, user_a: User, client: Client) -> None:
        mine = licence(user_a.organisation, non_one_batch=True)
        declaration = citing(user_a, mine.number, quantity="30")
        services.declaration_submit(declaration=declaration, user=user_a)
        release_all(client, declaration)
        declaration.refresh_from_db()
        assert declaration.status == DeclarationStatus.RELEASED
        assert LicenceUse.objects.get(licence=mine).state == UseState.CONSUMED
        d = branch(declaration, "customs")
        post(client, envelope(receipt(d, "rejected", 4)))  # final means final: ignored
        mine.refresh_from_db()
        assert (mine.uses, mine.lines.get().written_off) == (1, 30)

    def test_rejection_gives_back_and_a_new_version_takes_again(self, user_a: User, client: Client) -> None:
        mine = licence(user_a.organisation)  # one batch, one licence: a single use
        declaration = citing(user_a, mine.number, quantity="30")
        services.declaration_submit(declaration=declaration, user=user_a)
        d = branch(declaration, "customs")
        assert post(client, envelope(receipt(d, "received", 1), receipt(d, "rejected", 2))).status_code == 202
        declaration.refresh_from_db()
        assert declaration.status == DeclarationStatus.REJECTED
        mine.refresh_from_db()
        assert (mine.uses, mine.lines.get().written_off, mine.state) == (0, 0, LicenceState.ISSUED)
        assert LicenceUse.objects.get(licence=mine).state == UseState.RETURNED
        services.declaration_submit(declaration=declaration, user=user_a)
        mine.refresh_from_db()
        assert (mine.uses, mine.lines.get().written_off, mine.state) == (1, 30, LicenceState.EXHAUSTED)
        assert list(LicenceUse.objects.filter(licence=mine).values_list("version", "state")) == [
            (1, UseState.RETURNED), (2, UseState.RESERVED),
        ]  # fmt: skip

    def test_a_superseding_version_gives_back_what_the_earlier_one_held(self, user_a: User) -> None:
        mine = licence(user_a.organisation, non_one_batch=True)
        declaration = citing(user_a, mine.number, quantity="30")
        services.declaration_submit(declaration=declaration, user=user_a)
        Declaration.objects.filter(pk=declaration.pk).update(
            status=DeclarationStatus.DRAFT
        )  # corrected before any answer
        declaration.refresh_from_db()
        services.declaration_save_draft(declaration=declaration, user=user_a, header={}, lines=[{
            **example_line(0), "hs_code": HCFC, "declared_unit": "035", "legal_unit": "035", "unit_price": Decimal(2),
            "declared_quantity": Decimal(40), "legal_quantity": Decimal(40), "total_price": Decimal(80),
            "licence_no": mine.number}])  # fmt: skip
        services.declaration_submit(declaration=declaration, user=user_a)
        mine.refresh_from_db()
        assert (mine.uses, mine.lines.get().written_off) == (1, 40)

    def test_a_refused_write_off_changes_nothing(self, user_a: User) -> None:
        mine = licence(user_a.organisation, quantity="5")
        declaration = citing(user_a, mine.number, quantity="10")
        with pytest.raises(DeclarationInvalid) as refused:
            services.declaration_submit(declaration=declaration, user=user_a)
        assert [p.code for p in refused.value.found] == ["licence_quantity_exceeded"]
        declaration.refresh_from_db()
        mine.refresh_from_db()
        assert (declaration.status, declaration.version_count, mine.uses) == (DeclarationStatus.DRAFT, 0, 0)
        assert not LicenceUse.objects.exists()


def test_validity_follows_the_kind() -> None:
    assert validity_limit(LicenceKind.AUTOMATIC_IMPORT, date(2026, 3, 10)) == date(2026, 9, 9)
    assert validity_limit(LicenceKind.AUTOMATIC_IMPORT, date(2026, 9, 10)) == date(2026, 12, 31)  # not across the year
    assert validity_limit(LicenceKind.IMPORT, date(2026, 11, 1)) == date(2027, 3, 31)
    assert validity_limit(LicenceKind.EXPORT, date(2026, 10, 15)) == date(2027, 2, 28)


def _race(drafts: list[Declaration], user: User) -> list[str]:
    """Submit every draft at once, one thread each; what each got: "ok" or its problem's code."""
    barrier = threading.Barrier(len(drafts))
    results: list[str] = []

    def submit(declaration: Declaration) -> None:
        try:
            barrier.wait()
            services.declaration_submit(declaration=declaration, user=user)
            results.append("ok")
        except DeclarationInvalid as refused:
            results.append(refused.found[0].code)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(d,)) for d in drafts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_thirteen_declarations_race_for_a_twelve_use_licence(user_a: User) -> None:
    mine = licence(user_a.organisation, non_one_batch=True, quantity="1000")
    assert mine.max_uses == 12
    results = _race([citing(user_a, mine.number) for _ in range(13)], user_a)
    assert sorted(results) == ["licence_used_up"] + ["ok"] * 12
    mine.refresh_from_db()
    line = mine.lines.get()
    assert (mine.uses, line.written_off, mine.state) == (12, 120, LicenceState.EXHAUSTED)
    assert LicenceUse.objects.filter(licence=mine, state=UseState.RESERVED).count() == 12


@pytest.mark.django_db(transaction=True)
def test_racing_for_the_last_quantity_stops_within_the_tolerance(user_a: User) -> None:
    """100 kg of bulk goods, ±5 %: twelve declarations of 9.5 kg; the eleventh takes it to 104.5, past the
    quantity but within the tolerance, and the line is used up: the twelfth is refused."""
    mine = licence(user_a.organisation, kind=LicenceKind.TARIFF_QUOTA, hs_code="1001990000", quantity="100", bulk=True)
    assert mine.lines.get().tolerance == 0  # quota certificates carry no overshipment tolerance
    bulk = licence(user_a.organisation, non_one_batch=True, quantity="100", bulk=True)
    assert bulk.lines.get().tolerance == Decimal("0.05")
    results = _race([citing(user_a, bulk.number, quantity="9.5") for _ in range(12)], user_a)
    assert sorted(results) == ["licence_quantity_exceeded"] + ["ok"] * 11
    line = bulk.lines.get()
    assert line.written_off == Decimal("104.5") and line.left == 0
    assert line.written_off <= line.quantity * (1 + line.tolerance)
