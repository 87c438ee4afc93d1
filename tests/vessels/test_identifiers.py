"""Ship numbers and ports are checked as the agencies check them."""

from __future__ import annotations

import pytest
from django.utils import translation

from vessels.identifiers import call_sign_problem, imo_problem, mmsi_problem, normalise_imo, port_problem

# Real ships: Emma Maersk, Ever Given, MSC Oscar, and the brief's 9074729.
REAL_IMO_NUMBERS = ["9321483", "9811000", "9703291", "9074729"]


@pytest.mark.parametrize("number", REAL_IMO_NUMBERS)
def test_real_ships_imo_numbers_pass(number: str) -> None:
    assert imo_problem(number) is None
    assert imo_problem(f"IMO {number}") is None


@pytest.mark.parametrize("number", ["9321484", "9074728", "932148", "93214830", "IMO 93214X3", "", "IMO"])
def test_a_wrong_check_digit_or_length_is_refused(number: str) -> None:
    assert imo_problem(number) == "IMO 船舶识别号无效（7 位数字，最后一位为校验位）。"
    with translation.override("en"):
        assert imo_problem(number) == "Not a valid IMO ship number (7 digits, the last a check digit)."


def test_the_imo_prefix_is_dropped_when_normalised() -> None:
    assert normalise_imo("IMO 9321483") == normalise_imo("imo9321483") == "9321483"


def test_mmsi_has_nine_digits_and_a_maritime_identification_digit() -> None:
    assert mmsi_problem("219018271") is None
    assert mmsi_problem("477123456") is None
    assert mmsi_problem("123456789") is not None
    assert mmsi_problem("21901827") is not None


def test_call_sign_has_three_to_seven_letters_or_digits() -> None:
    assert call_sign_problem("OYGR2") is None
    assert call_sign_problem("vrdf7") is None
    assert call_sign_problem("VR") is not None
    assert call_sign_problem("OY-GR2") is not None


def test_ports_are_looked_up_in_the_un_locode_code_list(db: None) -> None:
    assert port_problem("CNSHA") is None
    assert port_problem("SGSIN") is None
    assert port_problem("CNZZZ") == "CNZZZ 不是已知港口（UN/LOCODE）。"
    with translation.override("en"):
        assert port_problem("XXXXX") == "XXXXX is not a known port (UN/LOCODE)."
