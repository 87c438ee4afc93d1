"""The data migration's stages (seed case 5): four, in order, each with its departments and deadlines,
about 19 materials in all, one intake window."""

from __future__ import annotations

import pytest

from approvals.choices import StageCode
from approvals.models import Department, Stage

from .helpers import ensure_seeded

pytestmark = pytest.mark.django_db


def test_the_four_stages_of_case_5_with_their_departments_and_one_window() -> None:
    ensure_seeded()
    stages = list(Stage.objects.prefetch_related("needs"))
    assert [(s.number, s.code) for s in stages] == [(i + 1, code) for i, code in enumerate(StageCode.values)]
    assert all(s.needs.count() >= 4 and all(n.workdays >= 10 for n in s.needs.all()) for s in stages)
    assert all(s.notice_workdays == 5 for s in stages)
    assert sum(len(s.materials) for s in stages) <= 19  # case 5: about 19 materials, from 250
    assert list(Department.objects.filter(is_window=True).values_list("name", flat=True)) == ["行政审批局"]
