"""Approval test data: the seeded stages, departments joined by officers, an applicant's case filed and
accepted at a chosen moment (time travel: every service and the sweep take `now`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.apps import apps

from approvals import services
from approvals.models import ApprovalCase, Department, Stage
from approvals.seed import WINDOW, seed
from singlewindow.choices import Agency, Role
from singlewindow.models import User
from tests import factories

BEIJING = ZoneInfo("Asia/Shanghai")


def beijing(*args: int) -> datetime:
    return datetime(*args, tzinfo=BEIJING)  # type: ignore[misc]


def ensure_seeded() -> None:
    """The data migration's stages and departments (a transactional test's flush removes them)."""
    if not Stage.objects.exists():
        seed(apps)


def join(code: str) -> User:
    """An officer of a new agency organisation that is the department `code` (joined from now)."""
    officer = factories.officer(Agency.LOCAL)
    Department.objects.filter(code=code).update(organisation=officer.organisation)
    return officer


def window_officer() -> User:
    department = Department.objects.get(code=WINDOW)
    if department.organisation_id is None:
        return join(WINDOW)
    return factories.UserFactory(organisation=department.organisation, role=Role.OFFICER)


def form(stage: str = "site_land", **changes: Any) -> dict[str, Any]:
    materials = list(Stage.objects.get(code=stage).materials)
    return {
        "project_name": "平潭国际旅游岛游客服务中心", "project_code": "2026-350128-72-01-000123",
        "site": "福建省平潭综合实验区金井湾片区", "land_area": "32000", "floor_area": "45800.5",
        "investment": "68000", "content": "游客服务中心及配套停车场", "contact_name": "林涛",
        "contact_phone": "0591-2345 6789", "materials": materials, **changes,
    }  # fmt: skip


def filed(clerk: User, *, stage: str = "site_land", public_safety: bool = False, at: datetime | None = None,
          **changes: Any) -> ApprovalCase:  # fmt: skip
    return services.case_file(user=clerk, stage_code=stage, form=form(stage, **changes), public_safety=public_safety,
                              now=at)  # fmt: skip


def accepted(clerk: User, window: User, *, at: datetime, stage: str = "site_land", public_safety: bool = False,
             **changes: Any) -> ApprovalCase:  # fmt: skip
    case = filed(clerk, stage=stage, public_safety=public_safety, at=at, **changes)
    services.case_accept(user=window, case_id=case.pk, now=at)
    case.refresh_from_db()
    return case
