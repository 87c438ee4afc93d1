"""Export: the declarations a user may see, in the import formats, exactly as the user sees them (the
working copy for the firm and its broker, the submitted version for an agency), so that exporting
and importing again gives the same declarations back."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings

from singlewindow.models import User

from ..choices import ImportFormat
from ..models import Declaration
from ..selectors import declaration_content
from . import excel_format, xml_format

CONTENT_TYPES = {
    ImportFormat.XML: "application/xml",
    ImportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _rows(user: User, declarations: Iterable[Declaration]) -> Iterator[tuple[dict[str, str], dict, list, list]]:
    for declaration in declarations:
        content = declaration_content(user=user, declaration=declaration)
        declared: dict[str, Any] = {
            "reference": declaration.reference or declaration.pre_entry_no or f"SW{declaration.pk}",
            "enterprise": declaration.owner.uscc,
            "direction": declaration.direction,
            "kind": declaration.kind,
            "target": content.target,
        }
        yield declared, content.header, content.lines, content.containers


def export_declarations(*, user: User, declarations: Iterable[Declaration], file_format: str) -> bytes:
    """The file; the caller passes what the user may see (declarations_visible_to + filters)."""
    limited = list(declarations)[: settings.IMPORT_MAX_DECLARATIONS]
    writer = xml_format.write if file_format == ImportFormat.XML else excel_format.write
    return writer(_rows(user, limited))


def template_workbook() -> bytes:
    """The empty workbook firms fill in (row 1 names, row 2 labels in the user's language)."""
    return excel_format.write([])
