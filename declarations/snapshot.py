"""The canonical form of a declaration: what is frozen on submission, exported, diffed, and
translated into every agency's message. Only the fields its targeted agencies receive."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from singlewindow.services import json_value

from .fields import specs_for
from .models import AttachedDocument, Container, Declaration, GoodsLine
from .registry import agencies_for, fields_for


def declaration_snapshot(
    declaration: Declaration,
    lines: Sequence[GoodsLine],
    containers: Sequence[Container],
    documents: Sequence[AttachedDocument],
) -> dict[str, Any]:
    agencies = agencies_for(declaration.target)
    keys = fields_for(agencies)
    header_specs = specs_for(keys, "header")
    line_specs = specs_for(keys, "line")
    container_specs = specs_for(keys, "container")
    return {
        "pre_entry_no": declaration.pre_entry_no,
        "direction": declaration.direction,
        "kind": declaration.kind,
        "target": declaration.target,
        "agencies": list(agencies),
        "header": {s.name: json_value(getattr(declaration, s.name)) for s in header_specs},
        "lines": [
            {"line_no": i, **{s.name: json_value(getattr(line, s.name)) for s in line_specs}}
            for i, line in enumerate(lines, start=1)
        ],
        "containers": [{s.name: json_value(getattr(c, s.name)) for s in container_specs} for c in containers],
        "documents": documents_frozen(documents),
    }


def documents_frozen(documents: Sequence[AttachedDocument]) -> list[dict[str, Any]]:
    """The attached documents as a frozen filing of any category lists them: what was submitted, by content
    digest, so an agency's officer may open exactly those."""
    return [
        {"kind": d.kind, "name": d.original_name, "content_type": d.content_type, "size": d.size, "sha256": d.sha256}
        for d in documents
    ]


def digest(payload: dict[str, Any]) -> str:
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()
