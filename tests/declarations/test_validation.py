"""The rules a customs broker expects, each on its own."""

from __future__ import annotations

from decimal import Decimal

import pytest

from declarations import services
from declarations.choices import Direction, Target
from declarations.models import Declaration
from singlewindow.models import User

from .. import factories

pytestmark = pytest.mark.django_db


def problems(declaration: Declaration) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for p in services.declaration_problems(declaration=declaration):
        found.setdefault(p.field, []).append(p.code)
    return found


def edit(declaration: Declaration, user: User, header: dict | None = None, lines: list | None = None) -> Declaration:
    services.declaration_save_draft(declaration=declaration, user=user, header=header or {}, lines=lines)
    declaration.refresh_from_db()
    return declaration


def line(declaration: Declaration, **changes: object) -> list[dict]:
    rows = [{f: getattr(x, f) for f in services.LINE_FIELDS} for x in declaration.lines.all()]
    rows[0].update(changes)
    return rows


def test_a_complete_declaration_has_no_problems(user_a: User) -> None:
    assert problems(factories.valid_draft(user_a)) == {}


def test_empty_draft_lists_every_required_field_and_asks_for_goods_lines(user_a: User) -> None:
    found = problems(services.declaration_create(user=user_a))
    assert found["bill_of_lading"] == ["required"]
    assert found["customs_office"] == ["required"]
    assert found["inspection_authority"] == ["required"]
    assert found["lines"] == ["no_lines"]


def test_net_weight_above_gross_weight_is_refused(user_a: User) -> None:
    d = edit(factories.valid_draft(user_a), user_a, {"gross_weight": Decimal("100"), "net_weight": Decimal("90")})
    assert problems(d) == {}
    d = edit(d, user_a, {"gross_weight": Decimal("100"), "net_weight": Decimal("90")})
    d.net_weight = Decimal("101")  # the database refuses it too, so check the rule in memory
    found = services.validate(d, list(d.lines.all()), [], list(d.documents.all()))
    assert [p.code for p in found if p.field == "net_weight"] == ["net_above_gross"]


def test_line_total_must_equal_quantity_times_price_within_rounding(user_a: User) -> None:
    d = factories.valid_draft(user_a)
    first = d.lines.first()
    assert first is not None
    edit(d, user_a, lines=line(d, total_price=first.declared_quantity * first.unit_price + Decimal("0.005")))
    assert problems(d) == {}
    edit(d, user_a, lines=line(d, total_price=first.declared_quantity * first.unit_price + 1))
    assert problems(d) == {"lines[0].total_price": ["total_mismatch"]}


def test_unknown_hs_subheading_is_refused_and_ten_digits_are_needed(user_a: User) -> None:
    d = factories.valid_draft(user_a)
    edit(d, user_a, lines=line(d, hs_code="9999990000"))
    assert problems(d) == {"lines[0].hs_code": ["unknown_code"]}
    edit(d, user_a, lines=line(d, hs_code="847130"))
    assert problems(d) == {"lines[0].hs_code": ["format"]}


def test_origin_is_required_on_imports_but_not_on_exports(user_a: User) -> None:
    d = factories.valid_draft(user_a)
    edit(d, user_a, lines=line(d, origin_country=""))
    assert problems(d) == {"lines[0].origin_country": ["required"]}
    edit(d, user_a, {"direction": Direction.EXPORT, "incoterms": "FOB", "import_export_date": None})
    assert "lines[0].origin_country" not in problems(d)


def test_unknown_country_currency_and_codes_are_refused(user_a: User) -> None:
    d = factories.valid_draft(user_a)
    edit(
        d,
        user_a,
        {"trade_country": "XXX", "transport_mode": "Q", "incoterms": "ABC"},
        lines=line(d, currency="EUX", declared_unit="999"),
    )
    found = problems(d)
    assert found["trade_country"] == ["unknown_code"]
    assert found["transport_mode"] == ["unknown_code"]
    assert found["incoterms"] == ["unknown_code"]
    assert found["lines[0].currency"] == ["unknown_code"]
    assert found["lines[0].declared_unit"] == ["unknown_code"]


def test_consignee_without_inspection_registration_cannot_declare_to_inspection(db: None) -> None:
    unregistered = factories.clerk(factories.enterprise(inspection_registered=False))
    d = factories.valid_draft(unregistered)
    assert problems(d) == {"domestic_party_inspection_code": ["no_inspection_registration"]}
    edit(d, unregistered, {"target": Target.CUSTOMS})
    assert problems(d) == {}


def test_mandatory_inspection_goods_cannot_go_to_customs_only(user_a: User) -> None:
    d = factories.valid_draft(user_a, target=Target.CUSTOMS)
    assert problems(d) == {}
    edit(d, user_a, lines=line(d, hs_code="0201300000"))  # boneless beef, chapter 02
    assert problems(d) == {"target": ["inspection_required"], "lines[0].hs_code": ["inspection_required"]}


def test_wood_packaging_needs_inspection(user_a: User) -> None:
    d = factories.valid_draft(user_a, target=Target.CUSTOMS)
    edit(d, user_a, {"package_type": "23"})  # wooden cases
    assert problems(d) == {"target": ["inspection_required"], "wood_packaging": ["inspection_required"]}


def test_fob_import_needs_freight_and_insurance_cif_must_not_repeat_them(user_a: User) -> None:
    d = edit(factories.valid_draft(user_a), user_a, {"incoterms": "FOB"})
    assert problems(d) == {"freight": ["charge_required"], "insurance": ["charge_required"]}
    d = edit(
        d,
        user_a,
        {
            "incoterms": "CIF",
            "freight": Decimal("800"),
            "insurance": Decimal("50"),
            "charges_currency": "EUR",
        },
    )
    assert problems(d) == {"freight": ["charge_included"], "insurance": ["charge_included"]}


def test_processing_trade_needs_a_record_number(user_a: User) -> None:
    d = edit(factories.valid_draft(user_a), user_a, {"trade_mode": "0615", "levy_nature": "503"})
    assert problems(d) == {"record_no": ["record_required"]}
    d = edit(d, user_a, {"record_no": "C22081234567"})
    assert problems(d) == {}


def test_general_trade_needs_invoice_and_packing_list(user_a: User) -> None:
    d = factories.valid_draft(user_a, documents=False)
    assert problems(d) == {"documents": ["document_missing", "document_missing"]}


def test_container_numbers_are_checked_with_their_check_digit(user_a: User) -> None:
    d = factories.valid_draft(user_a)
    services.declaration_save_draft(
        declaration=d, user=user_a, header={}, containers=[{"number": "CSQU3054384", "size_type": "45G1"}]
    )
    assert problems(d) == {"containers[0].number": ["format"]}


def test_uscc_check_character_is_verified(user_a: User) -> None:
    d = edit(factories.valid_draft(user_a, target=Target.CUSTOMS), user_a, {"user_unit_uscc": "91310115MA1H7KQ2XA"})
    assert problems(d) == {"user_unit_uscc": ["format"]}


def test_customs_only_declaration_does_not_ask_for_inspection_fields(user_a: User) -> None:
    d = factories.valid_draft(user_a, target=Target.CUSTOMS, inspection_authority="", destination_authority="")
    assert problems(d) == {}


def test_messages_are_in_the_users_language(user_a: User) -> None:
    from django.utils import translation

    d = edit(factories.valid_draft(user_a), user_a, {"bill_of_lading": ""})
    with translation.override("zh-hans"):
        assert services.declaration_problems(declaration=d)[0].message == "此项为必填项。"
    with translation.override("en"):
        assert services.declaration_problems(declaration=d)[0].message == "This field is required."
