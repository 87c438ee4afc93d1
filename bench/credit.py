"""Credit figures: the nightly reclassification over many firms, the lane a submission chooses, and the
inspection rate per class as the simulator decides on the lanes it receives."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.utils import timezone
from lxml import etree

from agencies.adapters import adapter_for
from agencies.simulator.engine import decide, normalise_config
from credit import services
from credit.lanes import lane_for
from credit.models import CreditRecord
from singlewindow.choices import Agency
from singlewindow.models import Organisation

Report = Callable[[str, Any, str], None]
FIRMS = int(os.environ.get("BENCH_CREDIT_FIRMS", "1000000"))
RECORDS_PER_FIRM = 7


def _records(firms: int) -> None:
    """firms × 7 records straight into the table (generate_series): a mix of registrations, filings,
    favourable performance, warnings and fines, some abnormal-list entries and a few serious ones."""
    table = CreditRecord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {table} RESTART IDENTITY CASCADE")
        cursor.execute(
            f"""INSERT INTO {table} (uscc, source_agency, record_id, kind, penalty_type, severity, outcome, amount,
                legal_basis, summary, decided_at, publish_until, public, state, channel, received_at)
            SELECT lpad(f::text, 18, '9'), 'customs', f::text || '-' || r::text,
                   (ARRAY['registration','filing','performance','penalty','penalty','licence','abnormal_list',
                          'serious_list'])[1 + (f * 7 + r * 3) %% (CASE WHEN f %% 500 = 0 THEN 8
                                                                      WHEN f %% 50 = 0 THEN 7 ELSE 6 END)],
                   CASE WHEN (f + r) %% 3 = 0 THEN 'warning' ELSE 'fine' END, 'minor',
                   CASE WHEN r %% 2 = 0 THEN 'favourable' ELSE 'adverse' END,
                   ((f * 37 + r * 11) %% 200000)::numeric, '', '', %s::date - ((f + r * 41) %% 700), NULL, true,
                   'published', 'file', now()
              FROM generate_series(1, %s) AS f, generate_series(1, %s) AS r""",  # noqa: S608
            [timezone.localdate(), firms, RECORDS_PER_FIRM],
        )
        cursor.execute(f"ANALYZE {table}")


def reclassify_per_s(report: Report) -> None:
    if connection.vendor != "postgresql":
        return
    _records(FIRMS)
    started = time.perf_counter()
    services.reclassify()  # the nightly run: every firm, both schemes, set-based
    seconds = time.perf_counter() - started
    report("reclassify_firms", FIRMS, "firms")
    report("reclassify_records", FIRMS * RECORDS_PER_FIRM, "records")
    report("reclassify_per_s", round(FIRMS / seconds, 1), "firms/s")
    started = time.perf_counter()
    unchanged = services.reclassify()
    report("reclassify_again_s", round(time.perf_counter() - started, 1), "s")
    assert unchanged == 0


def _firm(kind: str | None) -> str:
    """A registered firm of the class this record kind gives under customs credit (None: regular)."""
    from stdnum.cn import uscc

    count = Organisation.objects.count()
    body = f"9131000{count:010d}"
    code = body + uscc.calc_check_digit(body)
    Organisation.objects.create(kind="enterprise", name=f"bench credit {count}", uscc=code,
                                customs_code=f"31{count:08d}", inspection_code=f"31{count:08d}")  # fmt: skip
    if kind:
        services.record_add(agency="customs", channel="api", values={
            "uscc": code, "record_id": f"bench-{code}", "kind": kind, "outcome": "favourable",
            "decided_at": timezone.localdate()})  # fmt: skip
    return code


def lanes(report: Report, payload: dict[str, Any]) -> None:
    """lane_ms_p50: what choosing the lane adds to a submission; and over 5,000 declarations the rate at
    which the simulator inspects, per class, from the messages the adapters build."""
    firms = {"advanced": _firm("aeo_advanced"), "regular": _firm(None), "dishonest": _firm("tax_arrears")}
    services.reclassify(usccs=list(firms.values()))
    # tax arrears only count after 3 months: make that one old enough for the bench's dishonest firm
    CreditRecord.objects.filter(uscc=firms["dishonest"]).update(decided_at=timezone.localdate().replace(year=2020))
    services.reclassify(usccs=[firms["dishonest"]])
    timings = []
    for i in range(500):
        started = time.perf_counter()
        lane_for(uscc=firms["regular"], key=f"BENCH{i}-v1")
        timings.append((time.perf_counter() - started) * 1000)
    report("lane_ms_p50", round(statistics.median(timings), 2), "ms")

    adapter = adapter_for(Agency.CUSTOMS)
    agency = normalise_config({"agencies": {"customs": {}}})["agencies"]["customs"]
    per_class = 5000 // len(firms)
    for klass, uscc in firms.items():
        inspected = 0
        for i in range(per_class):
            lane = lane_for(uscc=uscc, key=f"{klass}-{i}-v1")
            body = adapter.build_message({**payload, "risk": lane.as_payload()}, message_id=f"m{i}", version=1)
            inspected += decide(agency, etree.fromstring(body), [], None).kind == "inspect"  # type: ignore[arg-type]
        report(f"inspection_rate_{klass}_pct", round(100 * inspected / per_class, 2), "%")
