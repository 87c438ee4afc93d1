"""The simulated customs assesses duties in the currency it names: 13 % of the goods value converted to yuan
at the simulator's own fixed rates (its stated assumption, not a published rate), so EUR 1,000 of goods is
not "130.00 CNY". A message end to end: tests/simulator/test_simulator.py (no currency there: yuan).

No database: nothing here asks for the db fixture."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from lxml import etree

from agencies.simulator.engine import CNY_PER_UNIT, RECEIPT_NS, Decision, build_receipt, duties_assessed, goods_lines

CUSTOMS_NS = "urn:singlewindow:customs:declaration:1"


def customs_lines(*lines: tuple[str, str | None]) -> etree._Element:
    """A customs message's root with one DecList per (DeclTotal, TradeCurr or None)."""
    goods = "".join(
        f'<DecList LineNo="{n}"><CodeTS>0101210010</CodeTS><DeclTotal>{total}</DeclTotal>'
        f"{f'<TradeCurr>{currency}</TradeCurr>' if currency else ''}</DecList>"
        for n, (total, currency) in enumerate(lines, 1)
    )
    return etree.fromstring(f'<DecMessage xmlns="{CUSTOMS_NS}"><DecHead/>{goods}</DecMessage>'.encode())


def test_duties_on_goods_invoiced_in_euros_are_converted_to_yuan() -> None:
    amount, currency = duties_assessed(goods_lines(customs_lines(("1000.00", "EUR"))))
    assert currency == "CNY"
    assert amount == (Decimal("1000.00") * CNY_PER_UNIT["EUR"] * Decimal("0.13")).quantize(Decimal("0.01"))
    assert amount != Decimal("130.00")


def test_lines_in_several_currencies_are_each_converted_and_added() -> None:
    lines = goods_lines(customs_lines(("1000.00", "EUR"), ("500.00", "USD"), ("200.00", "CNY"), ("100.00", None)))
    expected = (Decimal(1000) * CNY_PER_UNIT["EUR"] + Decimal(500) * CNY_PER_UNIT["USD"] + 300) * Decimal("0.13")
    assert duties_assessed(lines) == (expected.quantize(Decimal("0.01")), "CNY")


def test_a_currency_without_a_rate_is_assessed_in_that_currency() -> None:
    assert "XAU" not in CNY_PER_UNIT
    assert duties_assessed(goods_lines(customs_lines(("100.00", "XAU"), ("100.00", "XAU")))) == (
        Decimal("26.00"),
        "XAU",
    )


def test_the_receipt_states_the_amount_in_the_currency_it_was_assessed_in() -> None:
    _id, body = build_receipt(
        agency="customs", message_id="m-1", sequence=3, issued_at=datetime(2026, 12, 1, tzinfo=UTC),
        status="duties_assessed", decision=Decision(kind="release", reason="release"), duties=Decimal("26.00"),
        duties_currency="XAU", payment="paid",
    )  # fmt: skip
    duties = etree.fromstring(body).find(f"{{{RECEIPT_NS}}}Duties")
    assert (duties.text, duties.get("currency")) == ("26.00", "XAU")


def test_a_line_without_a_rate_among_others_is_left_out_of_the_yuan_assessment() -> None:
    lines = goods_lines(customs_lines(("1000.00", "EUR"), ("100.00", "XAU")))
    assert duties_assessed(lines) == (
        (Decimal(1000) * CNY_PER_UNIT["EUR"] * Decimal("0.13")).quantize(Decimal("0.01")),
        "CNY",
    )
