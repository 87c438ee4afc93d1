"""Licence figures: write-offs per second with 16 submitters racing for one licence (and 0 overdrawn), and
what the licence rules add to validating a 50-line declaration whose every line needs a licence."""

from __future__ import annotations

import multiprocessing
import statistics
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from declarations.choices import Direction
from declarations.examples import example_line
from declarations.models import Declaration, GoodsLine
from declarations.pipeline import DeclarationInvalid
from declarations.registry import RuleInput
from licensing.choices import LicenceKind
from licensing.issuing import LineSpec, licence_issue
from licensing.models import LicenceLine
from licensing.rules import LICENCES
from licensing.writeoff import reserve
from singlewindow.choices import Agency, OrganisationKind
from singlewindow.models import Organisation, User

Report = Callable[[str, Any, str], None]
SUBMITTERS = 16
EACH = 60
HCFC = "2903710000"  # needs an import licence (licensing/reference/hs_conditions.csv)
WHEAT = "1001990000"  # needs an automatic import licence and a quota certificate


def _issuer() -> Organisation:
    org, _ = Organisation.objects.get_or_create(
        uscc="11100000MB00000017",  # the bench's own issuing department
        defaults={"kind": OrganisationKind.AGENCY, "agency": Agency.COMMERCE, "name": "商务部许可证局（基准）"},
    )
    return org


def _firm(user: User) -> Organisation:
    assert user.organisation is not None
    return user.organisation


def _drafts(user: User, count: int) -> list[Declaration]:
    return Declaration.objects.bulk_create(
        [
            Declaration(owner=_firm(user), created_by=user, direction=Direction.IMPORT, port_customs="2200")
            for _ in range(count)
        ]
    )


def _submitter(ids: list[int], row: dict[str, str], start_at: float, results: Any) -> None:
    """One submitter process: its own connection, one transaction per write-off, as a web worker's."""
    from django.db import connections

    connections.close_all()  # never share the parent's socket
    mine = list(Declaration.objects.filter(pk__in=ids))
    time.sleep(max(0.0, start_at - time.time()))
    ok = no = 0
    for declaration in mine:
        payload = {
            "agencies": [Agency.CUSTOMS],
            "direction": "import",
            "header": {"port_customs": "2200"},
            "lines": [row],
        }
        try:
            with transaction.atomic():
                reserve(declaration, payload)
            ok += 1
        except DeclarationInvalid:
            no += 1
    results.put((ok, no, time.time()))
    connections.close_all()


def writeoff_per_s(setup: dict[str, Any], report: Report) -> None:
    """16 processes, each with its own connection, write off 1 kg at a time from one quota certificate
    (unlimited uses) through the freeze listener's conditional updates, one transaction each, as submissions
    do; the last ten find nothing left and are refused."""
    user: User = setup["user"]
    total = Decimal(SUBMITTERS * EACH) - 10
    quota = licence_issue(
        holder=_firm(user), issuer=_issuer(), kind=LicenceKind.TARIFF_QUOTA, issued_at=timezone.now(),
        lines=[LineSpec(hs_code=WHEAT, name="小麦", unit="035", quantity=total)],
    )  # fmt: skip
    ids = [d.pk for d in _drafts(user, SUBMITTERS * EACH)]
    row = {"hs_code": WHEAT, "declared_unit": "035", "declared_quantity": "1", "licence_no": quota.number}
    connection.close()
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    start_at = time.time() + 2.0  # every process connected and waiting
    processes = [
        context.Process(target=_submitter, args=(ids[i::SUBMITTERS], row, start_at, results)) for i in range(SUBMITTERS)
    ]
    for p in processes:
        p.start()
    finished = [results.get(timeout=600) for _ in processes]
    for p in processes:
        p.join()
    elapsed = max(end for _ok, _no, end in finished) - start_at
    done, refused = sum(ok for ok, _n, _e in finished), sum(no for _o, no, _e in finished)
    line = LicenceLine.objects.get(licence=quota)
    overdrawn = int(line.written_off > line.quantity * (1 + line.tolerance))
    assert overdrawn == 0 and done == int(total) and refused == 10, (line.written_off, done, refused)
    report("writeoff_per_s", done / elapsed, "/s")
    report("writeoff_overdrawn", overdrawn, "")


def licence_check_ms_p50(setup: dict[str, Any], report: Report) -> None:
    """The licence rule (its prefetch and its check) on a 50-line declaration, every line citing a licence."""
    user: User = setup["user"]
    licence = licence_issue(
        holder=_firm(user), issuer=_issuer(), kind=LicenceKind.IMPORT, issued_at=timezone.now(),
        non_one_batch=True, lines=[LineSpec(hs_code=HCFC, name="二氟一氯甲烷", unit="035", quantity=Decimal(100000))],
    )  # fmt: skip
    declaration = _drafts(user, 1)[0]
    lines = [
        GoodsLine(declaration=declaration, line_no=i + 1, **{
            **example_line(i), "hs_code": HCFC, "declared_unit": "035", "legal_unit": "035", "licence_no": licence.number})
        for i in range(50)
    ]  # fmt: skip
    subject = RuleInput(
        declaration=declaration, rows={"lines": lines}, agencies=(Agency.CUSTOMS, Agency.INSPECTION), today=timezone.localdate()
    )  # fmt: skip
    assert LICENCES.prefetch is not None
    samples = []
    for _ in range(300):
        start = time.perf_counter()
        problems = LICENCES.check(subject, LICENCES.prefetch([declaration]))
        samples.append((time.perf_counter() - start) * 1000)
    assert not problems, problems
    report("licence_check_ms_p50", statistics.median(samples), "ms")


def figures(setup: dict[str, Any], report: Report) -> None:
    writeoff_per_s(setup, report)
    licence_check_ms_p50(setup, report)
