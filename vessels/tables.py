"""Reading an uploaded list (an .xlsx workbook or a CSV file) into rows of cells, safely.

Uploads come from outside, so the file is judged by its content, never its name, and refused whole
(`ListRefused`, a DomainError) before anything is parsed when it is too big, not a list, damaged, a
zip bomb or longer than a list can be. Workbooks are read from their first sheet with openpyxl in
read-only mode; CSV may be UTF-8 with or without a byte order mark, or GB18030 as Excel on Chinese
Windows saves it.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import re
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import IO, cast

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from singlewindow.errors import DomainError
from singlewindow.untrusted import ZIP_SIGNATURE, UntrustedFile, open_workbook, sheet_rows

log = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000  # rows below the header
# A 2,000-row sheet unpacks to about 1 MB; far more than that is a zip bomb, refused before
# openpyxl inflates anything. zipfile never inflates a deflated member beyond its declared size.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_COLUMNS = 50  # cells read per row; a list has a dozen, the rest is ignored

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 (.xls)
# Files that may decode as text by chance yet are not lists: PDF, PNG, JPEG, GIF, gzip, 7z, RAR.
NOT_TEXT = (b"%PDF-", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"7z\xbc\xaf", b"Rar!")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

Cell = str | int | float | bool | date | datetime | None  # what openpyxl and the csv module give


class ListRefused(DomainError):
    """The whole file is refused; `code` says why, str(error) says it in the active language."""

    status_code = 400
    field = "file"

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def read_table(source: bytes | IO[bytes]) -> Iterator[tuple[int, Sequence[Cell]]]:
    """(row number, cells) for each non-blank row, the header first; the header is row 1.

    Raises ListRefused, possibly part-way through, so consume it fully before keeping anything.
    """
    data = source if isinstance(source, bytes) else source.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ListRefused("too_large", _("The file is larger than %(limit)s.") % {"limit": filesizeformat(MAX_BYTES)})
    rows = _workbook_rows(data) if data.startswith(ZIP_SIGNATURE) else _csv_rows(data)
    for number, cells in enumerate(rows, start=1):
        if all(blank(cell) for cell in cells):
            continue
        if number > MAX_ROWS + 1:
            raise ListRefused("too_many_rows", _too_many_rows())
        yield number, cells


def _workbook_rows(data: bytes) -> Iterator[Sequence[Cell]]:
    """The first sheet's rows; singlewindow.untrusted checks the zip before openpyxl unpacks anything."""
    try:
        workbook = open_workbook(data, max_bytes=MAX_BYTES, max_uncompressed=MAX_UNPACKED_BYTES)
    except UntrustedFile as refused:
        raise _as_list_refusal(refused) from None
    try:
        rows = sheet_rows(workbook.worksheets[0], max_rows=MAX_ROWS + 1, max_cols=MAX_COLUMNS)
    except UntrustedFile as refused:
        raise _as_list_refusal(refused) from None
    except Exception:  # a damaged workbook makes openpyxl raise whatever its parser meets first
        log.info("unreadable workbook", exc_info=True)
        raise ListRefused("damaged", _damaged()) from None
    finally:
        workbook.close()
    return iter(cast(list[Sequence[Cell]], rows))  # data_only: values, never formulas


def _as_list_refusal(refused: UntrustedFile) -> ListRefused:
    code = {"wrong_type": "not_a_list", "malformed": "damaged"}.get(refused.code, refused.code)
    messages = {"not_a_list": _not_a_list, "damaged": _damaged, "too_many_rows": _too_many_rows}
    return ListRefused(code, messages[code]() if code in messages else str(refused))


def _too_many_rows() -> str:
    return _("A list has at most %(max)d rows; split it into several files.") % {"max": MAX_ROWS}


def _csv_rows(data: bytes) -> Iterator[Sequence[Cell]]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        for row in reader:
            yield row[:MAX_COLUMNS]
    except csv.Error:
        raise ListRefused(
            "damaged", _("The CSV file is malformed at line %(line)d.") % {"line": reader.line_num}
        ) from None


def _decode(data: bytes) -> str:
    if data.startswith(OLE2_SIGNATURE):
        raise ListRefused(
            "old_excel", _("Excel 97-2003 workbooks (.xls) cannot be read; save the list as .xlsx and upload it again.")
        )
    if data.startswith(NOT_TEXT):
        raise ListRefused("not_a_list", _not_a_list())
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if not _CONTROL.search(text):
            return text
        break
    raise ListRefused("not_a_list", _not_a_list())


def _damaged() -> str:
    return _("The workbook cannot be read; it may be damaged. Save it again from Excel and retry.")


def _not_a_list() -> str:
    return _("This file is neither an Excel workbook (.xlsx) nor a CSV file.")
