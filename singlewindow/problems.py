"""What validation says about a filing: a problem names the field it concerns by a path, and there is
one way to read such a path, whatever the kind of filing.

Paths: a header field ("gross_weight"), a field of a row in a list ("lines[2].hs_code",
"containers[0].number", "crew[4].nationality"; the index counts from 0, or is the row's number in
the draft exchange: "lines[3].unit_price"), or a whole list ("lines", "documents", "crew").
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    field: str
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": self.message}


@dataclass(frozen=True)
class FieldPath:
    rows: str | None  # the list ("lines", "containers", "crew"…); None for a header field or a whole list
    index: str | None  # the row as written between the brackets
    name: str  # the field (or the whole list's key when rows is None)

    @property
    def position(self) -> int | None:
        """The row's index as a number, when it is one."""
        return int(self.index) if self.index is not None and self.index.isdigit() else None


_PATH = re.compile(r"^(?:(?P<rows>[a-z_]+)\[(?P<index>[0-9A-Za-z]+)\]\.)?(?P<name>[a-z_]+)$")


def parse_path(path: str) -> FieldPath | None:
    """The parts of a problem's or comment's field path; None when it is not one."""
    match = _PATH.match(path)
    if match is None:
        return None
    return FieldPath(rows=match["rows"], index=match["index"], name=match["name"])
