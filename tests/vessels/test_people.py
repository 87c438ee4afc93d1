"""Crew (FAL5) and passenger (FAL6) lists: what a ship agent uploads, and what is refused."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Sequence
from datetime import date

import openpyxl
import pytest
import segno
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from declarations.examples import blank_pdf
from vessels import tables
from vessels.examples import example_crew_csv, example_crew_rows, example_crew_xlsx
from vessels.people import (
    CREW_COLUMNS,
    PASSENGER_COLUMNS,
    CrewRow,
    ListRefused,
    PassengerRow,
    RowError,
    crew_template_xlsx,
    header_label,
    import_crew,
    import_passengers,
    passenger_template_xlsx,
)

ON = date(2025, 3, 1)  # the day of departure the documents must be valid on
KEYS = [column.key for column in CREW_COLUMNS]


def csv_bytes(rows: Sequence[Sequence[object]], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def crew_row(**changes: object) -> list[object]:
    row = dict(zip(KEYS, example_crew_rows(1, on=ON)[0], strict=True))
    row.update(changes)
    return [row[key] for key in KEYS]


def refusal(data: bytes) -> ListRefused:
    with pytest.raises(ListRefused) as caught:
        import_crew(data, on=ON)
    return caught.value


# Valid lists -----------------------------------------------------------------------------------


def test_a_500_row_crew_workbook_imports_every_row() -> None:
    result = import_crew(example_crew_xlsx(500, on=ON), on=ON)
    assert result.errors == []
    assert len(result.rows) == 500
    assert result.rows[0] == CrewRow(
        family_name="WANG",
        given_names="WEI",
        rank_or_rating="Master",
        nationality="CHN",
        date_of_birth=date(1965, 1, 1),
        place_of_birth="Shanghai",
        document_type="passport",
        document_number="E10000000",
        document_expiry=date(2026, 3, 1),
    )


def test_the_same_list_as_csv_with_a_byte_order_mark_gives_the_same_rows() -> None:
    from_csv = import_crew(example_crew_csv(500, on=ON), on=ON)
    assert from_csv.errors == []
    assert from_csv.rows == import_crew(example_crew_xlsx(500, on=ON), on=ON).rows


def test_nationalities_are_kept_as_iso_alpha_3_whether_given_as_two_or_three_letters() -> None:
    rows = import_crew(example_crew_xlsx(6, on=ON), on=ON).rows
    assert [row.nationality for row in rows] == ["CHN", "PHL", "IND", "UKR", "VNM", "CHN"]


def test_a_csv_saved_by_chinese_excel_in_gb18030_is_read() -> None:
    data = csv_bytes([KEYS, crew_row(place_of_birth="上海市浦东新区", family_name="欧阳")], "gb18030")
    result = import_crew(data, on=ON)
    assert result.errors == []
    assert (result.rows[0].family_name, result.rows[0].place_of_birth) == ("欧阳", "上海市浦东新区")


def test_columns_are_found_by_key_or_label_in_any_order() -> None:
    header = [header_label(c) for c in CREW_COLUMNS]
    header[0], header[1] = "given_names", "Family name"  # a key and an English label, swapped
    row = crew_row()
    row[0], row[1] = row[1], row[0]
    result = import_crew(csv_bytes([header, row]), on=ON)
    assert (result.rows[0].family_name, result.rows[0].given_names) == ("WANG", "WEI")


def test_headers_may_leave_out_the_note_in_brackets() -> None:
    header = [header_label(c) for c in CREW_COLUMNS]
    header[KEYS.index("nationality")] = "国籍"
    assert import_crew(csv_bytes([header, crew_row()]), on=ON).errors == []
    header[KEYS.index("nationality")] = "Nationality"
    assert import_crew(csv_bytes([header, crew_row()]), on=ON).errors == []


def test_dates_may_be_written_with_slashes_and_documents_named_in_english() -> None:
    row = crew_row(
        date_of_birth="1980/5/12", document_expiry="2027-01-31", document_type="Seafarer's identity document"
    )
    result = import_crew(csv_bytes([KEYS, row]), on=ON)
    assert result.errors == []
    member = result.rows[0]
    assert (member.date_of_birth, member.document_expiry) == (date(1980, 5, 12), date(2027, 1, 31))
    assert member.document_type == "seafarer_id"


def test_document_types_are_recognised_by_their_chinese_names() -> None:
    row = crew_row(document_type="海员身份证件")
    assert import_crew(csv_bytes([KEYS, row]), on=ON).rows[0].document_type == "seafarer_id"


def test_an_uploaded_file_object_is_read_too() -> None:
    upload = SimpleUploadedFile("crew.xlsx", example_crew_xlsx(3, on=ON))
    assert len(import_crew(upload, on=ON).rows) == 3


def test_blank_rows_are_skipped() -> None:
    result = import_crew(csv_bytes([KEYS, crew_row(), [""] * 9, crew_row()]), on=ON)
    assert (len(result.rows), result.errors) == (2, [])


# Problems per row and column ---------------------------------------------------------------------


def bad_list() -> bytes:
    return csv_bytes(
        [
            KEYS,
            crew_row(),
            crew_row(nationality="XX", document_expiry="2024-12-31"),
            crew_row(family_name="", date_of_birth="12.05.1980"),
        ]
    )


def test_each_problem_names_its_row_and_column_in_chinese() -> None:
    result = import_crew(bad_list(), on=ON)
    assert len(result.rows) == 1
    assert result.errors == [
        RowError(3, "nationality", "XX 不是 ISO 3166 国家代码（2 或 3 个字母）。"),
        RowError(3, "document_expiry", "证件已于 2024-12-31 过期。"),
        RowError(4, "family_name", "此项为必填项。"),
        RowError(4, "date_of_birth", "日期请按 YYYY-MM-DD 填写。"),
    ]


def test_each_problem_names_its_row_and_column_in_english() -> None:
    with translation.override("en"):
        result = import_crew(bad_list(), on=ON)
    assert result.errors == [
        RowError(3, "nationality", "XX is not an ISO 3166 country code (2 or 3 letters)."),
        RowError(3, "document_expiry", "The document expired on 2024-12-31."),
        RowError(4, "family_name", "This field is required."),
        RowError(4, "date_of_birth", "Give the date as YYYY-MM-DD."),
    ]


def test_a_document_valid_on_the_day_itself_is_accepted_and_a_birth_after_it_is_not() -> None:
    result = import_crew(csv_bytes([KEYS, crew_row(document_expiry="2025-03-01", date_of_birth="2025-03-02")]), on=ON)
    assert [(e.column, e.message) for e in result.errors] == [("date_of_birth", "出生日期不能是将来的日期。")]


def test_an_unknown_document_type_lists_the_choices() -> None:
    with translation.override("en"):
        result = import_crew(csv_bytes([KEYS, crew_row(document_type="visa")]), on=ON)
    assert result.errors[0].message == (
        "Choose one of: Passport / Seafarer's identity document / Other identity document."
    )


# Whole files refused -----------------------------------------------------------------------------


def test_a_zip_bomb_is_refused_before_it_is_unpacked() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (tables.MAX_UNPACKED_BYTES + 1))
    data = buffer.getvalue()
    assert len(data) < tables.MAX_BYTES
    assert refusal(data).code == "zip_bomb"


def png() -> bytes:
    buffer = io.BytesIO()
    segno.make("not a list").save(buffer, kind="png")
    return buffer.getvalue()


@pytest.mark.parametrize("content", [png, blank_pdf])
def test_a_picture_or_pdf_named_crew_xlsx_is_refused(content: Callable[[], bytes]) -> None:
    error = refusal(content())
    assert (error.code, error.field, error.status_code) == ("not_a_list", "file", 400)
    assert str(error) == "该文件既不是 Excel 工作簿（.xlsx），也不是 CSV 文件。"


def test_a_zip_that_is_not_a_workbook_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
    assert refusal(buffer.getvalue()).code == "not_a_list"


def test_a_file_over_the_size_limit_is_refused_even_as_a_stream() -> None:
    big = b"a," * (tables.MAX_BYTES // 2 + 1)
    assert refusal(big).code == "too_large"
    with pytest.raises(ListRefused):
        import_crew(io.BytesIO(big), on=ON)


def test_more_rows_than_the_limit_is_refused_in_csv_and_in_a_workbook() -> None:
    assert refusal(example_crew_csv(tables.MAX_ROWS + 1, on=ON)).code == "too_many_rows"
    assert refusal(example_crew_xlsx(tables.MAX_ROWS + 1, on=ON)).code == "too_many_rows"
    assert len(import_crew(example_crew_csv(tables.MAX_ROWS, on=ON), on=ON).rows) == tables.MAX_ROWS


def test_a_missing_required_column_is_named_in_the_refusal() -> None:
    error = refusal(csv_bytes([KEYS[:-1], crew_row()[:-1]]))
    assert error.code == "missing_columns"
    with translation.override("en"):
        error = refusal(csv_bytes([KEYS[:-1], crew_row()[:-1]]))
    assert str(error) == ("Columns missing: Identity document expiry date. Download the template to see the columns.")


def test_a_column_given_twice_is_refused() -> None:
    assert refusal(csv_bytes([[*KEYS, "Family name"], [*crew_row(), "X"]])).code == "duplicate_column"


def test_a_truncated_workbook_is_refused_as_damaged() -> None:
    data = example_crew_xlsx(20, on=ON)
    assert refusal(data[: len(data) // 2]).code == "damaged"


def test_a_workbook_with_broken_xml_is_refused_as_damaged() -> None:
    source = zipfile.ZipFile(io.BytesIO(example_crew_xlsx(5, on=ON)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in source.namelist():
            broken = name == "xl/worksheets/sheet1.xml"
            archive.writestr(name, b"<worksheet><sheetData><row r='1'><c" if broken else source.read(name))
    error = refusal(buffer.getvalue())
    assert error.code == "damaged"
    assert str(error) == "无法读取该工作簿，文件可能已损坏。请用 Excel 重新保存后再试。"


def test_a_malformed_csv_is_refused() -> None:
    error = refusal(csv_bytes([KEYS]) + b'"' + b"x" * 200_000 + b'"\n')
    assert error.code == "damaged"
    assert str(error) == "CSV 文件第 2 行格式错误。"


def test_an_empty_file_is_refused() -> None:
    assert refusal(b"").code == "empty"
    assert refusal(csv_bytes([KEYS])).code == "empty"


# Templates ---------------------------------------------------------------------------------------


def test_the_crew_template_has_bilingual_headers_and_round_trips() -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(crew_template_xlsx()))
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:2] == ["姓 / Family name", "名 / Given names"]
    assert headers[-1] == "身份证件有效期至 / Identity document expiry date"
    sheet.append(["CHEN", "LEI", "大副", "CN", date(1988, 8, 8), "大连", "护照", "EA1234567", date(2030, 1, 1)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = import_crew(buffer.getvalue(), on=ON)
    assert result.errors == []
    assert result.rows == [
        CrewRow("CHEN", "LEI", "大副", "CHN", date(1988, 8, 8), "大连", "passport", "EA1234567", date(2030, 1, 1))
    ]


def test_the_passenger_template_round_trips_with_ports_and_transit(db: None) -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(passenger_template_xlsx()))
    sheet = workbook.worksheets[0]
    assert len(sheet[1]) == len(PASSENGER_COLUMNS)
    common = ["SMITH", "JOHN", "GBR", date(1970, 1, 2), "London", "passport", "123456789", date(2029, 5, 5)]
    sheet.append([*common, "CNSHA", "SGSIN", "是"])
    sheet.append([*common, "cnsha", "jpyok", None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = import_passengers(buffer.getvalue(), on=ON)
    assert result.errors == []
    assert result.rows[0] == PassengerRow(
        "SMITH",
        "JOHN",
        "GBR",
        date(1970, 1, 2),
        "London",
        "passport",
        "123456789",
        date(2029, 5, 5),
        "CNSHA",
        "SGSIN",
        True,
    )
    assert (result.rows[1].port_of_disembarkation, result.rows[1].transit) == ("JPYOK", False)


def test_a_passenger_port_outside_the_code_list_is_a_row_problem(db: None) -> None:
    keys = [column.key for column in PASSENGER_COLUMNS]
    row = [
        "SMITH",
        "JOHN",
        "GB",
        "1970-01-02",
        "London",
        "passport",
        "123456789",
        "2029-05-05",
        "CNSHA",
        "ZZZZZ",
        "maybe",
    ]
    result = import_passengers(csv_bytes([keys, row]), on=ON)
    assert result.rows == []
    assert result.errors == [
        RowError(2, "port_of_disembarkation", "ZZZZZ 不是已知港口（UN/LOCODE）。"),
        RowError(2, "transit", "请填写“是”或“否”。"),
    ]


def test_an_old_xls_workbook_is_refused_with_advice() -> None:
    error = refusal(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    assert error.code == "old_excel"


def test_a_workbook_compressed_other_than_excel_does_is_refused() -> None:
    source = zipfile.ZipFile(io.BytesIO(example_crew_xlsx(5, on=ON)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_BZIP2) as archive:
        for name in source.namelist():
            archive.writestr(name, source.read(name))
    assert refusal(buffer.getvalue()).code == "damaged"
