"""Demo data for parallel approvals ("four ones", seed case 5): the approval bureau (the window) and two
departments join with an officer each (the others stay absent: deemed consent at their deadline), and
enterprise A has one case in review and one filed, waiting for the window."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from approvals import services
from approvals.models import ApprovalCase, Department, Stage
from singlewindow.choices import Agency, OrganisationKind, Role
from singlewindow.elicence import grant_standing
from singlewindow.models import Organisation, User

# department code, organisation name, English name, USCC (check character added by the caller), login, name
JOINED = [
    ("approval_bureau", "平潭综合实验区行政审批局", "Pingtan Administrative Approval Bureau", "11350128MB0A1B2C3",
     "window_officer", "郑雪"),
    ("planning", "平潭综合实验区规划局", "Pingtan Urban Planning Bureau", "11350128MB0A1B2D4", "planning_officer", "黄磊"),
    ("land", "平潭综合实验区国土资源局", "Pingtan Land and Resources Bureau", "11350128MB0A1B2E5", "land_officer",
     "许婷"),
]  # fmt: skip


def form(materials: list[str], **changes: str) -> dict:
    return {
        "project_name": "平潭国际旅游岛游客服务中心", "project_code": "2026-350128-72-01-000123",
        "site": "福建省平潭综合实验区金井湾片区", "land_area": "32000", "floor_area": "45800",
        "investment": "68000", "content": "游客服务中心及配套停车场", "contact_name": "林涛",
        "contact_phone": "0591-2345 6789", "materials": materials, **changes,
    }  # fmt: skip


def create(*, clerk: User, make_uscc: Callable[[str], str], password: str, otp_key_hex: str) -> list[tuple[str, str]]:
    """Idempotent; returns the logins made (username, organisation name)."""
    logins = []
    officers = {}
    for code, name, name_en, body, username, display in JOINED:
        org, _ = Organisation.objects.get_or_create(
            uscc=make_uscc(body),
            defaults={"kind": OrganisationKind.AGENCY, "agency": Agency.LOCAL, "name": name, "name_en": name_en},
        )
        Department.objects.filter(code=code, organisation__isnull=True).update(organisation=org)
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, organisation=org, role=Role.OFFICER, first_name=display,
                        email=f"{username}@demo.singlewindow.example")  # fmt: skip
            user.set_password(password)
            user.save()
        if not TOTPDevice.objects.filter(user=user).exists():
            TOTPDevice.objects.create(user=user, name="demo", key=otp_key_hex, confirmed=True)
        officers[code] = user
        logins.append((username, name))
    if not ApprovalCase.objects.filter(applicant_id=clerk.organisation_id).exists():
        grant_standing(person=clerk)
        stage = Stage.objects.get(code="site_land")
        # Filed four days ago and accepted two hours later (three working days ago or so): planning has
        # approved, land and the absent ones are awaited.
        accepted_at = timezone.now() - timedelta(days=4)
        case = services.case_file(user=clerk, stage_code=stage.code, form=form(list(stage.materials)),
                                  now=accepted_at - timedelta(hours=2))  # fmt: skip
        services.case_accept(user=officers["approval_bureau"], case_id=case.pk, now=accepted_at)
        review = case.reviews.get(department__code="planning")
        services.review_post(user=officers["planning"], review_id=review.pk, approve=True, opinion="符合控制性详细规划")
        second = Stage.objects.get(code="appraisal")
        services.case_file(user=clerk, stage_code=second.code,
                           form=form(list(second.materials)[:2], project_name="平潭海峡客运码头二期"))  # fmt: skip
    return logins
