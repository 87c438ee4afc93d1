"""Exports cannot carry formulas: text a spreadsheet would evaluate (= + - @, a tab or a carriage return
first) is written to Excel and CSV as text."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from declarations import services
from singlewindow.spreadsheets import SafeCSVWriter, csv_value, formula_like, xlsx_row

from .. import factories
from ..clients import web

HOSTILE = ['=HYPERLINK("http://evil.example","点击")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
HARMLESS = ["N/M", "上海", "1-2", "", "a=b"]


@pytest.mark.parametrize("value", HOSTILE)
def test_formula_like_text_is_recognised(value: str) -> None:
    assert formula_like(value)
    assert csv_value(value) == f"'{value}"


@pytest.mark.parametrize("value", [*HARMLESS, 12, None])
def test_other_values_are_left_alone(value: object) -> None:
    assert not formula_like(value)
    assert csv_value(value) == value


def test_the_csv_writer_writes_formulas_as_text() -> None:
    buffer = io.StringIO()
    SafeCSVWriter(buffer).writerow(["=1+1", "ok", 3])
    assert next(csv.reader(io.StringIO(buffer.getvalue()))) == ["'=1+1", "ok", "3"]


@pytest.mark.parametrize("write_only", [True, False])
def test_the_xlsx_row_writes_formulas_as_text_cells(write_only: bool) -> None:
    workbook = openpyxl.Workbook(write_only=write_only)
    sheet = workbook.create_sheet("s") if write_only else workbook.active
    sheet.append(xlsx_row(sheet, [*HOSTILE, "ok", 5]))
    out = io.BytesIO()
    workbook.save(out)
    cells = next(openpyxl.load_workbook(io.BytesIO(out.getvalue()))["s" if write_only else sheet.title].iter_rows())
    assert [cell.value for cell in cells] == [*HOSTILE, "ok", 5]
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in cells[: len(HOSTILE)])


def test_the_declarations_export_writes_a_formula_typed_by_a_user_as_text(db: None) -> None:
    clerk = factories.clerk()
    draft = factories.valid_draft(clerk, lines=1, documents=False)
    services.declaration_save_draft(declaration=draft, user=clerk, header={"marks_and_remarks": HOSTILE[0]})
    exported = web(clerk).get("/declarations/export/?format=xlsx")
    assert exported.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(exported.content))["Declarations"]
    cells = [cell for row in sheet.iter_rows(min_row=3) for cell in row if cell.value == HOSTILE[0]]
    assert len(cells) == 1
    assert cells[0].data_type == "s" and cells[0].quotePrefix  # text, shown as text: never evaluated
