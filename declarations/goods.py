"""The spine's own kind of filing: the one-table goods declaration (registered in apps.py like any
other category)."""

from __future__ import annotations

from django.utils import timezone

from singlewindow.services import sequence_next

from .choices import GOODS, GOODS_LABEL, Direction
from .models import Declaration
from .registry import Category, agencies_for


def goods_number(declaration: Declaration) -> str:
    """18 digits, as customs numbers are: office (4), year (4), import 1 / export 0, sequence (9)."""
    year = timezone.localdate().year
    office = declaration.customs_office or "0000"
    flag = "1" if declaration.direction == Direction.IMPORT else "0"
    return f"{office}{year}{flag}{sequence_next(name=f'pre-entry-{year}', gapless=False):09d}"


def goods_agencies(declaration: Declaration) -> tuple[str, ...]:
    """The agencies the firm declares to (its target)."""
    return agencies_for(declaration.target)


CATEGORY = Category(
    key=GOODS,
    label=GOODS_LABEL,
    agencies=goods_agencies,
    number=goods_number,
    detail_url="declarations:detail",
    edit_url="declarations:edit",
    risk_lane=True,
)
