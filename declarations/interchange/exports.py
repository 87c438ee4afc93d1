"""Export: the declarations a user may see, in the import formats, exactly as the user sees them (the
working copy for the firm and its broker, the submitted version for an agency), so that exporting
and importing again gives the same declarations back."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from singlewindow.models import User

from ..choices import ImportFormat
from ..models import Declaration
from ..selectors import as_sent_to_agency, declaration_content
from . import excel_format, xml_format

CONTENT_TYPES = {
    ImportFormat.XML: "application/xml",
    ImportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _rows(user: User, declarations: Iterable[Declaration]) -> Iterator[tuple[dict[str, str], dict, list, list]]:
    for declaration in as_sent_to_agency(user=user, declarations=list(declarations)):
        content = declaration_content(user=user, declaration=declaration)
        own = user.organisation_id in (declaration.owner_id, declaration.prepared_by_id)
        declared: dict[str, Any] = {
            # The firm's own ERP number is the firm's; others know the declaration by its pre-entry number.
            "reference": (declaration.reference if own else "") or declaration.pre_entry_no or f"SW{declaration.pk}",
            "enterprise": declaration.owner.uscc,
            "direction": declaration.direction,
            "kind": declaration.kind,
            "target": content.target,
        }
        yield declared, content.header, content.lines, content.containers


def export_declarations(*, user: User, declarations: QuerySet[Declaration], file_format: str) -> bytes:
    """The file, of at most IMPORT_MAX_DECLARATIONS declarations (the newest first); the caller passes
    what the user may see (declarations_visible_to + filters)."""
    limited = declarations.select_related("owner").prefetch_related("lines", "containers", "documents")
    writer = xml_format.write if file_format == ImportFormat.XML else excel_format.write
    return writer(_rows(user, limited[: settings.IMPORT_MAX_DECLARATIONS]))


def template_workbook() -> bytes:
    """The empty workbook firms fill in (row 1 names, row 2 labels in the user's language)."""
    return excel_format.write([])
