"""Issue 3's figures: declarations from API submission to released by every agency, on the production
shape as docker-compose.yml runs it on a 2-core machine (gunicorn with WEB_WORKERS processes, 2 as
gunicorn.conf.py's default: one Python process cannot use more than one core; one Celery worker with
concurrency 2, the simulator, PostgreSQL, Redis)."""

from __future__ import annotations

import http.client
import json
import os
import signal
import statistics
import subprocess
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests
from django.db.models import Max

from agencies.models import ReceiptBatch
from declarations.choices import DeliveryStatus, EventKind
from declarations.models import Declaration, Delivery, Event

from . import commands

ROOT = Path(__file__).resolve().parent.parent
Report = Callable[[str, Any, str], None]
WEB_PORT, SIM_PORT = 8766, 8767
# The load: 110 declarations a second offered; 1,500 of them (about 14 s), so that a portal keeping up
# can show ≥ 100/s (over 500, the last one's own second of latency alone kept the figure under 100).
E2E_DECLARATIONS = int(os.environ.get("BENCH_E2E_DECLARATIONS", "1500"))
PARALLEL_SAMPLES = 15
OFFERED_PER_S = float(os.environ.get("BENCH_E2E_OFFERED_PER_S", "110"))
WEB_WORKERS = int(os.environ.get("BENCH_WEB_WORKERS", "2"))
BATCH = int(os.environ.get("BENCH_E2E_BATCH", "10"))  # declarations per batch submission (e2e_batch_*)
AGENCY_ANSWER_MS = 300
DRAIN_DECLARATIONS = int(os.environ.get("BENCH_DRAIN_DECLARATIONS", "300"))


class Shape:
    """The running processes of the production shape, by name; a fault run kills and restarts them."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, name: str) -> None:
        quiet = subprocess.DEVNULL
        # Each in its own process group, so a kill takes a worker's pool children with it.
        if name == "simulator":
            process = subprocess.Popen(
                commands.simulator(SIM_PORT), cwd=ROOT, env=self.env, start_new_session=True, stdout=quiet
            )
        elif name == "web":
            process = subprocess.Popen(
                commands.web(WEB_PORT, WEB_WORKERS), cwd=ROOT, env=self.env, start_new_session=True
            )
        else:
            schedule = str(ROOT / "var" / "bench-beat-schedule")
            process = subprocess.Popen(
                commands.worker(schedule), cwd=ROOT, env=self.env, start_new_session=True, stderr=quiet
            )
        self.processes[name] = process

    def kill(self, name: str, sig: int = signal.SIGTERM) -> None:
        process = self.processes[name]
        if process.poll() is None:
            os.killpg(process.pid, sig)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)

    def restart(self, name: str) -> None:
        self.kill(name)
        self.start(name)


@contextmanager
def production_shape(**overrides: str) -> Iterator[Shape]:
    """The processes, with `overrides` added to their environment."""
    env = {
        **os.environ,
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "SIMULATOR_URL": f"http://127.0.0.1:{SIM_PORT}",
        "PORTAL_RECEIPTS_URL": f"http://127.0.0.1:{WEB_PORT}/api/v1/agency-gateway/receipts/",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "AGENCY_BATCH_MAX": "50",  # as docker-compose.yml: the simulator takes batches of messages
        "AGENCY_LINGER_SECONDS": os.environ.get("AGENCY_LINGER_SECONDS", "0.1"),  # as docker-compose.yml
        **overrides,
    }
    from singlewindow.celery import app

    app.control.purge()
    shape = Shape(env)
    for name in ("simulator", "web", "worker"):
        shape.start(name)
    try:
        _wait(f"http://127.0.0.1:{SIM_PORT}/_sim/health")
        _wait(f"http://127.0.0.1:{WEB_PORT}/healthz")
        time.sleep(2)  # the worker
        yield shape
    finally:
        for name in list(shape.processes):
            shape.kill(name)


def _wait(url: str) -> None:
    for _ in range(100):
        try:
            requests.get(url, timeout=1)
            return
        except (requests.ConnectionError, requests.Timeout):  # not listening yet, or still starting
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


def configure_simulator(config_changes: dict[str, Any], only: str | None = None) -> None:
    """Change every agency's settings (or one agency's) in the running simulator."""
    url = f"http://127.0.0.1:{SIM_PORT}/_sim/config"
    config = requests.get(url, timeout=5).json()
    for name, agency in config["agencies"].items():
        if only in (None, name):
            agency.update(config_changes)
    requests.put(url, data=json.dumps(config), headers={"Content-Type": "application/json"}, timeout=5)


class Client:
    """One keep-alive connection to the portal, as an ERP's HTTP client holds one. http.client, not
    requests: the load generator runs on the portal's own two cores, and requests' machinery per call
    (~0.7 ms of CPU, most of the generator's) was counted against the portal."""

    def __init__(self, token: str, timeout: float = 30) -> None:
        self.headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
        self.timeout = timeout
        self.connection: http.client.HTTPConnection | None = None

    def post(self, path: str, body: Any = None, headers: dict[str, str] | None = None) -> tuple[int, Any]:
        """(status, decoded JSON body or None); ConnectionError when the portal is unreachable. A kept-alive
        connection the portal closed while idle (gunicorn's keepalive is 5 s) is opened again at once, as
        requests' pool does."""
        data = b"" if body is None else json.dumps(body).encode()
        for attempt in (1, 2):
            reused = self.connection is not None
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", WEB_PORT, timeout=self.timeout)
            try:
                self.connection.request("POST", path, body=data, headers={**self.headers, **(headers or {})})
                response = self.connection.getresponse()
                content = response.read()
                break
            except (OSError, http.client.HTTPException) as error:
                self.close()
                stale = isinstance(error, http.client.RemoteDisconnected | BrokenPipeError | ConnectionResetError)
                if not (reused and stale and attempt == 1):
                    raise ConnectionError(str(error)) from error
        try:
            return response.status, json.loads(content) if content else None
        except ValueError:  # an error page that is not JSON
            return response.status, content[:200]

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def submit_all(ids: list[int], token: str, clients: int, rate: float | None = None) -> dict[int, float]:
    """Submit every declaration through the API; with a rate, at that many per second (open loop:
    declaration i is due at i / rate seconds, whatever happened to the ones before)."""
    started: dict[int, float] = {}
    start = time.time() + 0.1
    due = {pk: start + i / rate for i, pk in enumerate(ids)} if rate else {}

    def run(chunk: list[int]) -> None:
        client = Client(token)
        try:
            for pk in chunk:
                if rate:
                    time.sleep(max(0.0, due[pk] - time.time()))
                started[pk] = time.time()
                _submit(client, pk)
        finally:
            client.close()

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(run, [ids[i::clients] for i in range(clients)]))
    return started


def submit_batches(ids: list[int], token: str, *, size: int, rate: float, clients: int = 4) -> dict[int, float]:
    """Submit every declaration through the batch endpoint (批量申报), `size` at a time, offered at `rate`
    declarations a second (open loop: batch i is due at i × size / rate seconds)."""
    started: dict[int, float] = {}
    batches = [ids[i : i + size] for i in range(0, len(ids), size)]
    start = time.time() + 0.1

    def run(mine: list[tuple[int, list[int]]]) -> None:
        client = Client(token, timeout=60)
        try:
            for n, batch in mine:
                time.sleep(max(0.0, start + n * size / rate - time.time()))
                sent = time.time()
                status, answer = client.post("/api/v1/declarations/submit/", {"ids": batch})
                rows = answer.get("results", []) if isinstance(answer, dict) else []
                answers = {row["id"]: row["status"] for row in rows}
                if answers != dict.fromkeys(batch, 201):
                    raise RuntimeError(f"batch submission failed: {status} {str(answer)[:200]}")
                started.update(dict.fromkeys(batch, sent))
        finally:
            client.close()

    numbered = list(enumerate(batches))
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(run, [numbered[i::clients] for i in range(clients)]))
    return started


def _submit(client: Client, pk: int) -> None:
    """Submit as an ERP integration does: with an Idempotency-Key, retrying while the portal is
    unreachable or restarting (the retry gets the first answer, never a second submission)."""
    path = f"/api/v1/declarations/{pk}/submit/"
    for attempt in range(60):
        try:
            status, answer = client.post(path, headers={"Idempotency-Key": f"bench-submit-{pk}"})
        except ConnectionError:
            time.sleep(0.5)
            continue
        if status == 201:
            return
        if status not in (409, 502, 503) and status < 500:
            raise RuntimeError(f"submission failed: {status} {str(answer)[:200]}")
        time.sleep(0.5 if attempt < 10 else 2)  # in progress (409) or the portal failing: try again
    raise RuntimeError(f"declaration {pk} could not be submitted")


def busy_cpu_ms() -> float:
    """The whole machine's CPU time spent so far (every core, every process: the portal, PostgreSQL, Redis, the
    simulator and this load generator), from /proc/stat; time stolen by a hypervisor is not counted."""
    with open("/proc/stat") as stat:
        user, nice, system, _idle, _iowait, irq, softirq = (int(v) for v in stat.readline().split()[1:8])
    return (user + nice + system + irq + softirq) * 1000 / os.sysconf("SC_CLK_TCK")


def release_times(ids: list[int], timeout: float) -> dict[int, float]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if Declaration.objects.filter(pk__in=ids, status="released").count() == len(ids):
            break
        time.sleep(0.2)
    else:
        done = Declaration.objects.filter(pk__in=ids, status="released").count()
        raise RuntimeError(f"only {done} of {len(ids)} declarations were released in {timeout:.0f} s")
    rows = (
        Event.objects.filter(declaration_id__in=ids, kind=EventKind.RELEASED)
        .values("declaration_id")
        .annotate(last=Max("recorded_at"))
    )
    return {row["declaration_id"]: row["last"].timestamp() for row in rows}


def drain_per_s(setup: dict[str, Any], report: Report, draft: Callable[..., Declaration]) -> None:
    """The delivery side alone, free of the submission rate: DRAIN_DECLARATIONS submitted while the worker
    is stopped, then how many a second the worker delivers and records until every one is released (its
    start-up included). BENCH_DRAIN_BATCH_MAX sets AGENCY_BATCH_MAX (1: one message per request)."""
    ids = [draft(setup["user"], 2).pk for _ in range(DRAIN_DECLARATIONS)]
    with production_shape(AGENCY_BATCH_MAX=os.environ.get("BENCH_DRAIN_BATCH_MAX", "50")) as shape:
        configure_simulator({"delay_ms": 0})
        shape.kill("worker")
        submit_all(ids, setup["token"], clients=8)
        start = time.time()
        shape.start("worker")
        done = release_times(ids, timeout=600)
        report("delivery_drain_per_s", round(len(ids) / (max(done.values()) - start), 1), "per_s")


def figures(setup: dict[str, Any], report: Report, draft: Callable[..., Declaration]) -> None:
    # The submission figure queued branches with no worker running; they are not this run's load.
    Delivery.objects.filter(status=DeliveryStatus.PENDING).update(status=DeliveryStatus.CANCELLED)
    ReceiptBatch.objects.filter(processed_at=None).delete()
    ids = [draft(setup["user"], 2).pk for _ in range(2 * E2E_DECLARATIONS + PARALLEL_SAMPLES)]
    load, batched = ids[:E2E_DECLARATIONS], ids[E2E_DECLARATIONS : 2 * E2E_DECLARATIONS]
    sequential = ids[2 * E2E_DECLARATIONS :]
    with production_shape():
        configure_simulator({"delay_ms": 0})
        cpu_before = busy_cpu_ms()
        started = submit_all(load, setup["token"], clients=8, rate=OFFERED_PER_S)
        done = release_times(load, timeout=300)
        cpu_ms = busy_cpu_ms() - cpu_before
        latencies = sorted((done[pk] - started[pk]) * 1000 for pk in load)
        elapsed = max(done.values()) - min(started.values())
        print(f"bench-note: e2e offered {OFFERED_PER_S:.0f}/s over {len(load)} declarations", flush=True)
        report("e2e_per_s", round(len(load) / elapsed, 1), "per_s")
        report("e2e_p95_ms", round(latencies[int(len(latencies) * 0.95) - 1]), "ms")
        # The headroom behind e2e_per_s: the machine's CPU a declaration costs, all processes together
        # (2 cores give 2,000 ms a second, so 2,000 / this is what the machine could carry at most).
        report("e2e_cpu_ms_per_decl", round(cpu_ms / len(load), 1), "ms")

        # The same load sent as an ERP sends a day's declarations: BATCH at a time (批量申报).
        started = submit_batches(batched, setup["token"], size=BATCH, rate=OFFERED_PER_S)
        done = release_times(batched, timeout=300)
        latencies = sorted((done[pk] - started[pk]) * 1000 for pk in batched)
        elapsed = max(done.values()) - min(started.values())
        report("e2e_batch_per_s", round(len(batched) / elapsed, 1), "per_s")
        report("e2e_batch_p95_ms", round(latencies[int(len(latencies) * 0.95) - 1]), "ms")

        # Each agency answers (received, accepted, released) over AGENCY_ANSWER_MS; one at a time.
        configure_simulator({"delay_ms": AGENCY_ANSWER_MS // 3, "duties": False})
        samples = []
        for pk in sequential:
            start = submit_all([pk], setup["token"], clients=1)[pk]
            samples.append((release_times([pk], timeout=30)[pk] - start) * 1000)
        report("fanout_parallel_ratio", round(statistics.median(samples) / AGENCY_ANSWER_MS, 2), "ratio")
