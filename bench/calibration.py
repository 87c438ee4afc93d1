"""Two yardsticks of the machine a run is on, printed first, so figures from different machines compare
as ratios: `calib_python_ms` (best of 5 of `sum(range(10**6))`) and `calib_pg_tps` (single-row update
commits per second from 4 clients, each on its own connection, for a few seconds)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import psycopg
from django.db import connection

Report = Callable[[str, Any, str], None]
CLIENTS = 4
SECONDS = 3.0


def python_ms(report: Report) -> None:
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        sum(range(10**6))
        best = min(best, time.perf_counter() - started)
    report("calib_python_ms", best * 1000, "ms")


def pg_tps(report: Report) -> None:
    params = connection.get_connection_params()
    dsn = {key: params[key] for key in ("host", "port", "user", "dbname") if params.get(key)}
    with psycopg.connect(**dsn, autocommit=True) as setup:
        setup.execute("CREATE TABLE IF NOT EXISTS bench_calibration (id int PRIMARY KEY, n bigint NOT NULL)")
        setup.execute(
            "INSERT INTO bench_calibration SELECT g, 0 FROM generate_series(1, %s) g ON CONFLICT DO NOTHING",
            (CLIENTS,),
        )
    counts = [0] * CLIENTS
    deadline = time.monotonic() + SECONDS

    def client(index: int) -> None:
        with psycopg.connect(**dsn, autocommit=True) as db:  # each statement its own commit
            while time.monotonic() < deadline:
                db.execute("UPDATE bench_calibration SET n = n + 1 WHERE id = %s", (index + 1,))
                counts[index] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report("calib_pg_tps", sum(counts) / SECONDS, "tps")
