"""The figures of issue 2: validation time, API submission rate, harmonisation counts."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from agencies.dataitems import data_items
from declarations import services
from declarations.choices import DocumentKind
from declarations.examples import blank_pdf, example_containers, example_header, example_line
from declarations.models import Declaration
from declarations.validation import validate
from licensing.models import Qualification, QualificationKind
from singlewindow import tokens
from singlewindow.choices import OrganisationKind
from singlewindow.elicence import grant_standing
from singlewindow.models import Organisation, User

Report = Callable[[str, Any, str], None]
SUBMISSIONS = 600
PORT = 8765
CLIENTS = 4  # concurrent connections: enough to keep the one server process busy


def setup() -> dict[str, Any]:
    """A benchmark enterprise and clerk (made once, kept between runs)."""
    from stdnum.cn import uscc

    body = "91310115MABENCH01"
    org, _ = Organisation.objects.get_or_create(
        uscc=body + uscc.calc_check_digit(body),
        defaults={
            "kind": OrganisationKind.ENTERPRISE,
            "name": "基准测试贸易有限公司",
            "customs_code": "3122BENCH1",
            "inspection_code": "3100999999",
        },
    )
    Qualification.objects.get_or_create(
        kind=QualificationKind.INSPECTION_REGISTRATION,
        number="3100999999",
        defaults={"organisation": org, "valid_from": "2020-01-01"},
    )
    user, _ = User.objects.get_or_create(username="bench_clerk", defaults={"organisation": org})
    grant_standing(person=user)  # it signs what it submits under the firm's electronic licence
    _token, key = tokens.token_create(user=user, name="bench")
    return {"user": user, "token": key}


def draft(user: User, lines: int) -> Declaration:
    with transaction.atomic():
        declaration = services.declaration_create(user=user)
        services.declaration_save_draft(
            declaration=declaration,
            user=user,
            header=example_header(),
            lines=[example_line(i) for i in range(lines)],
            containers=example_containers(),
        )
        for kind in (DocumentKind.INVOICE, DocumentKind.PACKING_LIST):
            services.document_attach(
                declaration=declaration,
                user=user,
                kind=kind,
                upload=SimpleUploadedFile("d.pdf", PDF, "application/pdf"),
            )
    return declaration


PDF = blank_pdf()


def validate_ms_p50(setup: dict[str, Any], report: Report) -> None:
    """Full validation of a 50-line declaration, in memory, code lists warm."""
    declaration = draft(setup["user"], 50)
    lines = list(declaration.lines.all())
    containers = list(declaration.containers.all())
    documents = list(declaration.documents.all())
    assert validate(declaration, lines, containers, documents) == []
    samples = []
    for _ in range(300):
        start = time.perf_counter()
        validate(declaration, lines, containers, documents)
        samples.append((time.perf_counter() - start) * 1000)
    report("validate_ms_p50", round(statistics.median(samples), 2), "ms")


def items(report: Report) -> None:
    result = data_items()
    report("items_typed", len(result.typed), "items")
    report("items_delivered", result.delivered, "items")
    report("items_typed_per_delivered_pct", round(100 * len(result.typed) / result.delivered, 1), "%")


def submit_per_s(setup: dict[str, Any], report: Report, server: Callable[[int], Any]) -> None:
    """API submissions of valid 5-line declarations: one gunicorn process, PostgreSQL, over HTTP."""
    ids = [draft(setup["user"], 5).pk for _ in range(SUBMISSIONS)]
    process = server(PORT)
    try:
        session_headers = {"Authorization": f"Token {setup['token']}", "Accept-Language": "en"}

        def submit(chunk: list[int]) -> int:
            ok = 0
            with requests.Session() as session:
                session.headers.update(session_headers)
                for pk in chunk:
                    response = session.post(f"http://127.0.0.1:{PORT}/api/v1/declarations/{pk}/submit/")
                    ok += response.status_code == 201
            return ok

        submit(ids[:20])  # warm the process
        timed = ids[20:]
        chunks = [timed[i::CLIENTS] for i in range(CLIENTS)]
        start = time.perf_counter()
        with ThreadPoolExecutor(CLIENTS) as pool:
            ok = sum(pool.map(submit, chunks))
        elapsed = time.perf_counter() - start
    finally:
        process.terminate()
        process.wait(10)
    if ok != len(timed):
        raise SystemExit(f"only {ok} of {len(timed)} submissions succeeded")
    report("submit_per_s", round(len(timed) / elapsed, 1), "per_s")


def diff_ms_p50(setup: dict[str, Any], report: Report) -> None:
    """The field-level diff of a 200-line declaration against an edited copy (every tenth line changed)."""
    import copy

    from declarations.diff import snapshot_diff
    from declarations.snapshot import declaration_snapshot

    declaration = draft(setup["user"], 200)
    old = declaration_snapshot(
        declaration,
        list(declaration.lines.all()),
        list(declaration.containers.all()),
        list(declaration.documents.all()),
    )
    new = copy.deepcopy(old)
    new["header"]["gross_weight"] = "9999"
    for line in new["lines"][::10]:
        line["unit_price"], line["model"] = "1.5", line["model"] + " rev B"
    assert len(snapshot_diff(old, new)) == 41
    samples = []
    for _ in range(200):
        start = time.perf_counter()
        snapshot_diff(old, new)
        samples.append((time.perf_counter() - start) * 1000)
    report("diff_ms_p50", round(statistics.median(samples), 2), "ms")
