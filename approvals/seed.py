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

# code, number, name, English name, materials, [(department, items, working days)]
STAGES: list[tuple[str, int, str, str, list[str], list[tuple[str, str, int]]]] = [
    ("site_land", 1, "规划选址与用地", "Site selection and land use",
     ["综合审批申请表", "项目招商协议或土地出让合同", "项目选址意向图", "用地红线图"],
     [("planning", "规划初步选址", 10), ("land", "用地预审、土地出让审批", 10), ("forestry", "用林预审", 10),
      ("ocean", "用海预审", 10), ("environment", "环境影响预评价", 10), ("development", "社会稳定风险", 10)]),
    ("appraisal", 2, "项目评审与核准备案", "Project appraisal and approval or filing",
     ["综合审批申请表", "《工程可行性研究报告+》（合并版）", "环境影响评价报告", "水土保持方案"],
     [("development", "工程可行性研究报告评审、节能评估、核准备案", 15),
      ("environment", "环境影响评价报告评审", 15), ("water", "水土保持方案评审", 15),
      ("transport", "交通影响评价", 15)]),
    ("design", 3, "设计审查与施工许可", "Design review and construction permit",
     ["综合审批申请表", "施工图设计文件", "规划总平面方案", "施工及监理合同", "建设资金证明"],
     [("planning", "规划总评方案审查", 10), ("construction", "初步设计审查、施工许可", 10),
      ("civil_defence", "人防设施审查", 10), ("fire", "消防设施审查", 10),
      ("meteorology", "气象（防雷）设施审查", 10), ("earthquake", "地震设施审查", 10)]),
    ("acceptance", 4, "统一竣工验收", "Joint completion acceptance",
     ["综合审批申请表", "竣工验收报告", "竣工图", "专项验收资料", "工程档案"],
     [("environment", "环保设施竣工验收", 10), ("water", "水土保持专项验收", 10),
      ("planning", "建设工程规划验收", 10), ("civil_defence", "人防设施验收", 10),
      ("construction", "工程档案验收", 10), ("fire", "消防设施验收", 10), ("work_safety", "安全设施验收", 10),
      ("meteorology", "气象设施验收", 10), ("earthquake", "地震预防设施验收", 10)]),
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
            code=code, defaults={"number": number, "name": name, "name_en": name_en, "materials": materials}
        )
        for department, items, workdays in needs:
            StageDepartment.objects.get_or_create(
                stage=stage, department=departments[department], defaults={"items": items, "workdays": workdays}
            )


def unseed(apps: Any) -> None:
    apps.get_model("approvals", "Stage").objects.filter(code__in=[s[0] for s in STAGES]).delete()
    apps.get_model("approvals", "Department").objects.filter(
        code__in=[d[0] for d in DEPARTMENTS], organisation__isnull=True
    ).delete()
