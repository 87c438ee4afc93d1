"""The field-level diff between versions, goods lines and containers included."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from declarations import services
from declarations.diff import snapshot_diff
from declarations.examples import example_line
from singlewindow.models import User

from .. import factories

pytestmark = pytest.mark.django_db


def test_the_diff_names_each_changed_field_added_and_removed_lines(user_a: User) -> None:
    declaration = factories.valid_draft(user_a, lines=3)
    v1 = services.declaration_submit(declaration=declaration, user=user_a).payload
    lines = [example_line(0), {**example_line(1), "unit_price": Decimal("130"), "total_price": Decimal("1430.00")}]
    changed = {**v1, "header": {**v1["header"], "gross_weight": "2500"}, "lines": [
        {"line_no": i, **{k: str(v) for k, v in line.items()}} for i, line in enumerate(lines, start=1)
    ]}  # fmt: skip
    diff = {c.path: c for c in snapshot_diff(v1, changed)}
    assert (diff["gross_weight"].before, diff["gross_weight"].after) == ("2450.5", "2500")
    assert diff["gross_weight"].label == "毛重(千克)"
    assert diff["lines[2].unit_price"].kind == "changed"
    assert diff["lines[3]"].kind == "removed"
    assert "lines[1].hs_code" not in diff


def test_the_api_compares_a_version_with_the_working_copy(api_a: APIClient, user_a: User) -> None:
    declaration = factories.valid_draft(user_a)
    services.declaration_submit(declaration=declaration, user=user_a)
    response = api_a.get(f"/api/v1/declarations/{declaration.pk}/diff/?from=1&to=draft")
    assert response.status_code == 200 and response.json() == []
    assert api_a.get(f"/api/v1/declarations/{declaration.pk}/diff/?from=9").status_code == 400  # no version 9
    assert APIClient().get(f"/api/v1/declarations/{declaration.pk}/diff/").status_code in (401, 403)
    foreign = APIClient()
    foreign.force_authenticate(factories.clerk())
    assert foreign.get(f"/api/v1/declarations/{declaration.pk}/diff/").status_code == 404


def test_the_diff_names_documents_added_removed_and_replaced_by_type_and_file_name(user_a: User) -> None:
    declaration = factories.valid_draft(user_a)
    v1 = services.declaration_submit(declaration=declaration, user=user_a).payload
    invoice, _packing_list = v1["documents"]
    after = [
        {**invoice, "sha256": "0" * 64},  # the same file name, other content
        {"kind": "contract", "name": "contract.pdf", "content_type": "application/pdf", "size": 10, "sha256": "1" * 64},
    ]
    diff = {(c.label, c.kind): c for c in snapshot_diff(v1, {**v1, "documents": after})}
    assert set(diff) == {("商业发票", "changed"), ("装箱单", "removed"), ("合同", "added")}
    assert diff[("合同", "added")].where == "随附单证" and "contract.pdf" in diff[("合同", "added")].after_shown
    assert snapshot_diff(v1, v1) == []
