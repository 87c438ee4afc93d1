"""The prohibited-conduct catalogue's search (S12; reference D5): 1,748 published items (Hengqin's count),
generated here across the seven categories, the 96 divisions and the 15 entity types; then a query per
industry × entity type, with a keyword one time in four, grouped into the seven categories as the page
shows them. conduct_search_ms_p95 (target < 200 ms) times the selector; conduct_page_ms_p95 the whole
public page (render included), for what a visitor waits."""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from django.test import Client

from credit import conduct
from credit.choices import ConductCategory, ConductState
from credit.industries import SECTION_OF, SECTIONS, EntityType
from credit.models import ConductItem

Report = Callable[[str, Any, str], None]
ITEMS = 1748
QUERIES = 200
WORDS = ("包装", "广告", "标签", "价格", "商标", "质量", "登记", "许可", "食品", "进口", "虚假", "宣传")


def _items(rng: random.Random) -> None:
    """1,748 items: a fifth for every industry, the rest for 1 to 4 sections or divisions; a third limited
    to 1 to 3 entity types; each with 2 keywords."""
    ConductItem.objects.filter(code__startswith="BENCH-").delete()
    divisions = sorted(SECTION_OF)
    sections = [s[0] for s in SECTIONS]
    items = []
    for n in range(ITEMS):
        industries: list[str] = []
        if n % 5:
            for _k in range(rng.randint(1, 4)):
                d = rng.choice(divisions)
                industries.append(rng.choice([f"{SECTION_OF[d]}{d:02d}", rng.choice(sections)]))
        types = rng.sample(EntityType.values, rng.randint(1, 3)) if n % 3 == 0 else []
        fields = {
            "code": f"BENCH-{n:04d}",
            "title_zh": f"违法经营行为第{n}项：{rng.choice(WORDS)}不符合规定",
            "title_en": f"Prohibited conduct {n}",
            "law": "《基准测试法》",
            "article": f"第{n % 90 + 1}条",
            "clause": "",
            "penalty_basis": f"《基准测试法》第{n % 90 + 2}条",
            "category": ConductCategory.values[n % 7],
            "industries": sorted(set(industries)),
            "entity_types": sorted(types),
            "keywords": rng.sample(WORDS, 2),
            "source_agency": "市场监督管理部门",
            "effective_from": date(2020, 1, 1),
        }
        items.append(ConductItem(**fields, **conduct.derived(fields), state=ConductState.PUBLISHED))
    ConductItem.objects.bulk_create(items)


def _queries(rng: random.Random) -> list[dict[str, str]]:
    divisions = sorted(SECTION_OF)
    queries = []
    for n in range(QUERIES):
        d = rng.choice(divisions)
        industry = rng.choice([f"{SECTION_OF[d]}{d:02d}", SECTION_OF[d]])
        query = {"industry": industry, "entity_type": rng.choice(EntityType.values)}
        if n % 4 == 0:
            query["q"] = rng.choice(WORDS)
        queries.append(query)
    return queries


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def figures(report: Report) -> None:
    rng = random.Random(4754)
    _items(rng)
    queries = _queries(rng)
    searched, paged, found = [], [], []
    client = Client(headers={"accept-language": "zh-hans"})
    try:
        for query in queries:
            started = time.perf_counter()
            groups = conduct.conduct_search(conduct.Criteria.from_query(query))
            searched.append((time.perf_counter() - started) * 1000)
            found.append(sum(g.count for g in groups))
            started = time.perf_counter()
            response = client.get("/credit/conduct/", query)
            paged.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
    finally:
        ConductItem.objects.filter(code__startswith="BENCH-").delete()
    report("conduct_items", ITEMS, "items")
    report("conduct_found_median", statistics.median(found), "items")
    report("conduct_search_ms_p95", _p95(searched), "ms")
    report("conduct_page_ms_p95", _p95(paged), "ms")
