"""What the approval pages show: the seed's stage names, departments, items and materials in the reader's
language, only the deadline rules that apply to the case, the demo case in order, the admin's case page."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.utils import translation
from django.utils.functional import Promise
from stdnum.cn import uscc

from approvals import seed
from approvals.models import ApprovalCase, DepartmentReview, Stage, StageDepartment
from demo import approvals as demo_approvals
from singlewindow.choices import Role
from tests import factories
from tests.clients import web

from .conftest import People
from .helpers import accepted, beijing, ensure_seeded

pytestmark = pytest.mark.django_db

EN = {"accept-language": "en"}
PUBLIC_SAFETY_ZH = "项目涉及公共安全，不适用视为同意"
OVERDUE_ZH = "部门在办理时限内未出具意见的，视为同意。"
ABSENT_ZH = "未加入联合审查的部门，在办理时限届满时视为同意。"


def test_stages_are_shown_by_the_seeds_names_in_chinese_and_their_english_names_in_english(people: People) -> None:
    case = accepted(people.clerk, people.window, at=beijing(2026, 9, 29, 10, 0))
    page = web(people.clerk)
    assert "1. 规划选址与用地" in page.get(f"/approvals/{case.pk}/").content.decode()
    assert "规划选址与用地" in page.get("/approvals/").content.decode()
    assert "2. 项目评审与核准备案" in page.get("/approvals/new/?stage=appraisal").content.decode()
    assert "4. 统一竣工验收" in page.get("/approvals/new/?stage=acceptance").content.decode()
    assert "1. Site selection and land use" in page.get(f"/approvals/{case.pk}/", headers=EN).content.decode()
    with translation.override("zh-hans"):
        assert str(Stage.objects.get(code="appraisal")) == "项目评审与核准备案"
    with translation.override("en"):
        assert str(Stage.objects.get(code="appraisal")) == "Project appraisal and approval or filing"


def test_in_english_departments_items_and_materials_are_shown_in_english(people: People) -> None:
    case = accepted(people.clerk, people.window, at=beijing(2026, 9, 29, 10, 0))
    detail = web(people.clerk).get(f"/approvals/{case.pk}/", headers=EN).content.decode()
    for shown in ("Land and Resources Bureau", "Land use pre-examination; approval of land transfer",
                  "Development and Reform Bureau", "Social stability risk assessment", "Land red-line map"):  # fmt: skip
        assert shown in detail, shown
    for hidden in ("国土资源局", "用地预审、土地出让审批", "发展和改革局", "用地红线图"):
        assert hidden not in detail, hidden
    new = web(people.clerk).get("/approvals/new/?stage=design", headers=EN).content.decode()
    assert (
        "Fire Brigade · Review of fire protection facilities" in new and "Construction drawing design documents" in new
    )
    assert 'value="施工图设计文件"' in new  # the material ticked is still stored by its Chinese name
    zh = web(people.clerk).get(f"/approvals/{case.pk}/").content.decode()
    assert "国土资源局" in zh and "用地预审、土地出让审批" in zh and "用地红线图" in zh
    assert "Land and Resources Bureau" not in zh


def test_every_seeded_item_and_material_has_its_english_text() -> None:
    seed.seed(apps)
    assert not StageDepartment.objects.filter(items_en="").exists()
    assert all(len(stage.materials_en) == len(stage.materials) for stage in Stage.objects.all())


def test_the_data_migration_adds_the_english_texts_and_leaves_edited_ones_alone() -> None:
    seed.seed(apps)
    StageDepartment.objects.update(items_en="")
    Stage.objects.update(materials_en=[])
    edited = StageDepartment.objects.get(stage__code="site_land", department__code="land")
    edited.items = "用地预审"  # changed in the admin: no English of ours fits it
    edited.save()
    seed.english_add(apps)
    edited.refresh_from_db()
    assert edited.items_en == ""
    assert StageDepartment.objects.get(stage__code="site_land", department__code="planning").items_en == (
        "Preliminary planning site selection"
    )
    assert Stage.objects.get(code="site_land").materials_en[3] == "Land red-line map"
    assert StageDepartment.objects.filter(items_en="").count() == 1


def test_a_case_shows_only_the_deadline_rules_that_apply_to_it(people: People) -> None:
    ordinary = accepted(people.clerk, people.window, at=beijing(2026, 9, 29, 10, 0))
    page = web(people.clerk).get(f"/approvals/{ordinary.pk}/").content.decode()
    assert OVERDUE_ZH in page and ABSENT_ZH in page and PUBLIC_SAFETY_ZH not in page
    safety = accepted(people.clerk, people.window, at=beijing(2026, 9, 29, 10, 0), public_safety=True)
    page = web(people.clerk).get(f"/approvals/{safety.pk}/").content.decode()
    assert PUBLIC_SAFETY_ZH in page and OVERDUE_ZH not in page and ABSENT_ZH not in page
    filed = ApprovalCase.objects.create(
        number="SP-2026-999999", applicant=ordinary.applicant, filed_by=people.clerk, stage=ordinary.stage,
        project_name="未受理项目", form=ordinary.form, form_digest=ordinary.form_digest, filed_at=ordinary.filed_at,
    )  # fmt: skip
    page = web(people.clerk).get(f"/approvals/{filed.pk}/").content.decode()  # no review yet: no rule applies
    assert OVERDUE_ZH not in page and PUBLIC_SAFETY_ZH not in page


def test_the_demo_case_was_filed_before_it_was_accepted(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    ensure_seeded()
    clerk = factories.clerk()
    demo_approvals.create(clerk=clerk, make_uscc=lambda body: body + uscc.calc_check_digit(body), password="x",
                          otp_key_hex="00" * 20)  # fmt: skip
    for case in ApprovalCase.objects.filter(applicant=clerk.organisation, accepted_at__isnull=False):
        assert case.filed_at < case.accepted_at
        decided = DepartmentReview.objects.filter(case=case, decided_at__isnull=False)
        assert all(review.decided_at > case.accepted_at for review in decided)
        page = web(clerk).get(f"/approvals/{case.pk}/").content.decode()
        assert 'id="step-filed"' in page
        assert page.index('id="step-filed"') < page.index('id="step-accepted"')


def test_the_admin_case_page_shows_translated_labels_and_the_form_readably(people: People) -> None:
    case = accepted(people.clerk, people.window, at=beijing(2026, 9, 29, 10, 0))
    admin = factories.UserFactory(organisation=None, role=Role.ADMIN, is_staff=True, is_superuser=True)
    page = web(admin).get(f"/admin/approvals/approvalcase/{case.pk}/change/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Filed by" not in text and "提交人" in text
    assert '"project_name"' not in text and "&quot;project_name&quot;" not in text  # no raw JSON
    assert "项目名称" in text and "平潭国际旅游岛游客服务中心" in text and "所附材料" in text
    for name in ("filed_by", "accepted_by", "form_digest"):  # translatable, not Django's default from the name
        assert isinstance(ApprovalCase._meta.get_field(name).verbose_name, Promise), name
