"""Every page reads as Chinese: rendered in Chinese for each kind of user who may see it, a page shows
labels, never the portal's internal keys (`contract_no`, `declaration.sent_for_review`, `draft → submitted`,
`passed`), and no English the catalogue holds a translation for.

The pages are the URL patterns themselves (every one reachable by GET outside the API and the admin), so a
new page is covered the day it is added; a pattern that needs an object names it in OBJECTS below, and one
that nobody told this test about fails it. The data is one realistic world built once for the module: an
enterprise's declarations submitted, released and rejected with receipts from both agencies, a draft
exchanged with its broker, a vessel with its crew and its port clearance, a licence, an approval case,
credit records and the notifications all this sent.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import polib
import pytest
from django.db import transaction
from django.http import HttpResponse
from django.test import Client, TestCase, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation
from lxml import html

from credit.models import Scheme
from credit.schemes import load_shipped
from declarations import codelists, services
from declarations.choices import EventKind
from declarations.events import AgencyEvent, events_record
from declarations.fields import COUNTRY, CURRENCY
from declarations.models import Declaration, Delivery, HSCode
from declarations.reference_data import load_reference_data
from ecommerce.models import AccountBook, BookStock, Guarantee
from licensing.models import Licence
from singlewindow.choices import Agency, OrganisationKind, Role
from singlewindow.models import Organisation, User
from vessels import services as vessel_services

from . import factories
from .clients import api, web

ROOT = Path(__file__).resolve().parent.parent

CLERK, BROKER, CUSTOMS, INSPECTION, SHIP_AGENT, MARITIME, COMMERCE, WINDOW, ADMIN, ANONYMOUS = (
    "enterprise clerk", "customs broker", "customs officer", "inspection officer", "ship agent",
    "maritime officer", "commerce officer", "approval window officer", "platform administrator", "anonymous",
)  # fmt: skip
ROLES = (CLERK, BROKER, CUSTOMS, INSPECTION, SHIP_AGENT, MARITIME, COMMERCE, WINDOW, ADMIN, ANONYMOUS)

# Data this test types, in English where the real thing is English (a vessel's name, a seafarer's):
# what a page shows of it is data, not an untranslated string.
REJECTION = "毛重与舱单不符"
COMMENT = "请核对毛重"


@dataclass
class World:
    users: dict[str, User | None]
    objects: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # pattern name → the kwargs to try
    data: tuple[str, ...] = ()  # English this world stored (names, ports, descriptions): shown as data


def receipt(declaration: Declaration, agency: str, kind: str, sequence: int, **data: Any) -> AgencyEvent:
    delivery = Delivery.objects.get(version__declaration=declaration, version__number=declaration.version_count,
                                    agency=agency)  # fmt: skip
    return AgencyEvent(
        receipt_id=f"{delivery.message_id}-{sequence}", message_id=delivery.message_id, agency=agency,
        sequence=sequence, at=timezone.now(), kind=kind, data=data,
    )  # fmt: skip


def submitted(clerk: User, *events: tuple[str, str, dict[str, Any]]) -> Declaration:
    """A declaration submitted by the clerk, delivered, and these receipts (agency, kind, data) recorded."""
    declaration = factories.valid_draft(clerk)
    services.declaration_submit(declaration=declaration, user=clerk)
    factories.delivered(declaration)
    with TestCase.captureOnCommitCallbacks(execute=True):
        events_record(
            events=[receipt(declaration, agency, kind, n, **data) for n, (agency, kind, data) in enumerate(events, 1)]
        )
    declaration.refresh_from_db()
    return declaration


def platform_admin() -> User:
    org = factories.OrganisationFactory(kind=OrganisationKind.PLATFORM, customs_code="", inspection_code="")
    return factories.UserFactory(organisation=org, role=Role.ADMIN, is_staff=True, is_superuser=True)


def build() -> World:
    from approvals.deadlines import deadlines_sweep
    from licensing import applications

    from .approvals.helpers import accepted, ensure_seeded, join, window_officer
    from .licensing.test_applications import application, decide
    from .vessels.test_filing import release_everywhere

    if not HSCode.objects.exists():
        load_reference_data()
    if not Scheme.objects.exists():
        load_shipped(Scheme)
    codelists.invalidate()
    ensure_seeded()

    org_a = factories.enterprise()
    clerk = factories.clerk(org_a)
    broker = factories.broker(org_a)
    customs, inspection = factories.officer(Agency.CUSTOMS), factories.officer(Agency.INSPECTION)
    maritime, commerce = factories.officer(Agency.MARITIME), factories.officer(Agency.COMMERCE)
    for agency in (Agency.BORDER, Agency.PORT):
        factories.officer(agency)
    agent = factories.ship_agent()
    window = window_officer()
    join("planning")

    # Goods declarations: under way (accepted, duties, one joint inspection), released, rejected.
    under_way = submitted(clerk, (Agency.CUSTOMS, EventKind.ACCEPTED, {}),
                          (Agency.CUSTOMS, EventKind.DUTIES_ASSESSED, {"amount": "1520.00", "currency": "CNY"}),
                          (Agency.INSPECTION, EventKind.INSPECTION_ORDERED, {"goods": "1,2"}),
                          (Agency.CUSTOMS, EventKind.INSPECTION_ORDERED, {"goods": "1,2"}))  # fmt: skip
    released = submitted(clerk, (Agency.CUSTOMS, EventKind.ACCEPTED, {}),
                         (Agency.INSPECTION, EventKind.INSPECTION_RESULT, {"goods": "1", "result": "passed"}),
                         (Agency.CUSTOMS, EventKind.PAYMENT, {"payment": "paid"}),
                         (Agency.CUSTOMS, EventKind.RELEASED, {}), (Agency.INSPECTION, EventKind.RELEASED, {}))  # fmt: skip
    rejected = submitted(clerk, (Agency.CUSTOMS, EventKind.REJECTED, {"reason": REJECTION, "field": "gross_weight"}),
                         (Agency.INSPECTION, EventKind.INSPECTION_RESULT, {"goods": "2", "result": "failed"}))  # fmt: skip

    # The broker's draft, exchanged twice with the client: the changes in between, a comment, the history.
    draft = factories.valid_draft(clerk)
    draft.prepared_by = broker.organisation
    draft.save()
    broker_api, clerk_api = api(broker), api(clerk)
    url = f"/api/v1/declarations/{draft.pk}"
    assert broker_api.post(f"{url}/review/send/", {}, format="json").status_code == 201
    changed = {"contract_no": "HT-2026-0815", "gross_weight": "2460.5"}
    assert clerk_api.patch(f"{url}/", changed, format="json").status_code == 200
    assert clerk_api.post(f"{url}/review/send/", {}, format="json").status_code == 201
    assert broker_api.post(f"{url}/review/send/", {"note": "已按意见修改"}, format="json").status_code == 201
    assert clerk_api.post(f"{url}/review/comments/", {"field": "gross_weight", "text": COMMENT},
                          format="json").status_code == 201  # fmt: skip

    # A vessel's departure with its crew, released by every agency: its port clearance; a draft beside it.
    vessel = factories.vessel_draft(agent, crew=4, consignee=org_a)
    vessel_services.vessel_submit(declaration=vessel, user=agent)
    release_everywhere(vessel)
    vessel_draft = factories.vessel_draft(agent, crew=2, vessel_name="MSC GULSUN", imo_number="9839430")

    # A licence issued on an application commerce released; another application still a draft.
    licensed = application(clerk)
    applications.application_submit(declaration=licensed, user=clerk)
    decide(licensed)
    licence = Licence.objects.get(application=licensed)
    licence_draft = application(clerk)

    # An approval case accepted at the window, in the departments' review.
    case = accepted(clerk, window, at=timezone.now() - timedelta(days=1))
    deadlines_sweep()

    # Credit: a customs fine for the firm, public.
    posted = api(customs).post("/api/v1/credit/records/", {
        "uscc": org_a.uscc, "kind": "penalty", "penalty_type": "fine", "amount": "20000.00",
        "decided_at": (timezone.localdate() - timedelta(days=30)).isoformat(), "record_id": "CUS-I18N-1",
        "legal_basis": "《海关行政处罚实施条例》第十五条", "summary": "申报不实，少缴税款",
    }, format="json")  # fmt: skip
    assert posted.status_code == 201, posted.content

    # Cross-border e-commerce: the firm's tax guarantee and bonded account book (customs sees them too).
    guarantee = Guarantee.objects.create(
        assure_code=org_a.customs_code, organisation=org_a, amount=Decimal(50000), balance=Decimal(48000)
    )
    book = AccountBook.objects.create(ems_no="T2200W000001", organisation=org_a, customs_code="2200")
    BookStock.objects.create(book=book, item_no="GS-001", name="婴儿奶粉", quantity=Decimal(100))

    goods = [under_way, released, rejected, draft]
    return World(
        users={CLERK: clerk, BROKER: broker, CUSTOMS: customs, INSPECTION: inspection, SHIP_AGENT: agent,
               MARITIME: maritime, COMMERCE: commerce, WINDOW: window, ADMIN: platform_admin(), ANONYMOUS: None},
        objects=objects(goods=goods, vessels=[vessel, vessel_draft], applications=[licensed, licence_draft],
                        licence=licence, case=case, guarantee=guarantee, book=book),
        data=stored_english(),
    )  # fmt: skip


def objects(*, goods: list[Declaration], vessels: list[Declaration], applications: list[Declaration],
            licence: Licence, case: Any, guarantee: Guarantee, book: AccountBook) -> dict[str, list[dict[str, Any]]]:  # fmt: skip
    """Which object each pattern with parameters is asked with (a pattern left out here fails the test)."""
    from declarations.models import ImportJob

    each = lambda declarations: [{"pk": d.pk} for d in declarations]  # noqa: E731
    return {
        "declarations:detail": each(goods),
        "declarations:edit": each(goods[-1:]),
        "declarations:timeline": each(goods[:3] + vessels[:1] + applications[:1]),
        "declarations:import": [{"pk": job.pk} for job in ImportJob.objects.all()[:1]],
        "vessels:detail": each(vessels),
        "vessels:edit": each(vessels[1:]),
        "vessels:people_template": [{"key": "crew"}],
        "licence_application_detail": each(applications),
        "licence_application_edit": each(applications[1:]),
        "licence_detail": [{"number": licence.number}],
        "approvals:detail": [{"pk": case.pk}],
        "approvals:review": [{"pk": review.pk} for review in case.reviews.all()[:1]],
        "ecommerce:guarantee": [{"pk": guarantee.pk}],
        "ecommerce:book": [{"pk": book.pk}],
        # A filing of inventories to customs: its page is read by tests/ecommerce/test_release.py.
        "ecommerce:filing": [],
        # Not pages: POST-only actions, files and fragments asked with their own parameters.
        **{name: [] for name in NOT_PAGES},
    }


# Addresses that are no page to read: actions (POST), files, PDFs, verification links with a token (the
# certificates' own tests read them), and fragments that need their form's input.
NOT_PAGES = (
    "declarations:review_send", "declarations:review_comment", "declarations:review_approve",
    "declarations:copy", "declarations:discard", "declarations:row", "declarations:document_upload",
    "declarations:document", "declarations:document_remove", "vessels:people_upload", "vessels:clearance_pdf",
    "vessels:clearance_revoke", "clearance_verify", "licence_pdf", "licence_verify", "qualification_decide",
    "approvals:accept", "approvals:return", "approvals:resubmit", "approvals:decide", "approvals:decision_pdf",
    "approvals:correction", "approvals:refuse", "api_token_revoke",
    "approvals:verify", "credit:spot_check", "credit:spot_check_firm", "credit:report_verify",
    "delegation_decide", "elicence_administrator_remove", "elicence_grant_revoke", "elicence_scan",
    "agent_relation_decide", "dashboard_export", "declarations:template_save", "declarations:template_use",
    "declarations:template_delete", "ecommerce:book_entry",
)  # fmt: skip


def stored_english() -> tuple[str, ...]:
    """Every text this world stored with a Latin letter in it (names, ports, HS descriptions, codes)."""
    from django.apps import apps
    from django.db import models

    found: set[str] = set()
    for model in apps.get_models():
        if model._meta.app_label in ("contenttypes", "sessions", "admin", "auth") or model.__name__ == "HSCode":
            continue
        names = [f.name for f in model._meta.concrete_fields
                 if isinstance(f, models.CharField | models.TextField) and not f.choices]  # fmt: skip
        for row in model.objects.values_list(*names) if names else []:
            found.update(value for value in row if isinstance(value, str) and re.search("[A-Za-z]", value))
    # Reference names without a Chinese name in the ISO lists' translations (a currency created lately).
    with translation.override("en"):
        found.update(name for reference in (COUNTRY, CURRENCY) for _code, name in codelists.choices(reference))
    return tuple(sorted(found, key=len, reverse=True))


def patterns(resolvers: list[Any] | None = None, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    """(name, route) of every URL pattern outside the API, the admin and the API's documentation."""
    for entry in get_resolver().url_patterns if resolvers is None else resolvers:
        route = prefix + str(entry.pattern)
        if route.startswith(("api/", "admin/")):
            continue
        if isinstance(entry, URLResolver):
            inner = ":".join(n for n in (namespace, entry.namespace or "") if n)
            yield from patterns(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), route


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """Built once in a transaction rolled back at the end (each test's own runs inside it)."""
    media = tmp_path_factory.mktemp("media")
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=hashers),
        transaction.atomic(),
    ):
        yield build()
        transaction.set_rollback(True)


@cache
def catalogue() -> tuple[frozenset[str], frozenset[tuple[str, ...]]]:
    """The English catalogue's messages: whole (what an element's text must never be) and, of two words or
    more, as word sequences (what a page's text must never contain)."""
    whole, phrases = set(), set()
    chinese = {e.msgid: e.msgstr for e in polib.pofile(str(ROOT / "locale/zh_Hans/LC_MESSAGES/django.po"))}
    for entry in polib.pofile(str(ROOT / "locale/en/LC_MESSAGES/django.po")):
        text = entry.msgid
        if re.search(r"%\(|%s|%d|\{\{|\{\w", text) or not re.search("[A-Za-z]{2}", text):
            continue
        if chinese.get(text) == text:  # the same in Chinese ("API", "XML", "SHA-256")
            continue
        whole.add(text.strip())
        words = tuple(re.findall(r"[A-Za-z][A-Za-z'’-]*", text))
        if len(words) >= 2 and " " in text:
            phrases.add(words)
    return frozenset(whole), frozenset(phrases)


SHOWN_ATTRIBUTES = ("placeholder", "title", "aria-label", "data-confirm", "alt")
SNAKE = re.compile(r"(?<![\w./-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/-])")
DOTTED = re.compile(r"(?<![\w./@-])[a-z][a-z_]*\.[a-z][a-z_]+(?![\w/-])")
RAW_STATUS = re.compile(
    r"(?<![\w./-])(draft|submitted|released|rejected|passed|failed|pending|revoked|accepted)(?![\w/-])"
)
ARROW = re.compile(r"[A-Za-z_]+\s*→\s*[A-Za-z_]+")
ENGLISH = re.compile(r"[A-Za-z][a-z'’-]+(?:[ ,]+[A-Za-z][a-z'’-]*){2,}")  # three words or more: a sentence
NOT_TEXT = re.compile(r"https?://\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b[\w-]+\.(?:xml|xlsx|csv|pdf|xsd|json)\b")


def visible(response: HttpResponse) -> tuple[str, list[str]]:
    """The text a reader sees (with the attributes read out or shown on hover) and each element's own text."""
    document = html.fromstring(response.content.decode())
    for hidden in document.xpath("//script|//style|//template|//noscript"):
        hidden.drop_tree()
    pieces = [*(value for name in SHOWN_ATTRIBUTES for value in document.xpath(f"//@{name}"))]
    own = [t.strip() for t in document.xpath("//text()") if t.strip()]
    return "\n".join([*own, *pieces]), own + [p.strip() for p in pieces]


@cache
def as_data(data: tuple[str, ...]) -> re.Pattern[str]:
    """Any of the world's stored values, as a whole word or words."""
    return re.compile(r"(?<![\w.])(?:" + "|".join(map(re.escape, data)) + r")(?![\w])")


def problems_of(text: str, own: list[str], data: tuple[str, ...]) -> list[str]:
    text = as_data(data).sub(" ", text)
    own = [piece for piece in own if piece not in data]
    text = NOT_TEXT.sub(" ", text)
    found = [f"internal key {m}" for pattern in (SNAKE, DOTTED, ARROW) for m in pattern.findall(text)]
    found += [f"raw status {m}" for m in RAW_STATUS.findall(text)]
    whole, phrases = catalogue()
    found += [f"untranslated {piece!r}" for piece in own if piece in whole]
    found += [f"English {m!r}" for m in ENGLISH.findall(text)]
    words = re.findall(r"[A-Za-z][A-Za-z'’-]*|[^\sA-Za-z]+", text)
    for start in range(len(words)):
        for end in range(start + 2, min(start + 16, len(words)) + 1):
            if tuple(words[start:end]) in phrases:
                found.append(f"untranslated {' '.join(words[start:end])!r}")
    return sorted(set(found))


def client_for(user: User | None) -> Client:
    client = web(user) if user is not None else Client()
    client.raise_request_exception = False
    client.cookies["django_language"] = "zh-hans"
    return client


@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_user_may_see_reads_as_chinese(world: World, role: str, db: None) -> None:
    user = world.users[role]
    client = client_for(user)
    if role == BROKER:
        client_org = Organisation.objects.filter(delegations_given__broker=user.organisation).get()  # type: ignore[union-attr]
        client.post(reverse("choose_client"), {"client": client_org.pk})
    found: dict[str, list[str]] = {}
    read = 0
    for name, route in patterns():
        needs = "<" in route
        if needs and name not in world.objects:
            found[name] = ["a page this test does not know: say in OBJECTS which object it is asked with"]
            continue
        for kwargs in world.objects.get(name, []) if needs else [{}]:
            url = reverse(name, kwargs=kwargs)
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
            if response.status_code >= 500:
                found[url] = [f"{response.status_code} error"]
            if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
                continue
            read += 1
            if problems := problems_of(*visible(response), world.data):
                found[url] = problems
    assert not found, "\n".join(f"{url}: {'; '.join(problems)}" for url, problems in found.items())
    assert read >= 5, f"{role} read only {read} pages: the world or the logins are broken"


def test_the_checks_find_keys_raw_statuses_and_english_where_a_page_shows_them() -> None:
    page = HttpResponse(
        "<html><body><table><tr><td>状态</td><td>draft → submitted</td></tr><tr><td>contract_no</td></tr>"
        "<tr><td>declaration.sent_for_review</td><td>查验结果 passed</td></tr></table>"
        '<p>Status timeline</p><input placeholder="Your comment"><p>Please check the gross weight again</p>'
        "<p>ACME Industrial GmbH · user7@example.cn · invoice.pdf</p><script>var a_b = 'x.y';</script></body></html>"
    )
    assert problems_of(*visible(page), ("ACME Industrial GmbH",)) == [
        "English 'Please check the gross weight again'",
        "internal key contract_no",
        "internal key declaration.sent_for_review",
        "internal key draft → submitted",
        "raw status draft",
        "raw status passed",
        "raw status submitted",
        "untranslated 'Status timeline'",
        "untranslated 'Your comment'",
    ]
