"""The sample filing: a note for customs. Its rows live in the payload; it has no tables of its own."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from lxml import etree

from declarations.models import Declaration, DeclarationVersion
from declarations.registry import Category, Listener, Rule, RuleInput, StatusChange
from singlewindow.choices import Agency
from singlewindow.models import AuditEntry
from singlewindow.problems import Problem
from singlewindow.services import sequence_next

SAMPLE = "sample"
NAMESPACE = "urn:test:sample:1"  # no schema in agencies/schemas/: the simulator checks it is well formed

frozen: list[tuple[int, int]] = []  # (declaration id, version number) per freeze, in this process


def number(declaration: Declaration) -> str:
    return f"SAMPLE{timezone.localdate().year}{sequence_next(name='sample'):08d}"


CATEGORY = Category(
    key=SAMPLE,
    label="Sample filing",
    agencies=lambda declaration: (Agency.CUSTOMS,),
    number=number,
    detail_url="declarations:detail",
)


def _note_required(subject: RuleInput, prefetched: Any) -> list[Problem]:
    if not subject.rows.get("notes"):
        return [Problem("notes", "required", "Write a note.")]
    return []


RULE = Rule(key="test_plugin.note_required", category=SAMPLE, check=_note_required)


def _on_freeze(declaration: Declaration, version: DeclarationVersion) -> None:
    frozen.append((declaration.pk, version.number))


def _on_status(changes: list[StatusChange]) -> None:
    """Leaves a trace in the database: status changes are recorded by whichever process took the receipts."""
    for change in changes:
        AuditEntry.objects.create(
            action="test_plugin.status_changed",
            object_type=Declaration._meta.label_lower,
            object_id=str(change.declaration_id),
            before={"status": change.before},
            after={"status": change.after},
        )


LISTENER = Listener(
    key="test_plugin.recorder", categories=frozenset({SAMPLE}), on_freeze=_on_freeze, on_status=_on_status
)


def build_message(adapter: Any, payload: dict[str, Any], message_id: str, version: int) -> bytes:
    ns = f"{{{NAMESPACE}}}"
    root = etree.Element(
        ns + "SampleMessage",
        nsmap={None: NAMESPACE},
        MessageId=message_id,
        PreEntryNo=payload["pre_entry_no"],
        Version=str(version),
        Direction=payload["direction"],
    )
    for note in payload["notes"]:
        etree.SubElement(root, ns + "Note").text = note
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
