"""Opening files that come from outside (ERP uploads, agency receipts, crew lists): XML with no
entities, DTDs or network; workbooks only after their zip directory shows nothing bigger than it
should be. Every refusal is an UntrustedFile carrying a localised reason and nothing is half-read."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _
from lxml import etree

from .errors import DomainError

ZIP_SIGNATURE = b"PK\x03\x04"
MAX_UNCOMPRESSED_RATIO = 100  # real workbooks compress 5–20×; a bomb, thousands
MAX_ZIP_MEMBERS = 500


class UntrustedFile(DomainError):
    status_code = 400
    field = "file"

    def __init__(self, message: str, code: str = "invalid_file") -> None:
        super().__init__(message)
        self.code = code


def sniff(data: bytes) -> str:
    """What the bytes are, whatever the file is called: "xml", "xlsx", or ""."""
    if data.startswith(ZIP_SIGNATURE):
        return "xlsx"
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return "xml" if head.startswith(b"<") else ""


def safe_xml_parser() -> etree.XMLParser:
    """No entities, no DTDs, no network, no huge trees: the XML is someone else's."""
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
    )


def refuse_big_or_dtd(data: bytes, *, max_bytes: int) -> None:
    """What can be told of XML without parsing it: its size, and whether it declares a DTD."""
    if len(data) > max_bytes:
        raise UntrustedFile(_("The file is larger than %(mb)d MB.") % {"mb": max_bytes // 2**20}, "too_large")
    if b"<!DOCTYPE" in data[:4096].upper() or b"<!ENTITY" in data.upper():
        # Entity expansion and external entities both need a DTD; a declaration file never has one.
        raise UntrustedFile(_("The XML file declares a DTD or entities, which are not allowed."), "dtd")


def stream_xml(data: bytes, *, max_bytes: int, root_tag: str, tag: str, wrong_root: str) -> Iterator[etree._Element]:
    """The root's `tag` children one at a time, each complete and then freed, so memory stays that of one
    element however long the file; a refusal (malformed, wrong root) comes where it is met, and a caller
    that has seen enough simply stops reading."""
    refuse_big_or_dtd(data, max_bytes=max_bytes)
    events = etree.iterparse(
        io.BytesIO(data),
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
    )
    root: etree._Element | None = None
    try:
        for event, element in events:
            if root is None:
                if element.tag != root_tag:
                    raise UntrustedFile(wrong_root, "wrong_root")
                if element.getroottree().docinfo.doctype:
                    raise UntrustedFile(_("The XML file declares a DTD or entities, which are not allowed."), "dtd")
                root = element
            elif event == "end" and element.getparent() is root:
                if element.tag == tag:
                    yield element
                element.clear()
                while element.getprevious() is not None:
                    del root[0]  # what was read before it, freed too
    except etree.XMLSyntaxError as error:
        raise UntrustedFile(_("The file is not well-formed XML: %(detail)s") % {"detail": error}, "malformed") from None


def open_workbook(data: bytes, *, max_bytes: int, max_uncompressed: int) -> Any:
    """An openpyxl workbook (read-only, values only) from an .xlsx's bytes, or UntrustedFile."""
    import openpyxl  # imported here: only uploads need it

    check_workbook(data, max_bytes=max_bytes, max_uncompressed=max_uncompressed)
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:
        raise UntrustedFile(
            _("The workbook could not be read: %(detail)s") % {"detail": type(error).__name__}, "malformed"
        ) from None


def check_workbook(data: bytes, *, max_bytes: int, max_uncompressed: int) -> None:
    """What can be told of a workbook from its zip directory alone, without unpacking anything."""
    if len(data) > max_bytes:
        raise UntrustedFile(_("The file is larger than %(mb)d MB.") % {"mb": max_bytes // 2**20}, "too_large")
    if not data.startswith(ZIP_SIGNATURE):
        raise UntrustedFile(_("This is not an Excel workbook (.xlsx)."), "wrong_type")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            expanded = sum(m.file_size for m in members)
            packed = sum(m.compress_size for m in members) or 1
            too_big = expanded > max_uncompressed or expanded / packed > MAX_UNCOMPRESSED_RATIO
            if too_big or len(members) > MAX_ZIP_MEMBERS:
                raise UntrustedFile(
                    _("The workbook expands to more data than a workbook of this size can hold."), "zip_bomb"
                )
            if "xl/workbook.xml" not in archive.namelist():
                raise UntrustedFile(_("This is not an Excel workbook (.xlsx)."), "wrong_type")
            if any(m.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) for m in members):
                # Excel only deflates; zipfile inflates other methods in one go, whatever the declared size.
                raise UntrustedFile(_("The workbook could not be read: %(detail)s") % {"detail": "zip"}, "malformed")
    except UntrustedFile:
        raise
    except Exception as error:
        raise UntrustedFile(
            _("The workbook could not be read: %(detail)s") % {"detail": type(error).__name__}, "malformed"
        ) from None


def iter_sheet_rows(sheet: Any, *, max_rows: int, max_cols: int) -> Iterator[tuple[Any, ...]]:
    """A worksheet's rows one at a time, the header included, never more than max_rows of max_cols cells:
    openpyxl would otherwise pad every row to the width, and read every row to the height, the file
    merely declares. A caller that has seen enough stops reading there."""
    declared = getattr(sheet, "max_row", None)
    too_many = UntrustedFile(_("The file holds more than %(n)d rows.") % {"n": max_rows}, "too_many_rows")
    if isinstance(declared, int) and declared > max_rows:
        raise too_many
    for number, row in enumerate(sheet.iter_rows(max_row=max_rows + 1, max_col=max_cols, values_only=True), 1):
        if number > max_rows:
            if any(value not in (None, "") for value in row):
                raise too_many
            return
        yield row


def sheet_rows(sheet: Any, *, max_rows: int, max_cols: int) -> list[tuple[Any, ...]]:
    """iter_sheet_rows, all read at once."""
    return list(iter_sheet_rows(sheet, max_rows=max_rows, max_cols=max_cols))
