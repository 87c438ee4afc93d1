"""What the edit form shows beside its fields: why an agency returned the declaration, and what the
broker and the client said about a field. The clerk corrects a returned declaration without having to
remember the timeline (the agency's element is already mapped to the one-table field it came from)."""

from __future__ import annotations

from dataclasses import dataclass

from singlewindow.choices import Agency
from singlewindow.models import User
from singlewindow.problems import parse_path

from .choices import DeclarationStatus, EventKind
from .fields import BY_KEY
from .models import Declaration
from .review import review_for
from .timeline import timeline_for

AGENCY_NAMES = dict(Agency.choices)
ANY_ROW = "*"


@dataclass(frozen=True)
class Note:
    kind: str  # "returned" (an agency's reason) or "comment" (the draft exchange)
    who: str
    text: str


@dataclass(frozen=True)
class Returned:
    agency: str
    reason: str
    field_label: str
    anchor: str  # the id of the input the reason concerns ("" when it names no field)


def _input_id(rows: str | None, index: str, name: str) -> str:
    return f"id_{rows}-{index}-{name}" if rows else f"id_{name}"


def _anchor(name: str) -> tuple[str, str]:
    """The input ids a returned field names: a header field, or that field on any goods line (the
    agency's element does not say which line); and the first input to jump to."""
    if f"header.{name}" in BY_KEY:
        return f"id_{name}", f"id_{name}"
    for rows, section in (("lines", "line"), ("containers", "container")):
        if f"{section}.{name}" in BY_KEY:
            return _input_id(rows, ANY_ROW, name), _input_id(rows, "0", name)
    return "", ""


def edit_notes(*, declaration: Declaration, user: User) -> tuple[list[Returned], dict[str, list[Note]]]:
    """The agencies' reasons for returning the latest version (for the top of the form), and every note by
    input id (a line field's returned reason under id_lines-*-name: it shows on each line)."""
    returned: list[Returned] = []
    notes: dict[str, list[Note]] = {}
    if declaration.status == DeclarationStatus.REJECTED and (timeline := timeline_for(declaration)):
        for branch in timeline.branches:
            if branch.state != EventKind.REJECTED:
                continue
            agency = str(AGENCY_NAMES.get(branch.agency, branch.agency))
            key, anchor = _anchor(branch.field_name)
            returned.append(Returned(agency=agency, reason=branch.reason, field_label=branch.field, anchor=anchor))
            if key:
                notes.setdefault(key, []).append(Note("returned", agency, branch.reason))
    if declaration.prepared_by_id is not None or declaration.owner_id != user.organisation_id:
        for field, comments in review_for(declaration=declaration, user=user)["by_field"].items():
            path = parse_path(field) if field else None
            if path is None:
                continue
            index = str(path.position - 1) if path.rows and path.position else ""  # comments count lines from 1
            key = _input_id(path.rows, index, path.name) if path.rows else _input_id(None, "", path.name)
            for comment in comments:
                notes.setdefault(key, []).append(
                    Note("comment", comment.author.first_name or comment.author.username, comment.text)
                )
    return returned, notes
