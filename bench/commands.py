"""The command lines of the production shape's processes, shared by the benchmarks and the tests
that start real processes (tests/processes.py)."""

from __future__ import annotations

import sys


def web(port: int, workers: int = 1) -> list[str]:
    """Gunicorn with this many processes (threads from gunicorn.conf.py)."""
    return [sys.executable, "-m", "gunicorn", "singlewindow.wsgi", "-c", "gunicorn.conf.py", "-w", str(workers),
            "-b", f"127.0.0.1:{port}", "--log-level", "warning"]  # fmt: skip


def worker(schedule_file: str) -> list[str]:
    """One Celery worker, prefork with concurrency 2, with the beat that runs the sweep."""
    return [sys.executable, "-m", "celery", "-A", "singlewindow", "worker", "-B", "--concurrency", "2",
            "--loglevel", "WARNING", "--without-gossip", "--without-mingle", "-s", schedule_file]  # fmt: skip


def simulator(port: int) -> list[str]:
    return [sys.executable, "-m", "agencies.simulator", "--host", "127.0.0.1", "--port", str(port)]
