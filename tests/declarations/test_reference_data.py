"""The vendored HS nomenclature is the shared reference data, unchanged, and loads idempotently."""

from __future__ import annotations

from pathlib import Path

import pytest

from declarations.models import CodeListEntry, HSCode
from declarations.reference_data import REFERENCE_DIR, load_reference_data

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"


@pytest.mark.parametrize("name", ["hs-nomenclature.csv", "hs-sections.csv"])
def test_vendored_hs_files_equal_the_shared_reference_data(name: str) -> None:
    shared = SHARED / name
    if not shared.exists():
        pytest.fail(f"{shared} is missing: CI and developers have ../shared beside the project")
    assert (REFERENCE_DIR / "hs" / name).read_bytes() == shared.read_bytes()


def test_loading_twice_changes_nothing_and_leaves_out_comtrades_statistical_codes(db: None) -> None:
    first = load_reference_data()
    counts = (HSCode.objects.count(), CodeListEntry.objects.count())
    assert load_reference_data() == first
    assert (HSCode.objects.count(), CodeListEntry.objects.count()) == counts
    assert HSCode.objects.filter(code="847130", level=6).exists()
    assert not HSCode.objects.filter(code__startswith="99").exists()
