"""axe-core (Deque's accessibility engine, vendored in vendor/axe.min.js, see vendor/README.md) run on a page.

The script is evaluated through Playwright's page.evaluate, which the page's Content-Security-Policy does
not govern: no script element is added, so the `page` fixture's check of refused content stays meaningful.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]  # WCAG 2.1 level AA
FAILING = ("serious", "critical")


@cache
def _source() -> str:
    return AXE.read_text(encoding="utf-8")


def violations(page: Page) -> list[dict[str, Any]]:
    """axe's violations of WCAG 2.1 A and AA on the page as it is now, each as axe reports it (id, impact,
    help, nodes with their target selectors)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_source())
    result: list[dict[str, Any]] = page.evaluate(
        """async (tags) => {
            const results = await window.axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
            return results.violations;
        }""",
        TAGS,
    )
    return result


def serious(page: Page) -> list[str]:
    """The serious and critical violations, one line each: the page, the rule, what it asks, and the
    elements (their CSS targets) that break it — enough for an assertion message to say what to fix."""
    found = []
    for violation in violations(page):
        if violation["impact"] not in FAILING:
            continue
        targets = ", ".join(" ".join(map(str, node["target"])) for node in violation["nodes"][:8])
        more = len(violation["nodes"]) - 8
        found.append(
            f"{page.url} [{violation['impact']}] {violation['id']}: {violation['help']} — {targets}"
            + (f" (+{more} more)" if more > 0 else "")
        )
    return found
