"""`make bench`: one line per figure, `bench: NAME VALUE UNIT`, on the production services.

Runs against its own PostgreSQL database (DATABASE_URL from the Makefile), migrated and loaded here.
Every run opens with two yardsticks of the machine (calib_python_ms, calib_pg_tps: bench/calibration.py).
BENCH_GROUP picks one group of figures (comma-separated): declarations (validate_ms_p50, items_typed,
items_delivered, items_typed_per_delivered_pct, diff_ms_p50), import (import_per_s), vessels (certificate_pdf_ms_p50,
certificate_pdf_kb, crew_import_ms), submit (submit_per_s), e2e (e2e_per_s, e2e_p95_ms, e2e_cpu_ms_per_decl, e2e_batch_per_s, e2e_batch_p95_ms, fanout_parallel_ratio),
drain (delivery_drain_per_s: the worker delivering a backlog, BENCH_DRAIN_BATCH_MAX), chaos (chaos_p95_s,
chaos_queue_peak_per_branch, chaos_doubled_releases: bench/chaos.py; it restarts the Redis it is given), credit
(lane_ms_p50, inspection_rate_<class>_pct, conduct_search_ms_p95, reclassify_per_s — the nightly run — and
reclassify_initial_per_s — the first classification of all — over BENCH_CREDIT_FIRMS firms, credit_lookup_ms_p95,
credit_lookup_uscc_ms_p95, credit_bench_load_s), outage (outage_recovery_s: BENCH_OUTAGE_BRANCHES branches
delivered after their agency returns, bench/outage.py), licensing (writeoff_per_s with writeoff_overdrawn,
licence_check_ms_p50: bench/licensing.py; sign_ms_p50: bench/elicence.py), approvals (deemed_consent_late_s_max,
deemed_consent_fired_twice: bench/approvals.py), ecommerce (cbec_inventories_per_s, cbec_match_to_release_p99_s,
quota_race_violations: bench/ecommerce.py), clerk (hs_search_zh_ms_p95: bench/hs.py; clerk_typed_fields_3_lines:
bench/clerk.py); all by default.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from bench import commands

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "singlewindow.settings")
ROOT = Path(__file__).resolve().parent.parent
GROUPS = (
    "declarations",
    "import",
    "vessels",
    "submit",
    "e2e",
    "drain",
    "chaos",
    "credit",
    "outage",
    "licensing",
    "approvals",
    "ecommerce",
    "clerk",
)


def report(name: str, value: float, unit: str) -> None:
    print(
        f"bench: {name} {value:.1f} {unit}" if isinstance(value, float) else f"bench: {name} {value} {unit}",
        flush=True,
    )


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    from . import calibration, credit, e2e, figures, interchange, vessels

    calibration.python_ms(report)
    calibration.pg_tps(report)

    wanted = {g.strip() for g in os.environ.get("BENCH_GROUP", "").split(",") if g.strip()} or set(GROUPS)
    unknown = wanted - set(GROUPS)
    if unknown:
        raise SystemExit(f"BENCH_GROUP: unknown group(s) {', '.join(sorted(unknown))}; choose from {', '.join(GROUPS)}")
    setup = figures.setup()
    if "declarations" in wanted:
        figures.validate_ms_p50(setup, report)
        figures.items(report)
        figures.diff_ms_p50(setup, report)
    if "import" in wanted:
        interchange.import_per_s(setup, report)
    if "vessels" in wanted:
        for figure in vessels.certificate_figures() + vessels.crew_import_figures():
            report(*figure)
    if "submit" in wanted:
        figures.submit_per_s(setup, report, server=_server)
    if "e2e" in wanted:
        e2e.figures(setup, report, figures.draft)
    if "drain" in wanted:
        e2e.drain_per_s(setup, report, figures.draft)
    if "chaos" in wanted:
        from . import chaos

        chaos.figures(setup, report, figures.draft)
    if "outage" in wanted:
        from . import outage

        outage.outage_recovery_s(setup, report, figures.draft)
    if "credit" in wanted:
        from declarations.selectors import working_copy

        payload = {**working_copy(figures.draft(setup["user"], 3)), "pre_entry_no": "220020261000000001"}
        credit.lanes(report, payload)
        from . import conduct

        conduct.figures(report)  # conduct_search_ms_p95, conduct_page_ms_p95 (bench/conduct.py)
        credit.reclassify_per_s(report)
    if "licensing" in wanted:
        from . import elicence, licensing

        licensing.figures(setup, report)
        elicence.sign_figures(report)
    if "approvals" in wanted:
        from . import approvals

        approvals.deemed_consent_figures(report)
    if "ecommerce" in wanted:
        from . import ecommerce

        ecommerce.figures(setup, report)
    if "clerk" in wanted:
        from . import hs

        hs.figures(setup, report, figures.draft)  # hs_search_zh_ms_p95 (bench/hs.py)
        from . import clerk

        clerk.figures(report)  # clerk_typed_fields_3_lines (bench/clerk.py)


def _server(port: int) -> subprocess.Popen:
    env = {**os.environ, "DEBUG": "0", "LOG_LEVEL": "WARNING"}
    process = subprocess.Popen(
        [*commands.web(port), "--keep-alive", "5"],
        cwd=ROOT,
        env=env,
    )
    import requests

    for _ in range(100):
        try:
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return process
        except (requests.ConnectionError, requests.Timeout):  # not listening yet, or still starting
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("gunicorn did not start")


if __name__ == "__main__":
    main()
