"""Safe by default in production: with DEBUG off and no other setting, cookies are Secure and browsers are
told to use HTTPS for a year; every page carries a Content-Security-Policy that runs no inline script."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from .. import factories
from ..clients import web

ROOT = Path(__file__).resolve().parents[2]
SECURITY_ENV = ("DEBUG", "SECURE_COOKIES", "SECURE_HSTS_SECONDS")


def portal_settings(**env: str) -> dict:
    """The portal's own settings (not the tests'), read in a fresh process with this environment."""
    clean = {k: v for k, v in os.environ.items() if k not in SECURITY_ENV}
    code = (
        "import json, singlewindow.settings as s; print(json.dumps({name: getattr(s, name) for name in "
        "('SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS')}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_without_debug_cookies_are_secure_and_hsts_lasts_a_year() -> None:
    assert portal_settings() == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 365 * 24 * 3600,
    }


def test_make_run_with_debug_on_plain_http_keeps_working() -> None:
    assert portal_settings(DEBUG="1") == {
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_HSTS_SECONDS": 0,
    }


def test_the_environment_can_still_say_otherwise() -> None:
    assert portal_settings(SECURE_COOKIES="0", SECURE_HSTS_SECONDS="60")["SECURE_HSTS_SECONDS"] == 60
    assert portal_settings(SECURE_COOKIES="0")["SESSION_COOKIE_SECURE"] is False


def test_https_answers_carry_hsts(db: None) -> None:
    response = Client().get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def csp(response) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("path", ["/accounts/login/", "/declarations/", "/credit/"])
def test_pages_carry_a_policy_without_inline_scripts(db: None, path: str) -> None:
    response = web(factories.clerk()).get(path)
    policy = csp(response)
    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]


def test_no_template_has_an_inline_event_handler_or_an_unnonced_script() -> None:
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"\son[a-z]+\s*=", text), f"{template}: inline handler (the policy blocks it)"
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag or "csp_nonce" in tag, f"{template}: inline script without the nonce"


def test_the_api_docs_page_loads_its_script_from_a_url(db: None) -> None:
    page = web(factories.clerk()).get("/api/docs/")
    assert page.status_code == 200
    assert re.search(r"<script>\s*\S", page.content.decode()) is None  # no inline script
