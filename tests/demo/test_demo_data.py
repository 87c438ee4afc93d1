"""`make run`'s demo data (manage.py demo_data): what its logins are told to try is there, the same on
PostgreSQL and on the SQLite `make run` uses, and running it again adds nothing."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from credit.models import Commitment
from ecommerce.models import Inventory

from ..processes import free_port
from .shown import shown

ROOT = Path(__file__).resolve().parents[2]

# Six parcels: four released (the fourth a bonded 1210 one), the fifth accepted and waiting for the
# guarantee's balance (four releases drew 4 × 28.21 of its 120 yuan), the sixth waiting for its waybill.
# clerk_a's two credit commitments to customs: one in force, one whose period ended, recorded kept.
EXPECTED: dict[str, Any] = {
    "parcels": {"CBEC-DEMO-001": "released", "CBEC-DEMO-002": "released", "CBEC-DEMO-003": "released",
                "CBEC-DEMO-004": "released", "CBEC-DEMO-005": "accepted", "CBEC-DEMO-006": "waiting"},
    "customs officer's inventories": {"CBEC-DEMO-001": "已放行", "CBEC-DEMO-002": "已放行", "CBEC-DEMO-003": "已放行",
                                      "CBEC-DEMO-004": "已放行", "CBEC-DEMO-005": "已接受 · 等待担保"},
    "trace shows the inventory number": True,
    "guarantees": [["120.00", "7.16"]],
    "9610 summary rows": 1,
    "menu pages failing": [],  # every login's menu opens, on PostgreSQL and on SQLite
    "clerk_a's commitments": [["行业自律承诺", "海关", "履行中"],
                              ["主动披露承诺", "海关", "已履行 已按期补缴税款及滞纳金"]],
}  # fmt: skip


@pytest.mark.django_db
def test_the_demo_shows_its_parcels_and_commitments_and_running_it_again_adds_nothing() -> None:
    call_command("demo_data", stdout=io.StringIO())
    counts = (Commitment.objects.count(), Inventory.objects.count())
    call_command("demo_data", stdout=io.StringIO())
    assert (Commitment.objects.count(), Inventory.objects.count()) == counts
    assert shown() == EXPECTED


def test_on_sqlite_make_run_shows_the_same(tmp_path: Path) -> None:
    """`make run` leaves DATABASE_URL unset: SQLite in VAR_DIR, where the e-commerce ledgers take the ORM's way."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "singlewindow.settings",  # the portal's own, as `make run`
        "DEBUG": "1",
        "VAR_DIR": str(tmp_path),  # the SQLite file and the uploads
        "SIMULATOR_URL": f"http://127.0.0.1:{free_port()}",  # no simulator: deliveries wait to be retried
    }
    ran = subprocess.run([sys.executable, "-m", "tests.demo.shown"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=600)  # fmt: skip
    assert ran.returncode == 0, ran.stderr[-4000:]
    assert json.loads(ran.stdout.strip().splitlines()[-1]) == {"database": "sqlite", **EXPECTED}
