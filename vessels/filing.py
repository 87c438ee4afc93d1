"""What the vessels app plugs into the spine (registered in apps.py): its kind of filing, the shared
manifest's rule on goods declarations, and the port clearance that follows the last release."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from declarations.choices import GOODS, DeclarationStatus, Direction
from declarations.models import Declaration
from declarations.registry import Category, Listener, Rule, RuleInput, StatusChange, agencies_receiving
from declarations.selectors import owners_of
from singlewindow.choices import Matter
from singlewindow.problems import Problem
from singlewindow.services import sequence_next

from .choices import VESSEL, VESSEL_LABEL
from .manifest import manifest_figures, manifest_problems
from .parts import PARTS
from .services import clearances_due, clearances_withdrawn


def vessel_number(declaration: Declaration) -> str:
    """18 characters: the port's UN/LOCODE (5), the year (4), I for an arrival or E for a departure, and a
    sequence per port and year (8), e.g. CNSHA2026E00000012. Letters keep it apart from goods numbers."""
    year = timezone.localdate().year
    port = declaration.vessel.port
    flag = "I" if declaration.direction == Direction.IMPORT else "E"
    return f"{port}{year}{flag}{sequence_next(name=f'vessel-{port}-{year}', gapless=False):08d}"


def vessel_agencies(declaration: Declaration) -> tuple[str, ...]:
    """Every agency at the port that takes vessels (S5)."""
    return agencies_receiving(VESSEL)


CATEGORY = Category(
    key=VESSEL, label=VESSEL_LABEL, agencies=vessel_agencies, number=vessel_number, detail_url="vessels:detail", edit_url="vessels:edit",
    parts=tuple(part.key for part in PARTS),  # each FAL list goes only to the agencies that take it
    matter=Matter.VESSEL,  # signed under an e-licence grant for vessel declarations
)  # fmt: skip


def _manifest_prefetch(declarations: Sequence[Declaration]) -> dict[str, Any]:
    """The manifests' lines under the bills cited, and the enterprises declaring (whom a bill must
    concern), in two queries."""
    citing = [d for d in declarations if d.bill_of_lading]
    return {
        "manifests": manifest_figures(d.bill_of_lading for d in citing),
        "firms": owners_of(citing),
    }


def _manifest_check(subject: RuleInput, found: dict[str, Any] | None) -> list[Problem]:
    d = subject.declaration
    if not d.bill_of_lading:
        return []
    found = found or _manifest_prefetch([d])
    return manifest_problems(
        bill_of_lading=d.bill_of_lading, firm=found["firms"][d.owner_id], packages=d.packages,
        gross_weight=d.gross_weight, manifests=found["manifests"],
    )  # fmt: skip


MANIFEST_RULE = Rule(key="vessels.manifest", category=GOODS, check=_manifest_check, prefetch=_manifest_prefetch)


def _clearances(changes: list[StatusChange]) -> None:
    released = [c.declaration_id for c in changes if c.after == DeclarationStatus.RELEASED]
    if released:
        clearances_due(released)
    revoked = [c.declaration_id for c in changes if c.after == DeclarationStatus.REVOKED]
    if revoked:
        clearances_withdrawn(revoked)


CLEARANCE_LISTENER = Listener(key="vessels.port_clearance", categories=frozenset({VESSEL}), on_status=_clearances)
