"""The public verification page a port clearance's QR code opens speaks the reader's language: ports, the
flag state and the issuing authority are named in Chinese or in English, never both at once, and the flag
state is named as the certificate names it (with its code), not as a bare code."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client

from vessels import certificate, services
from vessels.models import PortClearance

from .. import factories
from .test_filing import release_everywhere

pytestmark = pytest.mark.django_db


@pytest.fixture
def path() -> str:
    agent = factories.ship_agent()
    declaration = factories.vessel_draft(agent)  # flag DNK, from CNSHA (Shanghai) to SGSIN (Singapore)
    services.vessel_submit(declaration=declaration, user=agent)
    release_everywhere(declaration)
    clearance = PortClearance.objects.get(declaration=declaration)
    return urlsplit(certificate.verify_url_for(services.clearance_facts(clearance))).path


def facts_shown(path: str, language: str) -> dict[str, str]:
    html = Client(headers={"accept-language": language}).get(path).content.decode()
    pairs = re.findall(r"<div><dt>(.*?)</dt><dd>(.*?)</dd></div>", html, flags=re.S)
    return {re.sub(r"\s+", " ", dt).strip(): re.sub(r"\s+", " ", dd).strip() for dt, dd in pairs}


def test_in_english_the_page_names_everything_in_english(path: str) -> None:
    shown = facts_shown(path, "en")
    assert shown["Flag state"] == "Denmark (DNK)"
    assert shown["Port of departure"] == "Shanghai (CNSHA)"
    assert shown["Next port of call"] == "Singapore (SGSIN)"
    assert shown["Issued by"] == "Maritime safety"
    assert not any(re.search(r"[\u4e00-\u9fff]", value) for value in shown.values()), shown


def test_in_chinese_the_page_names_everything_in_chinese(path: str) -> None:
    shown = facts_shown(path, "zh-hans")
    assert shown["船籍国"] == "丹麦 (DNK)"
    assert shown["出发港"].startswith("上海") and "Shanghai" not in shown["出发港"]
    assert shown["下一挂靠港"].startswith("新加坡") and "Singapore" not in shown["下一挂靠港"]
    assert shown["签发机关"] == "海事"
