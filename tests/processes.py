"""Fixtures that start real processes, for the integration and browser tests: the agency simulator and a Celery worker as separate processes, Redis as the broker,
and the portal served by pytest-django's live server (the simulator posts receipts to it)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from bench import commands
from singlewindow.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[1]  # the project: processes import it from their working directory


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(condition: Callable[[], Any], *, timeout: float = 60, every: float = 0.2, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what or condition}")


class Simulator:
    def __init__(self, url: str, process: subprocess.Popen) -> None:
        self.url = url
        self.process = process
        self.started_with: dict[str, Any] = {}

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.url + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            text = response.read()
        return json.loads(text) if text else None

    def config(self) -> dict[str, Any]:
        return self._call("GET", "/_sim/config")

    def configure(self, **agencies: dict[str, Any]) -> None:
        """Change some agencies' settings, keeping the rest of the configuration."""
        config = self.config()
        for agency, changes in agencies.items():
            config["agencies"][agency].update(changes)
        self._call("PUT", "/_sim/config", config)

    def counts(self) -> dict[str, int]:
        return self._call("GET", "/_sim/counts")

    def received(self) -> dict[str, int]:
        return self._call("GET", "/_sim/received")


@pytest.fixture(scope="session")
def _simulator_process(live_server: Any) -> Iterator[Simulator]:
    """One simulator process for the session (it posts receipts to the session's live server)."""
    port = free_port()
    env = {
        **os.environ,
        "PORTAL_RECEIPTS_URL": f"{live_server.url}/api/v1/agency-gateway/receipts/",
        **settings.SIMULATOR_KEYS_ENV,
    }
    process = subprocess.Popen(
        commands.simulator(port),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    sim = Simulator(f"http://127.0.0.1:{port}", process)
    wait_until(lambda: _healthy(sim), timeout=20, what="the simulator")
    sim.started_with = sim.config()
    yield sim
    process.terminate()
    process.wait(10)
    # The live server's thread that served the simulator's kept-alive connection closes its database
    # connection once it sees the simulator gone: give it a moment, or the test database cannot be dropped.
    deadline = time.monotonic() + 10
    while not _no_request_being_served() and time.monotonic() < deadline:
        time.sleep(0.05)


@pytest.fixture
def simulator(_simulator_process: Simulator) -> Iterator[Simulator]:
    """The session's simulator as if just started: its first configuration back (a configuration read and
    put back keeps its keys), nothing counted, no receipt pending, its random numbers reseeded. Reset again
    when the test ends, before its database is flushed, so no late receipt reaches the next test."""
    sim = _simulator_process
    assert sim.process.poll() is None, "the simulator exited"
    sim._call("PUT", "/_sim/config", sim.started_with)
    sim._call("POST", "/_sim/reset", {})
    yield sim
    sim._call("PUT", "/_sim/config", sim.started_with)
    sim._call("POST", "/_sim/reset", {})


def _no_request_being_served() -> bool:
    return not any(thread.name.endswith("(process_request_thread)") for thread in threading.enumerate())


def _healthy(sim: Simulator) -> bool:
    try:
        return sim._call("GET", "/_sim/health")["status"] == "ok"
    except OSError:
        return False


class Worker:
    """A Celery worker (prefork, concurrency 2, with the beat that runs the delivery sweep)."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            commands.worker(self.env["BEAT_SCHEDULE_FILE"]),
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
        )

    def kill(self) -> None:
        """SIGKILL the whole worker: the main process and its pool children, no clean-up."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


@pytest.fixture
def worker(simulator: Simulator, tmp_path: Path) -> Iterator[Worker]:
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_BROKER_URL": celery_app.conf.broker_url,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "SIMULATOR_URL": simulator.url,
        "DELIVERY_BACKOFF_SECONDS": "0.2",
        "DELIVERY_LEASE_SECONDS": "3",
        "DELIVERY_SWEEP_SECONDS": "1",
        "AGENCY_PROBE_SECONDS": "1",  # an agency that is down is tried again every second
        "DELIVERY_TIMEOUT_SECONDS": "3",
        "AGENCY_BATCH_MAX": "20",  # as in production: what waits for an agency goes in one request
        "BEAT_SCHEDULE_FILE": str(tmp_path / "beat-schedule"),
    }
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    w = Worker(env)
    w.start()
    yield w
    w.stop()
    celery_app.conf.task_always_eager = True
