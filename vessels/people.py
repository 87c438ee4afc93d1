"""Crew lists (FAL5) and passenger lists (FAL6) imported from Excel (.xlsx) or CSV.

Crew lists run to dozens of rows and passenger lists to hundreds, and ship agents keep them in
spreadsheets, so they are uploaded rather than typed. The column layout is defined once
(`CREW_COLUMNS`, `PASSENGER_COLUMNS`) and drives both the parser and the template workbook agents
download. Headers are matched by key or by their Chinese or English label, in any order.

An upload that cannot be read as a list is refused whole with `ListRefused` (wrong content, too
big, too many rows, damaged, a zip bomb, required columns missing), so nothing is half imported.
A readable list gives back its valid rows and every problem by row and column, in the active
language.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import IO, Any, Generic, NamedTuple, TypeVar

import openpyxl
import pycountry
from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from singlewindow.spreadsheets import xlsx_row

from .choices import IdentityDocument
from .identifiers import port_problem
from .tables import MAX_BYTES, MAX_ROWS, Cell, ListRefused, blank, read_table

__all__ = [  # the tables' limits and refusal are re-exported: importing a list needs only this module
    "CREW_COLUMNS",
    "MAX_BYTES",
    "MAX_ROWS",
    "PASSENGER_COLUMNS",
    "Column",
    "CrewRow",
    "ImportResult",
    "ListRefused",
    "PassengerRow",
    "RowError",
    "crew_template_xlsx",
    "header_label",
    "import_crew",
    "import_passengers",
    "passenger_template_xlsx",
]

MAX_TEXT = 70
DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"  # Excel keeps what is typed: document numbers keep their leading zeros


class RowError(NamedTuple):
    row: int  # the spreadsheet's row number, the header being row 1
    column: str  # the column's key
    message: str


T = TypeVar("T")


@dataclass
class ImportResult(Generic[T]):
    rows: list[T]  # the rows without problems
    errors: list[RowError]


class Invalid(Exception):
    """A cell's value is refused; the message is localised."""


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    parse: Callable[[Cell, date], Any]  # (value, the day the list is for) -> typed value, or raises Invalid
    required: bool = True
    default: Any = None
    number_format: str = TEXT_FORMAT
    width: int = 18


@dataclass(frozen=True)
class CrewRow:
    """A crew list row; the fields are named as the CrewMember model's."""

    family_name: str
    given_names: str
    rank_or_rating: str
    nationality: str  # ISO 3166-1 alpha-3
    date_of_birth: date
    place_of_birth: str
    document_type: str  # IdentityDocument
    document_number: str
    document_expiry: date


@dataclass(frozen=True)
class PassengerRow:
    """A passenger list row; the fields are named as the Passenger model's."""

    family_name: str
    given_names: str
    nationality: str  # ISO 3166-1 alpha-3
    date_of_birth: date
    place_of_birth: str
    document_type: str  # IdentityDocument
    document_number: str
    document_expiry: date
    port_of_embarkation: str  # UN/LOCODE
    port_of_disembarkation: str  # UN/LOCODE
    transit: bool


# Cell parsers -----------------------------------------------------------------------------------


def _text(value: Cell, on: date) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(str(value).split())
    if len(text) > MAX_TEXT:
        raise Invalid(_("At most %(max)d characters.") % {"max": MAX_TEXT})
    return text


def _country(value: Cell, on: date) -> str:
    code = _text(value, on).upper()
    found = None
    if len(code) == 2:
        found = pycountry.countries.get(alpha_2=code)
    elif len(code) == 3:
        found = pycountry.countries.get(alpha_3=code)
    if found is None:
        raise Invalid(_("%(value)s is not an ISO 3166 country code (2 or 3 letters).") % {"value": code})
    return str(found.alpha_3)


_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]00:00(?::00)?)?")


def _date(value: Cell) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = _DATE.fullmatch(str(value).strip())
    if match:
        try:
            return date(*map(int, match.groups()))
        except ValueError:
            pass
    raise Invalid(_("Give the date as YYYY-MM-DD."))


def _birth_date(value: Cell, on: date) -> date:
    born = _date(value)
    if born > on:
        raise Invalid(_("A date of birth cannot be in the future."))
    return born


def _expiry(value: Cell, on: date) -> date:
    expiry = _date(value)
    if expiry < on:
        raise Invalid(_("The document expired on %(date)s.") % {"date": expiry.isoformat()})
    return expiry


def _normal(text: str) -> str:
    """How headers and choices are compared: without spaces, punctuation or case."""
    return re.sub(r"[\s/／*＊()（）:：_\-]+", "", text).casefold()


def _in_each_language(label: str | Promise) -> list[str]:
    texts = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts.append(str(label))
    return texts


@cache
def _document_types() -> dict[str, str]:
    aliases = {}
    for choice in IdentityDocument:
        for text in [choice.value, *_in_each_language(choice.label)]:
            aliases[_normal(text)] = choice.value
    return aliases


def _document_type(value: Cell, on: date) -> str:
    found = _document_types().get(_normal(str(value)))
    if found is None:
        names = " / ".join(str(choice.label) for choice in IdentityDocument)
        raise Invalid(_("Choose one of: %(choices)s.") % {"choices": names})
    return found


_DOCUMENT_NUMBER = re.compile(r"[A-Z0-9][A-Z0-9-]{1,29}")


def _document_number(value: Cell, on: date) -> str:
    number = _text(value, on).replace(" ", "").upper()
    if not _DOCUMENT_NUMBER.fullmatch(number):
        raise Invalid(_("A document number has 2 to 30 letters, digits or hyphens."))
    return number


def _port(value: Cell, on: date) -> str:
    code = _text(value, on).replace(" ", "").upper()
    problem = port_problem(code)
    if problem:
        raise Invalid(problem)
    return code


_YES = {"yes", "y", "true", "1", "是", "√"}
_NO = {"no", "n", "false", "0", "否"}


def _yes_no(value: Cell, on: date) -> bool:
    if isinstance(value, bool):
        return value
    word = _normal(_text(value, on))
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise Invalid(_("Answer yes or no."))


# The layout, defined once ------------------------------------------------------------------------

FAMILY_NAME = Column("family_name", gettext_lazy("Family name"), _text)
GIVEN_NAMES = Column("given_names", gettext_lazy("Given names"), _text)
RANK_OR_RATING = Column("rank_or_rating", gettext_lazy("Rank or rating"), _text)
NATIONALITY = Column("nationality", gettext_lazy("Nationality (ISO country code)"), _country, width=14)
DATE_OF_BIRTH = Column("date_of_birth", gettext_lazy("Date of birth"), _birth_date, number_format=DATE_FORMAT)
PLACE_OF_BIRTH = Column("place_of_birth", gettext_lazy("Place of birth"), _text)
DOCUMENT_TYPE = Column("document_type", gettext_lazy("Identity document type"), _document_type)
DOCUMENT_NUMBER = Column("document_number", gettext_lazy("Identity document number"), _document_number)
DOCUMENT_EXPIRY = Column(
    "document_expiry", gettext_lazy("Identity document expiry date"), _expiry, number_format=DATE_FORMAT
)
PORT_OF_EMBARKATION = Column("port_of_embarkation", gettext_lazy("Port of embarkation (UN/LOCODE)"), _port)
PORT_OF_DISEMBARKATION = Column("port_of_disembarkation", gettext_lazy("Port of disembarkation (UN/LOCODE)"), _port)
TRANSIT = Column("transit", gettext_lazy("Transit passenger (yes/no)"), _yes_no, required=False, default=False)

CREW_COLUMNS: tuple[Column, ...] = (
    FAMILY_NAME,
    GIVEN_NAMES,
    RANK_OR_RATING,
    NATIONALITY,
    DATE_OF_BIRTH,
    PLACE_OF_BIRTH,
    DOCUMENT_TYPE,
    DOCUMENT_NUMBER,
    DOCUMENT_EXPIRY,
)
PASSENGER_COLUMNS: tuple[Column, ...] = (
    FAMILY_NAME,
    GIVEN_NAMES,
    NATIONALITY,
    DATE_OF_BIRTH,
    PLACE_OF_BIRTH,
    DOCUMENT_TYPE,
    DOCUMENT_NUMBER,
    DOCUMENT_EXPIRY,
    PORT_OF_EMBARKATION,
    PORT_OF_DISEMBARKATION,
    TRANSIT,
)


def header_label(column: Column) -> str:
    """The template's header: the label in Chinese and English, e.g. '姓 / Family name'."""
    texts = list(dict.fromkeys(_in_each_language(column.label)))
    return " / ".join(texts)


# Importing ---------------------------------------------------------------------------------------


def import_crew(source: bytes | IO[bytes], *, on: date) -> ImportResult[CrewRow]:
    """The crew list in `source`; documents must be valid on `on` (the day of arrival or departure)."""
    return _import(source, CREW_COLUMNS, CrewRow, on)


def import_passengers(source: bytes | IO[bytes], *, on: date) -> ImportResult[PassengerRow]:
    """The passenger list in `source`; ports are checked against the UN/LOCODE code list."""
    return _import(source, PASSENGER_COLUMNS, PassengerRow, on)


def _import(source: bytes | IO[bytes], columns: Sequence[Column], row_type: type[T], on: date) -> ImportResult[T]:
    table = read_table(source)
    first = next(table, None)
    if first is None:
        raise ListRefused("empty", _("The list is empty."))
    positions = _positions(first[1], columns)
    result: ImportResult[T] = ImportResult(rows=[], errors=[])
    for number, cells in table:
        values, errors = _parse_row(cells, positions, columns, on)
        if errors:
            result.errors.extend(RowError(number, key, message) for key, message in errors)
        else:
            result.rows.append(row_type(**values))
    if not result.rows and not result.errors:
        raise ListRefused("empty", _("The list is empty."))
    return result


def _parse_row(
    cells: Sequence[Cell], positions: dict[str, int], columns: Sequence[Column], on: date
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    values: dict[str, Any] = {}
    errors: list[tuple[str, str]] = []
    for column in columns:
        position = positions.get(column.key)
        cell = cells[position] if position is not None and position < len(cells) else None
        if blank(cell):
            if column.required:
                errors.append((column.key, _("This field is required.")))
            values[column.key] = column.default
            continue
        try:
            values[column.key] = column.parse(cell, on)
        except Invalid as problem:
            errors.append((column.key, str(problem)))
    return values, errors


_NOTE = re.compile(r"\s*[(（][^)）]*[)）]")


def _positions(header: Sequence[Cell], columns: Sequence[Column]) -> dict[str, int]:
    """Which cell holds which column, from the header row; refuses missing or repeated columns."""
    aliases = {}
    for column in columns:
        labels = _in_each_language(column.label)  # "国籍（ISO 国家代码）", "Nationality (ISO country code)"
        short = [_NOTE.sub("", label) for label in labels]  # "国籍", "Nationality"
        for text in [column.key, *labels, *short, "".join(labels), "".join(reversed(labels)), "".join(short)]:
            aliases[_normal(text)] = column.key
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = aliases.get(_normal(str(cell))) if not blank(cell) else None
        if key is None:
            continue
        if key in positions:
            raise ListRefused("duplicate_column", _("The column %(column)s appears twice.") % {"column": cell})
        positions[key] = index
    missing = [str(column.label) for column in columns if column.required and column.key not in positions]
    if missing:
        raise ListRefused(
            "missing_columns",
            _("Columns missing: %(columns)s. Download the template to see the columns.")
            % {"columns": ", ".join(missing)},
        )
    return positions


# Templates ---------------------------------------------------------------------------------------


def crew_template_xlsx() -> bytes:
    """An empty crew list (FAL5) to fill in: the header row in Chinese and English."""
    return _template(CREW_COLUMNS, "FAL5")


def passenger_template_xlsx() -> bytes:
    """An empty passenger list (FAL6) to fill in."""
    return _template(PASSENGER_COLUMNS, "FAL6")


def _template(columns: Sequence[Column], title: str) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    sheet.append(xlsx_row(sheet, [header_label(column) for column in columns]))
    for index, column in enumerate(columns, start=1):
        sheet.cell(row=1, column=index).font = Font(bold=True)
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        sheet.column_dimensions[letter].number_format = column.number_format
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
