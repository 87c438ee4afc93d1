"""The clerk's keystrokes (issue 13): clerk_typed_fields_3_lines, the fields a clerk types for a 3-line
import in a real browser (tests/browser/test_clerk_types_each_fact_once.py, target ≤ 35, 64 before the
defaults). The figure is the browser test's own count: the bench runs that test and reads what it prints."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

Report = Callable[[str, Any, str], None]
ROOT = Path(__file__).resolve().parent.parent
TEST = "tests/browser/test_clerk_types_each_fact_once.py"
LINE = re.compile(r"^bench: (clerk_typed_fields_3_lines) (\d+) (\w+)$", re.MULTILINE)


def figures(report: Report) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-s", TEST],
        cwd=ROOT, env=os.environ.copy(), capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    found = LINE.search(run.stdout)
    if found is None:
        print(run.stdout[-2000:], run.stderr[-2000:], file=sys.stderr)
        raise RuntimeError(f"{TEST} printed no figure (exit {run.returncode})")
    report(found[1], int(found[2]), found[3])
