"""The ERP interchange workbook: a "Declarations" sheet (one row each), a "Goods lines" sheet and a
"Containers" sheet whose rows name their declaration by reference. Row 1 holds the catalogue names
the import reads; row 2 the labels in the user's language; data starts on row 3. The empty workbook
is the template the portal offers."""

from __future__ import annotations

import io
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell

from singlewindow.spreadsheets import xlsx_row
from singlewindow.untrusted import UntrustedFile, iter_sheet_rows, open_workbook

from ..fields import BY_KEY, ONE_TABLE
from .records import SETTINGS, Record, Row, setting_labels, too_many

SHEETS = ("Declarations", "Goods lines", "Containers")
SECTION_OF = {"Declarations": "header", "Goods lines": "line", "Containers": "container"}
FIRST_DATA_ROW = 3
MAX_COLUMNS = 120  # the widest sheet has about 50 columns


def columns(sheet: str) -> list[tuple[str, str]]:
    """(catalogue name, label) of each column of a sheet."""
    labels = setting_labels()
    section = SECTION_OF[sheet]
    lead = [(name, labels[name]) for name in SETTINGS] if section == "header" else [("reference", labels["reference"])]
    return lead + [(spec.name, str(spec.label)) for spec in ONE_TABLE if spec.section == section]


def write(records: Iterable[tuple[dict[str, str], dict, list[dict], list[dict]]]) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheets = {}
    for title in SHEETS:
        sheet = workbook.create_sheet(title)
        names = [name for name, _label in columns(title)]
        sheet.append(names)
        sheet.append(xlsx_row(sheet, [label for _name, label in columns(title)]))
        sheets[title] = (sheet, names)
    formats = {title: _number_formats(title) for title in SHEETS}
    for settings, header, lines, containers in records:
        sheet, names = sheets["Declarations"]
        values = {**settings, **header}
        cells = [
            _cell(sheet, values.get(name), kind) for name, kind in zip(names, formats["Declarations"], strict=True)
        ]
        sheet.append(xlsx_row(sheet, cells))
        for title, rows in (("Goods lines", lines), ("Containers", containers)):
            sheet, names = sheets[title]
            for row in rows:
                values = {"reference": settings.get("reference", ""), **row}
                cells = [_cell(sheet, values.get(name), kind) for name, kind in zip(names, formats[title], strict=True)]
                sheet.append(xlsx_row(sheet, cells))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _number_formats(sheet: str) -> list[str | None]:
    """Each column's number format ("0.00" for a money field, "0" for a count), None for a column of text
    (codes such as the HS code stay text)."""
    section = SECTION_OF[sheet]
    formats: list[str | None] = []
    for name, _label in columns(sheet):
        spec = BY_KEY.get(f"{section}.{name}")
        field = spec.model_field if spec is not None else None
        if isinstance(field, models.DecimalField):
            formats.append("0." + "0" * field.decimal_places if field.decimal_places else "0")
        elif isinstance(field, models.IntegerField):
            formats.append("0")
        else:
            formats.append(None)
    return formats


def _cell(sheet: Any, value: Any, number_format: str | None) -> Any:
    if value is None:
        return ""
    if number_format is not None and not isinstance(value, bool):
        number = _number(value)
        if number is not None:  # a number the clerk can sum, shown with the field's decimals
            cell = WriteOnlyCell(sheet, value=number)
            cell.number_format = number_format
            return cell
    if isinstance(value, Decimal):
        return str(value)  # text keeps every digit where an Excel number would not
    return value


def _number(value: Any) -> int | float | None:
    """The value as a number a spreadsheet holds exactly (the import reads it back to the same decimal),
    or None."""
    try:
        exact = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    if not exact.is_finite():
        return None
    if exact == exact.to_integral_value() and abs(exact) < 2**53:
        return int(exact)
    number = float(exact)
    return number if Decimal(repr(number)) == exact else None


def read(data: bytes, *, max_bytes: int, max_rows: int, max_declarations: int) -> list[Record]:
    """The workbook's declarations, read row by row: more than max_declarations stops the reading there."""
    workbook = open_workbook(data, max_bytes=max_bytes, max_uncompressed=max_bytes * 20)
    try:
        missing = [title for title in SHEETS[:2] if title not in workbook.sheetnames]
        if missing:
            raise UntrustedFile(
                _("The workbook has no sheet called %(names)s; start from the portal's template.")
                % {"names": ", ".join(f"“{m}”" for m in missing)},
                "wrong_layout",
            )
        records: dict[str, Record] = {}
        order: list[Record] = []
        for title in SHEETS:
            if title not in workbook.sheetnames:
                continue
            rows = iter_sheet_rows(workbook[title], max_rows=max_rows + FIRST_DATA_ROW, max_cols=MAX_COLUMNS)
            names = [str(n).strip() if n is not None else "" for n in next(rows, ())]
            if "reference" not in names:
                raise UntrustedFile(
                    _("Row 1 of sheet “%(sheet)s” must hold the column names of the template.") % {"sheet": title},
                    "wrong_layout",
                )
            for number, values in enumerate(rows, start=2):
                if number < FIRST_DATA_ROW or not any(v not in (None, "") for v in values):
                    continue
                cells = {name: value for name, value in zip(names, values, strict=False) if name}
                where = _("sheet “%(sheet)s”, row %(row)d") % {"sheet": title, "row": number}
                reference = str(cells.pop("reference", "") or "").strip()
                if title == "Declarations":
                    settings = {
                        name: str(cells.pop(name, "") or "").strip() for name in SETTINGS if name != "reference"
                    }
                    record = Record(where=where, settings={"reference": reference, **settings}, header=cells)
                    if len(order) == max_declarations:
                        raise too_many(max_declarations)
                    order.append(record)
                    if reference:
                        records.setdefault(reference, record)
                    continue
                owner = records.get(reference)
                if owner is None:
                    orphan = Record(where=where, settings={"reference": reference}, header={})
                    orphan.errors.append(
                        (setting_labels()["reference"], _("No row of the Declarations sheet has the reference “%(ref)s”.")
                         % {"ref": reference})
                    )  # fmt: skip
                    order.append(orphan)
                    continue
                (owner.lines if title == "Goods lines" else owner.containers).append(Row(where, cells))
        return order
    finally:
        workbook.close()
