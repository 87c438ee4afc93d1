"""What licensing plugs into the spine for its own kind of filing (registered in apps.py): the licence
application, numbered and routed to the issuing department, and the licence issued when it releases it."""

from __future__ import annotations

from django.utils import timezone

from declarations.choices import DeclarationStatus
from declarations.models import Declaration
from declarations.registry import Category, Listener, StatusChange
from singlewindow.choices import Matter
from singlewindow.services import sequence_next

from .applications import issuing_agencies, licences_due
from .choices import LICENCE_APPLICATION, LICENCE_APPLICATION_LABEL


def application_number(declaration: Declaration) -> str:
    """18 characters: "LA", the year and a sequence per year (12), e.g. LA2026000000000012. Letters keep
    it apart from goods and vessel numbers."""
    year = timezone.localdate().year
    return f"LA{year}{sequence_next(name=f'licence-application-{year}', gapless=False):012d}"


CATEGORY = Category(
    key=LICENCE_APPLICATION,
    label=LICENCE_APPLICATION_LABEL,
    agencies=issuing_agencies,
    number=application_number,
    detail_url="licence_application_detail",
    edit_url="licence_application_edit",
    risk_lane=False,
    matter=Matter.LICENCE_APPLICATION,  # signed under a grant for licence applications (singlewindow/elicence.py)
)


def _issue(changes: list[StatusChange]) -> None:
    released = [c.declaration_id for c in changes if c.after == DeclarationStatus.RELEASED]
    if released:
        licences_due(released)


ISSUE_LISTENER = Listener(key="licensing.licence_issue", categories=frozenset({LICENCE_APPLICATION}), on_status=_issue)
