"""The stages of seed case 5 (Fujian Pingtan, 2015) and the departments each needs, stored by the data
migration 0002 (and again by tests whose transactional database was flushed).

The case merges 116 approval items into 26 in 4 stages and names the departments (planning, land,
development and reform, construction, transport, environmental protection…) and, per stage, the items
merged; it gives no per-department deadline, only "project approval within 93 working days". The
deadlines below (10 working days; 15 for the appraisal stage's expert review) are defaults to confirm
with the approval bureau; they are data, changed in the admin. The materials (about 19 in all, down from
250) follow the case's list of merged reports.
"""

from __future__ import annotations

from typing import Any

WINDOW = "approval_bureau"

# code, name, English name, is the window
DEPARTMENTS = [
    (WINDOW, "行政审批局", "Administrative Approval Bureau", True),
    ("planning", "规划局", "Urban Planning Bureau", False),
    ("land", "国土资源局", "Land and Resources Bureau", False),
    ("forestry", "林业局", "Forestry Bureau", False),
    ("ocean", "海洋与渔业局", "Ocean and Fisheries Bureau", False),
    ("development", "发展和改革局", "Development and Reform Bureau", False),
    ("environment", "环境保护局", "Environmental Protection Bureau", False),
    ("water", "水务局", "Water Affairs Bureau", False),
    ("construction", "建设局", "Housing and Construction Bureau", False),
    ("transport", "交通局", "Transport Bureau", False),
    ("civil_defence", "人民防空办公室", "Civil Air Defence Office", False),
    ("fire", "公安消防支队", "Fire Brigade", False),
    ("meteorology", "气象局", "Meteorological Bureau", False),
    ("earthquake", "地震局", "Earthquake Administration", False),
    ("work_safety", "安全生产监督管理局", "Work Safety Administration", False),
]

# code, number, name, English name, materials (Chinese, English), [(department, items, items in English,
# working days)]. The English is a plain rendering of the case's Chinese, for the English pages; the Chinese
# is what is stored on the form and printed on the decision.
STAGES: list[tuple[str, int, str, str, list[tuple[str, str]], list[tuple[str, str, str, int]]]] = [
    ("site_land", 1, "规划选址与用地", "Site selection and land use",
     [("综合审批申请表", "Consolidated approval application form"),
      ("项目招商协议或土地出让合同", "Investment agreement or land transfer contract"),
      ("项目选址意向图", "Proposed site plan"), ("用地红线图", "Land red-line map")],
     [("planning", "规划初步选址", "Preliminary planning site selection", 10),
      ("land", "用地预审、土地出让审批", "Land use pre-examination; approval of land transfer", 10),
      ("forestry", "用林预审", "Forest land use pre-examination", 10),
      ("ocean", "用海预审", "Sea area use pre-examination", 10),
      ("environment", "环境影响预评价", "Preliminary environmental impact assessment", 10),
      ("development", "社会稳定风险", "Social stability risk assessment", 10)]),
    ("appraisal", 2, "项目评审与核准备案", "Project appraisal and approval or filing",
     [("综合审批申请表", "Consolidated approval application form"),
      ("《工程可行性研究报告+》（合并版）", "Feasibility Study Report+ (consolidated edition)"),
      ("环境影响评价报告", "Environmental impact assessment report"),
      ("水土保持方案", "Soil and water conservation plan")],
     [("development", "工程可行性研究报告评审、节能评估、核准备案",
       "Review of the feasibility study report; energy conservation assessment; approval or filing", 15),
      ("environment", "环境影响评价报告评审", "Review of the environmental impact assessment report", 15),
      ("water", "水土保持方案评审", "Review of the soil and water conservation plan", 15),
      ("transport", "交通影响评价", "Traffic impact assessment", 15)]),
    ("design", 3, "设计审查与施工许可", "Design review and construction permit",
     [("综合审批申请表", "Consolidated approval application form"),
      ("施工图设计文件", "Construction drawing design documents"), ("规划总平面方案", "Planning site layout plan"),
      ("施工及监理合同", "Construction and supervision contracts"), ("建设资金证明", "Proof of construction funds")],
     [("planning", "规划总评方案审查", "Review of the overall planning scheme", 10),
      ("construction", "初步设计审查、施工许可", "Preliminary design review; construction permit", 10),
      ("civil_defence", "人防设施审查", "Review of civil air defence facilities", 10),
      ("fire", "消防设施审查", "Review of fire protection facilities", 10),
      ("meteorology", "气象（防雷）设施审查", "Review of meteorological (lightning protection) facilities", 10),
      ("earthquake", "地震设施审查", "Review of seismic facilities", 10)]),
    ("acceptance", 4, "统一竣工验收", "Joint completion acceptance",
     [("综合审批申请表", "Consolidated approval application form"),
      ("竣工验收报告", "Completion acceptance report"), ("竣工图", "As-built drawings"),
      ("专项验收资料", "Special acceptance documents"), ("工程档案", "Project records")],
     [("environment", "环保设施竣工验收", "Completion acceptance of environmental protection facilities", 10),
      ("water", "水土保持专项验收", "Special acceptance of soil and water conservation", 10),
      ("planning", "建设工程规划验收", "Planning acceptance of the construction project", 10),
      ("civil_defence", "人防设施验收", "Acceptance of civil air defence facilities", 10),
      ("construction", "工程档案验收", "Acceptance of project records", 10),
      ("fire", "消防设施验收", "Acceptance of fire protection facilities", 10),
      ("work_safety", "安全设施验收", "Acceptance of safety facilities", 10),
      ("meteorology", "气象设施验收", "Acceptance of meteorological facilities", 10),
      ("earthquake", "地震预防设施验收", "Acceptance of earthquake prevention facilities", 10)]),
]  # fmt: skip


def seed(apps: Any) -> None:
    """Store the departments and stages (idempotent: existing rows keep their organisation)."""
    Department = apps.get_model("approvals", "Department")
    Stage = apps.get_model("approvals", "Stage")
    StageDepartment = apps.get_model("approvals", "StageDepartment")
    departments = {}
    for code, name, name_en, is_window in DEPARTMENTS:
        departments[code], _ = Department.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "is_window": is_window}
        )
    for code, number, name, name_en, materials, needs in STAGES:
        stage, _ = Stage.objects.get_or_create(
            code=code,
            defaults={"number": number, "name": name, "name_en": name_en, "materials": [m[0] for m in materials]},
        )
        for department, items, _items_en, workdays in needs:
            StageDepartment.objects.get_or_create(
                stage=stage, department=departments[department], defaults={"items": items, "workdays": workdays}
            )
    if any(field.name == "materials_en" for field in Stage._meta.get_fields()):  # not in migration 0002's models
        english_add(apps)


def english_add(apps: Any) -> None:
    """Give the seeded stages' materials and items (and the reviews copied from them) their English, where
    none is stored and the Chinese is still the seed's (one changed in the admin is left alone)."""
    Stage = apps.get_model("approvals", "Stage")
    StageDepartment = apps.get_model("approvals", "StageDepartment")
    DepartmentReview = apps.get_model("approvals", "DepartmentReview")
    for code, _number, _name, _name_en, materials, needs in STAGES:
        stage = Stage.objects.filter(code=code).first()
        if stage is not None and not stage.materials_en and stage.materials == [m[0] for m in materials]:
            stage.materials_en = [m[1] for m in materials]
            stage.save(update_fields=["materials_en"])
        for department, items, items_en, _workdays in needs:
            StageDepartment.objects.filter(
                stage__code=code, department__code=department, items=items, items_en=""
            ).update(items_en=items_en)
            DepartmentReview.objects.filter(
                case__stage__code=code, department__code=department, items=items, items_en=""
            ).update(items_en=items_en)


def english_remove(apps: Any) -> None:
    apps.get_model("approvals", "Stage").objects.update(materials_en=[])
    apps.get_model("approvals", "StageDepartment").objects.update(items_en="")
    apps.get_model("approvals", "DepartmentReview").objects.update(items_en="")


def unseed(apps: Any) -> None:
    apps.get_model("approvals", "Stage").objects.filter(code__in=[s[0] for s in STAGES]).delete()
    apps.get_model("approvals", "Department").objects.filter(
        code__in=[d[0] for d in DEPARTMENTS], organisation__isnull=True
    ).delete()
