"""Loading the reference data (HS nomenclature with its Chinese descriptions, code lists, mandatory inspection
list)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from django.db import transaction

from . import codelists
from .models import CodeListEntry, HSCode, MandatoryInspectionRule

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"


@transaction.atomic
def load_reference_data(directory: Path = REFERENCE_DIR) -> dict[str, int]:
    """Insert or update every reference row from the CSV files; returns counts per table."""
    with open(directory / "hs" / "hs-zh.csv", encoding="utf-8") as f:
        chinese = {row["hscode"]: row["description_zh"] for row in csv.DictReader(f)}
    hs_rows = []
    with open(directory / "hs" / "hs-nomenclature.csv", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            if row["section"] == "TOTAL":  # UN Comtrade's statistical codes (chapter 99), not HS
                continue
            hs_rows.append(
                HSCode(
                    code=row["hscode"],
                    level=int(row["level"]),
                    description=row["description"],
                    description_zh=chinese.get(row["hscode"], ""),
                    parent="" if row["parent"] == "TOTAL" else row["parent"],
                    section=row["section"],
                )
            )
    HSCode.objects.filter(section="TOTAL").delete()
    HSCode.objects.bulk_create(
        hs_rows,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["level", "description", "description_zh", "parent", "section"],
    )
    code_rows = []
    with open(directory / "codelists.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            code_rows.append(
                CodeListEntry(
                    list=row["list"],
                    code=row["code"],
                    name_zh=row["name_zh"],
                    name_en=row["name_en"],
                    flags=json.loads(row["flags"]) if row["flags"] else {},
                )
            )
    CodeListEntry.objects.bulk_create(
        code_rows,
        update_conflicts=True,
        unique_fields=["list", "code"],
        update_fields=["name_zh", "name_en", "flags"],
    )
    rules = []
    with open(directory / "mandatory_inspection.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            rules.append(MandatoryInspectionRule(**row))
    MandatoryInspectionRule.objects.bulk_create(
        rules,
        update_conflicts=True,
        unique_fields=["hs_prefix"],
        update_fields=["description_zh", "description_en"],
    )
    codelists.invalidate()
    return {"hs": len(hs_rows), "codes": len(code_rows), "mandatory_inspection": len(rules)}
