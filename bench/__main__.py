"""`make bench`: one line per figure, `bench: NAME VALUE UNIT`, on the production services.

Runs against its own PostgreSQL database (DATABASE_URL from the Makefile), migrated and loaded here.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from bench import commands

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "singlewindow.settings")
ROOT = Path(__file__).resolve().parent.parent


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
    from . import figures

    setup = figures.setup()
    figures.validate_ms_p50(setup, report)
    figures.items(report)
    figures.diff_ms_p50(setup, report)
    from . import interchange

    interchange.import_per_s(setup, report)
    from . import vessels

    for figure in vessels.certificate_figures() + vessels.crew_import_figures():
        report(*figure)
    figures.submit_per_s(setup, report, server=_server)
    from . import e2e

    e2e.figures(setup, report, figures.draft)


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
