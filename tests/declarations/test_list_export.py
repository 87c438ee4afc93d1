"""The list page's export: an unknown file format is refused in the user's language, and the workbook's
quantities, prices and weights are numbers a clerk can sum (the round trip is tested in test_interchange)."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest

from declarations import services

from .. import factories
from ..clients import web

pytestmark = pytest.mark.django_db


def test_an_unknown_export_format_is_refused_with_a_clear_message() -> None:
    clerk = factories.clerk()
    factories.valid_draft(clerk, lines=1, documents=False)
    client = web(clerk)

    response = client.get("/declarations/export/?format=csv", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    text = response.content.decode()
    assert text == "未知的导出格式“csv”：请从 xml, xlsx 中选择。"
    assert "<Declarations" not in text

    english = web(clerk).get("/declarations/export/?format=csv", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 400
    assert english.content.decode() == "Unknown export format “csv”: choose one of xml, xlsx."


def sheet_rows(data: bytes, title: str) -> list[dict[str, object]]:
    sheet = openpyxl.load_workbook(io.BytesIO(data))[title]
    rows = list(sheet.iter_rows(values_only=True))
    names = rows[0]
    return [dict(zip(names, row, strict=False)) for row in rows[2:]]


def test_the_excel_export_holds_numbers_as_numbers_and_codes_as_text() -> None:
    clerk = factories.clerk()
    factories.valid_draft(clerk, lines=2, documents=False)
    data = web(clerk).get("/declarations/export/?format=xlsx").content

    [declaration] = sheet_rows(data, "Declarations")
    assert declaration["gross_weight"] == 2450.5 and isinstance(declaration["gross_weight"], float)
    assert declaration["packages"] == 120
    first, second = sheet_rows(data, "Goods lines")
    assert first["declared_quantity"] == 10 and isinstance(first["declared_quantity"], int)
    assert second["unit_price"] == 126.5 and isinstance(second["unit_price"], float)
    assert first["total_price"] == 1255 and second["total_price"] == 1391.5
    assert isinstance(first["hs_code"], str)  # a code keeps its digits as text

    sheet = openpyxl.load_workbook(io.BytesIO(data))["Goods lines"]
    names = [cell.value for cell in sheet[1]]
    assert sheet.cell(row=3, column=names.index("unit_price") + 1).number_format == "0.0000"


def test_a_number_a_spreadsheet_cannot_hold_exactly_stays_text() -> None:
    clerk = factories.clerk()
    draft = factories.valid_draft(clerk, lines=1, documents=False)
    line = {**draft.lines.values()[0], "unit_price": Decimal("123456789012345.1234")}
    line = {k: v for k, v in line.items() if k not in ("id", "declaration_id", "line_no")}
    services.declaration_save_draft(declaration=draft, user=clerk, header={}, lines=[line], containers=None)

    [row] = sheet_rows(web(clerk).get("/declarations/export/?format=xlsx").content, "Goods lines")
    assert row["unit_price"] == "123456789012345.1234"
