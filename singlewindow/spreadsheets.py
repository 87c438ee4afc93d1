"""Writing cells people will open in Excel: text that Excel (or LibreOffice) would take for a formula
(`=`, `+`, `-`, `@`, a tab or a carriage return first) is written as text, never evaluated. Every CSV and
xlsx writer in the portal goes through here (OWASP "CSV injection")."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO, Any

from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_value(value: Any) -> Any:
    """A CSV field: formula-like text gets a leading apostrophe, which spreadsheets show as text."""
    return f"'{value}" if formula_like(value) else value


def csv_row(values: Iterable[Any]) -> list[Any]:
    return [csv_value(value) for value in values]


class SafeCSVWriter:
    """csv.writer whose rows go through csv_row."""

    def __init__(self, stream: IO[str], **kwargs: Any) -> None:
        self.writer = csv.writer(stream, **kwargs)

    def writerow(self, values: Iterable[Any]) -> Any:
        return self.writer.writerow(csv_row(values))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def xlsx_row(sheet: Worksheet | Any, values: Iterable[Any]) -> list[Any]:
    """A row for `sheet.append()` (an ordinary or a write-only sheet): formula-like text becomes a string
    cell marked as text (Excel's quote prefix), every other value is left as it is."""
    return [xlsx_text(sheet, value) if formula_like(value) else value for value in values]


def xlsx_text(sheet: Worksheet | Any, value: str) -> Cell:
    cell = Cell(sheet, row=1, column=1, value=value)  # append() puts it in its place
    cell.data_type = "s"  # openpyxl would store "=…" as a formula
    cell.quotePrefix = True
    return cell
