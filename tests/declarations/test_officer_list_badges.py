"""A status badge and an agency's chip in the declaration list stay on one line on a desktop screen, where
ten columns share the width (a badge broken over two lines reads as two states)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from singlewindow.choices import Agency

from .. import factories
from ..clients import web
from .test_officer_list_queue import receipt, submitted

pytestmark = [pytest.mark.django_db, pytest.mark.browser]

CHROMIUM = "/usr/bin/chromium"
CSS = Path(settings.BASE_DIR) / "static" / "css" / "portal.css"


def lines_of_each_badge(html: str, width: int) -> dict[str, int]:
    """The page's list, with the portal's style sheet, in Chromium at this width: each badge's and chip's
    text with the number of lines it takes."""
    from playwright.sync_api import sync_playwright

    page_html = re.sub(r'<link[^>]+rel="stylesheet"[^>]*>', "", html).replace(
        "</head>", f"<style>{CSS.read_text(encoding='utf-8')}</style></head>"
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.set_content(page_html)
        found: dict[str, int] = page.eval_on_selector_all(
            "#declarations .badge, #declarations .chip",
            """els => Object.fromEntries(els.map(el => {
                const style = getComputedStyle(el);
                const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
                const inner = el.getBoundingClientRect().height - parseFloat(style.paddingTop)
                    - parseFloat(style.paddingBottom) - parseFloat(style.borderTopWidth) - parseFloat(style.borderBottomWidth);
                return [el.textContent.trim(), Math.round(inner / line)];
            }))""",
        )
        browser.close()
    return found


def test_badges_and_agency_chips_keep_to_one_line_at_1280_px() -> None:
    clerk = factories.clerk()
    for _ in range(3):
        declaration = submitted(clerk)
        receipt(declaration, Agency.CUSTOMS, 1, "accepted")
        receipt(declaration, Agency.INSPECTION, 1, "inspection_ordered")
    released = submitted(clerk)
    receipt(released, Agency.CUSTOMS, 1, "released")
    receipt(released, Agency.INSPECTION, 1, "released")
    html = web(clerk).get("/declarations/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    found = lines_of_each_badge(html, 1280)

    assert "已放行" in found
    assert any("布控查验" in text for text in found)
    assert {text: n for text, n in found.items() if n != 1} == {}
