"""Credit figures: the nightly reclassification over many firms, the lane a submission chooses, and the
inspection rate per class as the simulator decides on the lanes it receives."""

from __future__ import annotations

import os
import random
import statistics
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import connection
from django.utils import timezone
from lxml import etree

from agencies.adapters import adapter_for
from agencies.simulator.engine import decide, normalise_config
from credit import selectors, services
from credit.lanes import lane_for
from credit.models import CreditRecord
from singlewindow.choices import Agency
from singlewindow.models import Organisation

Report = Callable[[str, Any, str], None]
FIRMS = int(os.environ.get("BENCH_CREDIT_FIRMS", "1000000"))
RECORDS_PER_FIRM = 7


CITIES = "上海 北京 天津 重庆 广州 深圳 厦门 福州 宁波 杭州 南京 苏州 青岛 大连 武汉 成都 西安 长沙 郑州 合肥 济南 昆明 南宁 海口 珠海 东莞 佛山 无锡 温州 泉州"
BRAND = "远航星河海峡恒通华信瑞丰鼎盛金桥长城东方宏达新宇天成嘉禾汇永兴中联万邦润泽凯旋博锦程世纪和美佳利源昌隆安顺泰富国际龙腾飞云晨光明德正大众友"
TRADES = (
    "进出口 国际贸易 贸易 物流 供应链 实业 科技 电子 食品 化工 纺织 机械 医药 农产品 冷链 船务 报关 电子商务 五金 服饰"
)
SUFFIXES = "有限公司 有限公司 股份有限公司 有限责任公司"


def _bulk(table: str, insert: str, params: list[Any]) -> None:
    """Load a table fast: its secondary indexes and unique constraints are dropped, the rows inserted in one
    statement, then the indexes built again (a sort per index instead of millions of index insertions)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
                WHERE conrelid = %s::regclass AND contype = 'u'""",
            [table],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            """SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN
               (SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype IN ('p', 'u'))""",
            [table, table],
        )
        indexes = cursor.fetchall()
        for name, _definition in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute(insert, params)
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for name, definition in constraints:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for _name, definition in indexes:
            cursor.execute(definition)
        cursor.execute("RESET maintenance_work_mem")
        cursor.execute(f"VACUUM ANALYZE {table}")


def _firms(firms: int) -> None:
    """firms registered enterprises, USCC 98 and f in 16 digits, with Chinese names made of a city, a two-character
    brand, a trade and a company form (上海远航进出口有限公司): names repeat parts as real ones do."""
    table = Organisation._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE uscc LIKE %s AND kind = 'enterprise'", ["98%"])  # noqa: S608
    _bulk(
        table,
        f"""INSERT INTO {table} (kind, name, name_en, uscc, agency, customs_code, inspection_code, address,
                contact_name, phone, email, created_at, updated_at)
            SELECT 'enterprise',
                   c[1 + abs(hashint8extended(f, 1)) %% array_length(c, 1)]
                   || substr(b, (1 + abs(hashint8extended(f, 2)) %% length(b))::int, 1)
                   || substr(b, (1 + abs(hashint8extended(f, 3)) %% length(b))::int, 1)
                   || t[1 + abs(hashint8extended(f, 4)) %% array_length(t, 1)]
                   || s[1 + abs(hashint8extended(f, 5)) %% array_length(s, 1)],
                   '', '98' || lpad(f::text, 16, '0'), '', '', '', '', '', '', '', now(), now()
              FROM generate_series(1, %s::bigint) AS f,
                   (SELECT string_to_array(%s, ' ') AS c, %s::text AS b, string_to_array(%s, ' ') AS t,
                           string_to_array(%s, ' ') AS s) AS parts""",  # noqa: S608
        [firms, CITIES, BRAND, TRADES, SUFFIXES],
    )


def _records(firms: int) -> None:
    """firms × 7 records straight into the table (generate_series): a mix of registrations, filings,
    favourable performance, warnings and fines, some abnormal-list entries and a few serious ones."""
    table = CreditRecord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {table} RESTART IDENTITY CASCADE")
    _bulk(
        table,
        f"""INSERT INTO {table} (uscc, source_agency, record_id, kind, penalty_type, severity, outcome, amount,
                legal_basis, summary, decided_at, publish_until, public, state, channel, received_at)
            SELECT '98' || lpad(f::text, 16, '0'), 'customs', f::text || '-' || r::text,
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


def reclassify_per_s(report: Report) -> None:
    """The nightly run over FIRMS firms holding 7 records each: first the initial classification of everyone
    (every firm gets a row per scheme: reclassify_initial_per_s), then the nightly run of the next day, which
    evaluates every firm again and stores what the day changed (records leaving a one-year window, tax
    arrears turning three months old): reclassify_per_s."""
    if connection.vendor != "postgresql":
        return
    started = time.perf_counter()
    _firms(FIRMS)
    _records(FIRMS)
    report("credit_bench_load_s", round(time.perf_counter() - started, 1), "s")
    today = timezone.localdate()
    started = time.perf_counter()
    initial = services.reclassify(today=today)  # every firm, both schemes, set-based
    seconds = time.perf_counter() - started
    report("reclassify_firms", FIRMS, "firms")
    report("reclassify_records", FIRMS * RECORDS_PER_FIRM, "records")
    report("reclassify_initial_rows", initial, "rows")
    report("reclassify_initial_per_s", round(FIRMS / seconds, 1), "firms/s")
    started = time.perf_counter()
    changes = services.reclassify(today=today + timedelta(days=1))  # the next night
    seconds = time.perf_counter() - started
    report("reclassify_nightly_changes", changes, "rows")
    report("reclassify_per_s", round(FIRMS / seconds, 1), "firms/s")
    assert services.reclassify(usccs=[f"98{FIRMS:016d}"], today=today + timedelta(days=1)) == 0  # agrees per firm
    lookup(report)


def lookup(report: Report, samples: int = 300) -> None:
    """credit_lookup_ms_p95: the public page's lookup (public_lookup: the hits, at most 50, with their
    classes, published records and commitments) by a part of a registered name over the firms loaded: a
    random two to six characters of a random firm's name, common parts (有限公司, 上海) as often as they
    come; and by USCC (exact)."""
    rng = random.Random(11)
    names = list(
        Organisation.objects.filter(uscc__startswith="98", kind="enterprise")
        .order_by("?")
        .values_list("name", "uscc")[:samples]
    )
    parts = []
    for name, _uscc in names:
        length = rng.randint(2, min(6, len(name)))
        start = rng.randint(0, len(name) - length)
        parts.append(name[start : start + length])
    for part in parts[:20]:
        selectors.public_lookup(query=part)  # warm the cache as a running portal's would be
    timings, hits = [], []
    for part in parts:
        started = time.perf_counter()
        hits.append(len(selectors.public_lookup(query=part)))
        timings.append((time.perf_counter() - started) * 1000)
    report("credit_lookup_ms_p95", round(statistics.quantiles(timings, n=20)[-1], 1), "ms")
    report("credit_lookup_ms_p50", round(statistics.median(timings), 1), "ms")
    report("credit_lookup_hits_mean", round(statistics.mean(hits), 1), "firms")
    timings = []
    for _name, uscc in names[:100]:
        started = time.perf_counter()
        assert len(selectors.public_lookup(query=uscc)) == 1
        timings.append((time.perf_counter() - started) * 1000)
    report("credit_lookup_uscc_ms_p95", round(statistics.quantiles(timings, n=20)[-1], 1), "ms")


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
