"""The figure of issue 4's ERP import: declarations per second from a 1,000-declaration XML file to
validated drafts (read and checked on upload, then the import the worker runs), on PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from declarations.examples import example_containers, example_header, example_line
from declarations.interchange import xml_format
from declarations.interchange.imports import import_run
from declarations.interchange.uploads import import_start
from declarations.models import Declaration

Report = Callable[[str, Any, str], None]
DECLARATIONS = 1000
LINES = 3


def import_file(run: str) -> bytes:
    header = example_header()
    lines = [example_line(i) for i in range(LINES)]
    return xml_format.write(
        ({"reference": f"{run}-{n:05d}", "direction": "import", "kind": "general", "target": "both"},
         header, lines, example_containers())
        for n in range(DECLARATIONS)
    )  # fmt: skip


def import_per_s(setup: dict[str, Any], report: Report) -> None:
    user = setup["user"]
    data = import_file(f"BENCH{time.time_ns()}")
    started = time.perf_counter()
    job, _new = import_start(user=user, upload=SimpleUploadedFile("bench.xml", data))
    job = import_run(job_id=job.pk)
    elapsed = time.perf_counter() - started
    assert job.created_count == DECLARATIONS, job.report.get("errors", [])[:3]
    assert (
        Declaration.objects.filter(reference__startswith=job.report["created"][0]["reference"][:-5]).count()
        == DECLARATIONS
    )
    report("import_per_s", DECLARATIONS / elapsed, "declarations/s")
    # Thousands of fresh rows: bring the planner's statistics up to date now, as autovacuum would soon,
    # so its ANALYZE does not run in the middle of the later figures.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
