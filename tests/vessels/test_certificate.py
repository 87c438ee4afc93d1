"""The port clearance certificate: what the PDF says, that its QR code verifies it, and that the
verification token catches altered facts and forged numbers."""

from __future__ import annotations

import dataclasses
import io
import json
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import zxingcpp
from fontTools.cffLib import CFFFontSet
from pypdf import PdfReader

from vessels.certificate import (
    Port,
    certificate_number,
    certificate_status,
    facts_as_json,
    facts_digest,
    facts_from_json,
    render_port_clearance_pdf,
    sign_certificate,
    token_valid,
    verify_url_for,
)
from vessels.choices import CertificateStatus
from vessels.examples import example_facts

FACTS = example_facts()


@pytest.fixture(scope="module")
def verify_url() -> str:
    return verify_url_for(FACTS, base_url="https://www.singlewindow.cn")


@pytest.fixture(scope="module")
def pdf(verify_url: str) -> bytes:
    return render_port_clearance_pdf(FACTS, verify_url)


@pytest.fixture(scope="module")
def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


# The PDF ---------------------------------------------------------------------------------------


def test_the_pdf_is_one_page_stating_the_facts_in_chinese_and_english(reader: PdfReader) -> None:
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for expected in [
        "国际航行船舶出口岸许可证",
        "PORT CLEARANCE FOR INTERNATIONAL SAILING VESSEL",
        "CNSHA-2025-000123",
        "EMMA MAERSK",
        "艾玛·马士基",
        "IMO 9321483",
        "OYGR2",
        "丹麦",
        "Denmark",
        "170794",
        "509W",
        "下一港",
        "Next port of call",
        "新加坡",
        "Singapore (SGSIN)",
        "上海出入境边防检查总站",
        "Shanghai Customs",
        "中华人民共和国上海海事局",
    ]:
        assert expected in text


def test_times_are_shown_in_beijing_time(reader: PdfReader) -> None:
    text = reader.pages[0].extract_text()
    assert "2025-03-01 14:05" in text  # issued 06:05 UTC
    assert "2025-03-04 14:05" in text  # valid for 72 hours
    assert "2025-03-01 13:20" in text  # border inspection's release


def test_the_qr_code_decodes_to_exactly_the_verification_url(reader: PdfReader, verify_url: str) -> None:
    images = reader.pages[0].images
    assert len(images) == 1
    codes = zxingcpp.read_barcodes(images[0].image)
    assert [code.text for code in codes] == [verify_url]
    assert codes[0].format == zxingcpp.BarcodeFormat.QRCode


def fonts(reader: PdfReader) -> list:
    return [font.get_object() for font in reader.pages[0]["/Resources"]["/Font"].values()]


def test_fonts_are_real_noto_cjk_subset_into_the_pdf(reader: PdfReader) -> None:
    names = [str(font["/BaseFont"]) for font in fonts(reader)]
    assert names
    assert all(re.fullmatch(r"/[A-Z]{6}\+Noto-Sans-CJK-SC(-Bold)?", name) for name in names), names


def test_each_font_holds_the_glyphs_the_page_uses_under_their_cids_and_little_else(reader: PdfReader) -> None:
    for font in fonts(reader):
        descendant = font["/DescendantFonts"][0].get_object()
        widths = descendant["/W"]
        used = {first + i for first, run in zip(widths[::2], widths[1::2], strict=True) for i in range(len(run))}
        program = descendant["/FontDescriptor"]["/FontFile3"].get_object()
        assert program["/Subtype"] == "/CIDFontType0C"
        cff = CFFFontSet()
        cff.decompile(io.BytesIO(program.get_data()), None)
        top = cff.topDictIndex[0]
        assert top.ROS == ("Adobe", "Identity", 0)
        cids = {int(name[3:]) for name in top.charset if name != ".notdef"}
        assert used - {0} <= cids
        assert len(cids) < len(used) + 10  # not the tens of thousands of empty glyphs WeasyPrint keeps


def test_the_pdf_stays_under_150_kb(pdf: bytes) -> None:
    assert len(pdf) <= 150 * 1024


def test_the_certificate_is_the_same_whatever_the_readers_language(pdf: bytes, verify_url: str) -> None:
    from django.utils import translation

    with translation.override("en"):
        english = PdfReader(io.BytesIO(render_port_clearance_pdf(FACTS, verify_url))).pages[0].extract_text()
    assert english == PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


# Numbers and tokens ------------------------------------------------------------------------------


def test_certificate_numbers_carry_port_beijing_year_and_sequence() -> None:
    new_year_in_beijing = datetime(2024, 12, 31, 17, 0, tzinfo=UTC)
    assert certificate_number(port="CNSHA", issued_at=new_year_in_beijing, sequence=7) == "CNSHA-2025-000007"


def test_the_verification_url_carries_the_number_and_a_short_url_safe_token(verify_url: str) -> None:
    match = re.fullmatch(
        r"https://www\.singlewindow\.cn/verify/port-clearance/CNSHA-2025-000123/([\w-]{16})/", verify_url
    )
    assert match
    assert token_valid(FACTS.number, facts_digest(FACTS), match.group(1))


def test_the_digest_covers_the_instant_not_how_its_time_zone_is_written() -> None:
    in_beijing = dataclasses.replace(FACTS, issued_at=FACTS.issued_at.astimezone(ZoneInfo("Asia/Shanghai")))
    assert facts_digest(in_beijing) == facts_digest(FACTS)


@pytest.mark.parametrize(
    "change",
    [
        {"next_port_of_call": Port(locode="HKHKG", name_zh="香港", name_en="Hong Kong")},
        {"vessel_name": "EMMA MAERSK II"},
        {"valid_until": FACTS.valid_until + timedelta(days=30)},
        {"releasing_agencies": FACTS.releasing_agencies[:2]},
    ],
)
def test_an_altered_fact_fails_verification(change: dict) -> None:
    token = sign_certificate(FACTS.number, facts_digest(FACTS))
    altered = dataclasses.replace(FACTS, **change)
    assert not token_valid(altered.number, facts_digest(altered), token)
    now = FACTS.issued_at
    assert certificate_status(facts=altered, token=token, revoked=False, now=now) == CertificateStatus.INVALID


def test_a_token_does_not_carry_over_to_another_number() -> None:
    token = sign_certificate(FACTS.number, facts_digest(FACTS))
    forged = dataclasses.replace(FACTS, number="CNSHA-2025-000124")
    assert not token_valid(forged.number, facts_digest(forged), token)
    assert not token_valid(FACTS.number, facts_digest(FACTS), "AAAAAAAAAAAAAAAA")
    assert not token_valid(FACTS.number, facts_digest(FACTS), "")


def test_tokens_depend_on_the_secret_key_and_survive_its_rotation(settings) -> None:  # type: ignore[no-untyped-def]
    digest = facts_digest(FACTS)
    token = sign_certificate(FACTS.number, digest)
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = old_key + "-rotated"
    settings.SECRET_KEY_FALLBACKS = []
    assert not token_valid(FACTS.number, digest, token)
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert token_valid(FACTS.number, digest, token)


def test_the_status_is_valid_expired_revoked_or_unknown() -> None:
    token = sign_certificate(FACTS.number, facts_digest(FACTS))
    during = FACTS.issued_at + timedelta(hours=1)
    after = FACTS.valid_until + timedelta(minutes=1)
    assert certificate_status(facts=FACTS, token=token, revoked=False, now=during) == CertificateStatus.VALID
    assert certificate_status(facts=FACTS, token=token, revoked=False, now=after) == CertificateStatus.EXPIRED
    assert certificate_status(facts=FACTS, token=token, revoked=True, now=during) == CertificateStatus.REVOKED
    assert certificate_status(facts=None, token=token, revoked=False, now=during) == CertificateStatus.UNKNOWN


def test_facts_refuse_naive_times() -> None:
    with pytest.raises(ValueError):
        dataclasses.replace(FACTS, issued_at=datetime(2025, 3, 1, 14, 5))


def test_stored_facts_read_back_equal_and_keep_their_digest() -> None:
    stored = json.loads(json.dumps(facts_as_json(FACTS)))  # as a JSONField gives them back
    assert facts_from_json(stored) == FACTS
    assert facts_digest(facts_from_json(stored)) == facts_digest(FACTS)
