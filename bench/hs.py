"""Finding a goods' code by its Chinese name (issue 13): hs_search_zh_ms_p95 (target ≤ 50 ms) times what the
商品编号 suggestions run for one keystroke: the firm's own goods names (over a history of 3,000 declared
lines) and a Chinese search of the whole nomenclature with the curated goods names, in the Chinese interface."""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from django.utils import timezone, translation

from declarations import selectors
from declarations.models import Declaration, GoodsLine
from declarations.nomenclature import index
from singlewindow.models import User

Report = Callable[[str, Any, str], None]
QUERIES = 400
HISTORY_LINES = 3000
REFERENCE = "BENCH-HS-HISTORY"
NAMES = ("咖啡", "电脑", "液晶显示器", "手机", "红酒", "奶粉", "面霜", "轮胎", "热轧钢板", "大豆", "原油")
WORDS = (*NAMES, "铁矿砂", "锂电池", "服装", "笔记本", "显示器", "冻虾", "橄榄油", "牛仔裤", "空调", "玩具", "咖啡豆")


def _history(user: User, draft: Callable[[User, int], Declaration]) -> None:
    """One submitted declaration of the bench firm holding 3,000 goods lines (kept between runs): the
    firm's history the suggestions look its goods names up in."""
    if Declaration.objects.filter(owner=user.organisation, reference=REFERENCE).exists():
        return
    declaration = draft(user, 1)
    Declaration.objects.filter(pk=declaration.pk).update(reference=REFERENCE, submitted_at=timezone.now())
    line = GoodsLine.objects.get(declaration=declaration)
    lines = []
    for n in range(2, HISTORY_LINES + 1):
        line.pk, line.line_no = None, n
        line.name = f"{NAMES[n % len(NAMES)]}{n}号"
        lines.append(GoodsLine(**{f.attname: getattr(line, f.attname) for f in GoodsLine._meta.concrete_fields}))
    GoodsLine.objects.bulk_create(lines)


def figures(setup: dict[str, Any], report: Report, draft: Callable[[User, int], Declaration]) -> None:
    user: User = setup["user"]
    _history(user, draft)
    rng = random.Random(13)
    queries = [rng.choice(WORDS) for _ in range(QUERIES)]
    samples = []
    with translation.override("zh-hans"):
        index()  # loaded once per process (and again when the data changes), as a worker does
        for query in queries:
            start = time.perf_counter()
            found = selectors.hs_search(query=query, limit=15, user=user)
            samples.append((time.perf_counter() - start) * 1000)
            if not found:
                raise RuntimeError(f"hs_search found nothing for {query}")
    report("hs_search_zh_ms_p95", statistics.quantiles(samples, n=20)[-1], "ms")
