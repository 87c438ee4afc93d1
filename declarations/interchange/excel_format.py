"""The ERP interchange workbook: a "Declarations" sheet (one row each), a "Goods lines" sheet and a
"Containers" sheet whose rows name their declaration by reference. Row 1 holds the catalogue names
the import reads; row 2 the labels in the user's language; data starts on row 3. The empty workbook
is the template the portal offers."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from singlewindow.spreadsheets import xlsx_row
from singlewindow.untrusted import UntrustedFile, iter_sheet_rows, open_workbook

from ..fields import ONE_TABLE
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
    for settings, header, lines, containers in records:
        sheet, names = sheets["Declarations"]
        values = {**settings, **header}
        sheet.append(xlsx_row(sheet, [_cell(values.get(name)) for name in names]))
        for title, rows in (("Goods lines", lines), ("Containers", containers)):
            sheet, names = sheets[title]
            for row in rows:
                values = {"reference": settings.get("reference", ""), **row}
                sheet.append(xlsx_row(sheet, [_cell(values.get(name)) for name in names]))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _cell(value: Any) -> Any:
    from decimal import Decimal

    if isinstance(value, Decimal):
        return str(value)  # text keeps every digit; Excel floats would not
    return "" if value is None else value


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
