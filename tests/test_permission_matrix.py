"""Who gets what: five parties against a draft, a submitted declaration, an import job, a comment, a
saved template and the statistics dashboard, on every page and API address that shows or changes them;
and eight parties against a ship agency's vessel declarations (at the end).

The rules: an enterprise sees its own. A customs broker sees its clients' declarations of the kinds
delegated while a delegation is in force, and import jobs and saved templates only of its own
organisation. An agency officer sees what was delivered to its agency: submitted declarations, never
drafts, never the review with its comments, never the diff, never import jobs or templates. The dashboard
counts what the party sees: a firm's, its own declarations (a broker's, its clients'); an agency's, what was
delivered to it. Everyone else gets 404: never 403, and never a line of the other firm's data.

Each table below is the spec for one object: a row per surface, a column per party.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.test import Client, TestCase
from django.utils import timezone
from django.utils.translation import gettext
from lxml import etree, html
from pypdf import PdfReader
from rest_framework.test import APIClient

from credit import appeals, commitments, spotchecks
from credit.models import Appeal, Commitment, ConductItem, CreditRecord, RecordAccess, SpotCheckFirm
from credit.report import report_issue as credit_report_issue
from credit.report import verify_url as credit_report_url
from declarations import shipment_templates
from declarations.choices import DeclarationStatus, EventKind
from declarations.events import AgencyEvent, events_record
from declarations.examples import example_header, example_line
from declarations.interchange import xml_format
from declarations.models import Comment, Declaration, Delivery, ImportJob, ShipmentTemplate
from singlewindow import elicence
from singlewindow.agent_relations import agent_relation_propose
from singlewindow.choices import Agency, OrganisationKind, Role
from singlewindow.delegations import delegation_revoke
from singlewindow.models import AgentGrant, AgentRelation, Delegation, Organisation, PresentationToken, User
from vessels import certificate as vessel_certificate
from vessels import services as vessel_services
from vessels.choices import CertificateState
from vessels.examples import example_call, example_crew_xlsx, example_parts
from vessels.models import PortClearance, VesselCall
from vessels.people import passenger_template_xlsx

from . import factories
from .clients import api, web
from .vessels.test_filing import release_everywhere

pytestmark = pytest.mark.django_db

# What a party gets.
OK, CREATED, NOT_FOUND = 200, 201, 404
TO_DETAIL = "302 to the detail page"  # a submitted declaration is not edited: its editor is sent to read it
NOT_SUBMITTED = "409 not submitted yet"  # the draft's timeline: the party may look, there is none yet
LISTED, UNLISTED = "listed", "not listed"
SHOWN = "shown"
ADDED = "added"
LEAKED = "404 showing what it hides"
TO_LOGIN = "302 to log in"  # an anonymous visitor is sent to the login page, and back here afterwards
TEMPLATE_SAVED = "saved as its own organisation's template"
ANSWERED = "answered for itself in a batch submission"  # submitted, or refused for its own reasons: not a 404
STARTED = "302 to a new draft of A's"
DELETED = "deleted"
A_COUNTED = "A's declarations counted"
NONE_COUNTED = "200, none of A's counted"
DELIVERED_COUNTED = "A's delivery to its agency counted"

# The parties, in the tables' column order.
A = "A"  # enterprise A's clerk
B = "B"  # enterprise B's clerk
BROKER = "broker"  # a customs broker holding A's delegation (may submit)
LONE_BROKER = "lone_broker"  # a customs broker without any delegation
OFFICER = "officer"  # a customs officer
PARTIES = (A, B, BROKER, LONE_BROKER, OFFICER)

#                     A              B          broker         lone broker officer
DRAFT = {
    "detail page":   (OK,            NOT_FOUND, OK,            NOT_FOUND, NOT_FOUND),
    "edit page":     (OK,            NOT_FOUND, OK,            NOT_FOUND, NOT_FOUND),
    "list page":     (LISTED,        UNLISTED,  LISTED,        UNLISTED,  UNLISTED),
    "export page":   (LISTED,        UNLISTED,  LISTED,        UNLISTED,  UNLISTED),
    "API detail":    (OK,            NOT_FOUND, OK,            NOT_FOUND, NOT_FOUND),
    "API review":    (OK,            NOT_FOUND, OK,            NOT_FOUND, NOT_FOUND),
    "API timeline":  (NOT_SUBMITTED, NOT_FOUND, NOT_SUBMITTED, NOT_FOUND, NOT_FOUND),
    "API diff":      (OK,            NOT_FOUND, OK,            NOT_FOUND, NOT_FOUND),
    "API list":      (LISTED,        UNLISTED,  LISTED,        UNLISTED,  UNLISTED),
    "API export":    (LISTED,        UNLISTED,  LISTED,        UNLISTED,  UNLISTED),
    "template save": (TEMPLATE_SAVED, NOT_FOUND, TEMPLATE_SAVED, NOT_FOUND, NOT_FOUND),
    "API submit many": (ANSWERED,    NOT_FOUND, ANSWERED,      NOT_FOUND, NOT_FOUND),
}  # fmt: skip

#                     A              B          broker         lone broker officer
SUBMITTED = {
    "detail page":   (OK,            NOT_FOUND, OK,            NOT_FOUND, OK),
    "edit page":     (TO_DETAIL,     NOT_FOUND, TO_DETAIL,     NOT_FOUND, NOT_FOUND),
    "list page":     (LISTED,        UNLISTED,  LISTED,        UNLISTED,  LISTED),
    "export page":   (LISTED,        UNLISTED,  LISTED,        UNLISTED,  LISTED),
    "API detail":    (OK,            NOT_FOUND, OK,            NOT_FOUND, OK),
    "API review":    (OK,            NOT_FOUND, OK,            NOT_FOUND, NOT_FOUND),
    "API timeline":  (OK,            NOT_FOUND, OK,            NOT_FOUND, OK),
    "API diff":      (OK,            NOT_FOUND, OK,            NOT_FOUND, NOT_FOUND),
    "API list":      (LISTED,        UNLISTED,  LISTED,        UNLISTED,  LISTED),
    "API export":    (LISTED,        UNLISTED,  LISTED,        UNLISTED,  LISTED),
    "template save": (TEMPLATE_SAVED, NOT_FOUND, TEMPLATE_SAVED, NOT_FOUND, NOT_FOUND),
    "API submit many": (ANSWERED,    NOT_FOUND, ANSWERED,      NOT_FOUND, NOT_FOUND),
}  # fmt: skip

#                     A              B          broker         lone broker officer
IMPORT_JOB = {
    "import page":   (OK,            NOT_FOUND, NOT_FOUND,     NOT_FOUND, NOT_FOUND),
    "imports page":  (LISTED,        UNLISTED,  UNLISTED,      UNLISTED,  NOT_FOUND),  # not offered to officers
    "API import":    (OK,            NOT_FOUND, NOT_FOUND,     NOT_FOUND, NOT_FOUND),
    "API imports":   (LISTED,        UNLISTED,  UNLISTED,      UNLISTED,  UNLISTED),
}  # fmt: skip

# A's comment on the draft's gross weight, and adding one more.
#                     A              B          broker         lone broker officer
COMMENT = {
    "detail page":   (SHOWN,         NOT_FOUND, SHOWN,         NOT_FOUND, NOT_FOUND),
    "API review":    (SHOWN,         NOT_FOUND, SHOWN,         NOT_FOUND, NOT_FOUND),
    "API comment":   (CREATED,       NOT_FOUND, CREATED,       NOT_FOUND, NOT_FOUND),
    "page comment":  (ADDED,         NOT_FOUND, ADDED,         NOT_FOUND, NOT_FOUND),
}  # fmt: skip

# Saved templates (常用模板) are their organisation's own: A's, saved by A's clerk from its submitted
# declaration, and the broker's, saved from the draft it prepares for A. Using one starts a new draft of
# A's; deleting it is the last row.
#                         A              B          broker         lone broker officer
TEMPLATE = {
    "templates page":    (LISTED,        UNLISTED,  UNLISTED,      UNLISTED,  NOT_FOUND),  # not offered to officers
    "new draft page":    (LISTED,        UNLISTED,  UNLISTED,      UNLISTED,  NOT_FOUND),
    "template use":      (STARTED,       NOT_FOUND, NOT_FOUND,     NOT_FOUND, NOT_FOUND),
    "template delete":   (DELETED,       NOT_FOUND, NOT_FOUND,     NOT_FOUND, NOT_FOUND),
}  # fmt: skip

#                         A              B          broker         lone broker officer
BROKER_TEMPLATE = {
    "templates page":    (UNLISTED,      UNLISTED,  LISTED,        UNLISTED,  NOT_FOUND),
    "new draft page":    (UNLISTED,      UNLISTED,  LISTED,        UNLISTED,  NOT_FOUND),
    "template use":      (NOT_FOUND,     NOT_FOUND, STARTED,       NOT_FOUND, NOT_FOUND),
    "template delete":   (NOT_FOUND,     NOT_FOUND, DELETED,       NOT_FOUND, NOT_FOUND),
}  # fmt: skip

# The statistics dashboard (统计看板) and its exports: a firm's counts its goods declarations of the month by
# status (a broker's, its clients'), an agency's the declarations delivered to it per day.
#                         A              B             broker         lone broker   officer
DASHBOARD = {
    "dashboard page":    (A_COUNTED,     NONE_COUNTED, A_COUNTED,     NONE_COUNTED, DELIVERED_COUNTED),
    "CSV export":        (A_COUNTED,     NONE_COUNTED, A_COUNTED,     NONE_COUNTED, DELIVERED_COUNTED),
    "Excel export":      (A_COUNTED,     NONE_COUNTED, A_COUNTED,     NONE_COUNTED, DELIVERED_COUNTED),
}  # fmt: skip

TABLES = {"draft": DRAFT, "submitted declaration": SUBMITTED, "import job": IMPORT_JOB, "comment": COMMENT,
          "template": TEMPLATE, "broker's template": BROKER_TEMPLATE, "dashboard": DASHBOARD}  # fmt: skip

COMMENT_TEXT = "毛重应为2460.5"
ERP_FILE_NAME = "erp-a-0815.xml"
TEMPLATE_NAME = "远航 每月进口 咖啡豆"  # A's
BROKER_TEMPLATE_NAME = "通达 远航常用 机床"  # the broker's, for A


@dataclass
class Party:
    """One party's page client and API client, logged in once and kept (like a browser session)."""

    user: User | None  # None: an anonymous visitor
    page: Client
    rest: APIClient


@dataclass
class World:
    client_org: Organisation
    parties: dict[str, Party]
    draft: Declaration
    submitted: Declaration
    job: ImportJob
    comment: Comment
    template: ShipmentTemplate
    broker_template: ShipmentTemplate

    @property
    def marks(self) -> tuple[str, ...]:
        """What a refusal must never show: A's master data, its comment, its import, the templates' names."""
        return (self.client_org.uscc, COMMENT_TEXT, ERP_FILE_NAME, TEMPLATE_NAME, BROKER_TEMPLATE_NAME)

    def thing(self, name: str) -> Any:
        return {
            "draft": self.draft,
            "submitted declaration": self.submitted,
            "import job": self.job,
            "comment": self.comment,
            "template": self.template,
            "broker's template": self.broker_template,
            "dashboard": self.client_org,
        }[name]


def party(user: User) -> Party:
    return Party(user=user, page=web(user), rest=api(user))


@pytest.fixture
def world(db: None, settings) -> World:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # nobody types a password here
    org_a = factories.enterprise()
    clerk_a = factories.clerk(org_a)
    broker = factories.broker(org_a, may_submit=True)
    parties = {
        A: party(clerk_a),
        B: party(factories.clerk()),
        BROKER: party(broker),
        LONE_BROKER: party(factories.broker()),
        OFFICER: party(factories.officer(Agency.CUSTOMS)),
    }

    # A's draft, prepared by its broker, sent to A for review; A comments on the gross weight.
    draft = factories.valid_draft(clerk_a)
    draft.prepared_by = broker.organisation
    draft.save()
    url = f"/api/v1/declarations/{draft.pk}"
    assert parties[BROKER].rest.post(f"{url}/review/send/", {}, format="json").status_code == 201
    posted = parties[A].rest.post(
        f"{url}/review/comments/", {"field": "gross_weight", "text": COMMENT_TEXT}, format="json"
    )
    assert posted.status_code == 201, posted.content

    # A's declaration, submitted: its outbox rows to customs and inspection exist from that moment.
    submitted = factories.valid_draft(clerk_a)
    response = parties[A].rest.post(f"/api/v1/declarations/{submitted.pk}/submit/")
    assert response.status_code == 201, response.content
    assert Delivery.objects.filter(version__declaration=submitted, agency=Agency.CUSTOMS).exists()
    factories.delivered(submitted)  # the agencies' systems took it: from now on their officers see it

    # A's ERP import: one declaration, uploaded by A's clerk and run (eager Celery, on commit).
    data = xml_format.write(
        [({"reference": "ERP-0815", "direction": "import"}, example_header(), [example_line(0)], [])]
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        uploaded = parties[A].rest.post(
            "/api/v1/imports/", {"file": SimpleUploadedFile(ERP_FILE_NAME, data)}, format="multipart"
        )
    assert uploaded.status_code == 202, uploaded.content
    job = ImportJob.objects.get(pk=uploaded.json()["id"])
    assert job.status == "done" and job.created_count == 1, job.report

    # A's template of its submitted declaration; the broker's of the draft it prepares for A.
    template = shipment_templates.template_save(declaration=submitted, user=clerk_a, name=TEMPLATE_NAME)
    broker_template = shipment_templates.template_save(declaration=draft, user=broker, name=BROKER_TEMPLATE_NAME)

    return World(
        client_org=org_a,
        parties=parties,
        draft=draft,
        submitted=submitted,
        job=job,
        comment=Comment.objects.get(declaration=draft),
        template=template,
        broker_template=broker_template,
    )


# What each surface gives a party ----------------------------------------------------------------


def seen(world: World | VesselWorld | CreditWorld | RelationWorld | ApprovalWorld, response: HttpResponse) -> int | str:
    """The status; a refusal that still shows any of the world's marks is a leak; a redirect to the login
    page that brings the visitor back to the address asked for is TO_LOGIN."""
    if response.status_code >= 400:
        body = response.content.decode(errors="replace")
        if any(mark in body for mark in world.marks):
            return LEAKED if response.status_code == 404 else f"{response.status_code} showing what it hides"
    if response.status_code == 302 and to_login(response):
        return TO_LOGIN
    return response.status_code


def to_login(response: HttpResponse) -> bool:
    location = urlsplit(response["Location"])
    asked = response.request["PATH_INFO"] + (f"?{query}" if (query := response.request.get("QUERY_STRING")) else "")
    return location.path == resolve_url(settings.LOGIN_URL) and parse_qs(location.query).get("next") == [asked]


def listed(
    world: World | VesselWorld | CreditWorld | RelationWorld | ApprovalWorld,
    response: HttpResponse,
    found: Callable[[HttpResponse], bool],
) -> int | str:
    if response.status_code != 200:
        return seen(world, response)
    return LISTED if found(response) else UNLISTED


def on_list_page(pk: int) -> Callable[[HttpResponse], bool]:
    link = re.compile(rf'href="/declarations/{pk}/(edit/)?"')
    return lambda response: bool(link.search(response.content.decode()))


def in_api_list(pk: int) -> Callable[[HttpResponse], bool]:
    return lambda response: pk in [row["id"] for row in response.json()["results"]]


def in_export(declaration: Declaration) -> Callable[[HttpResponse], bool]:
    """The export names each declaration by its reference, else its pre-entry number, else SW<id>."""
    name = declaration.reference or declaration.pre_entry_no or f"SW{declaration.pk}"

    def found(response: HttpResponse) -> bool:
        root = etree.fromstring(response.content)
        return name in [element.get("reference") for element in root.iter(f"{{{xml_format.NAMESPACE}}}Declaration")]

    return found


def edit_page(world: World, who: Party, declaration: Declaration) -> int | str:
    response = who.page.get(f"/declarations/{declaration.pk}/edit/")
    if response.status_code == 302 and response["Location"] == f"/declarations/{declaration.pk}/":
        return TO_DETAIL
    return seen(world, response)


def timeline(world: World, who: Party, declaration: Declaration) -> int | str:
    response = who.rest.get(f"/api/v1/declarations/{declaration.pk}/timeline/")
    if response.status_code == 409 and response.json().get("errors", [{}])[0].get("code") == "not_submitted":
        return NOT_SUBMITTED
    return seen(world, response)


def diff(world: World, who: Party, declaration: Declaration) -> int | str:
    """Version 1 against the working copy; a draft never submitted has no version, so working copy
    against itself (the permission is the same question)."""
    since = "1" if declaration.version_count else "draft"
    return seen(world, who.rest.get(f"/api/v1/declarations/{declaration.pk}/diff/?from={since}"))


def template_save(world: World, who: Party, declaration: Declaration) -> int | str:
    """Save the declaration as a template: stored for the party's own organisation, for the declaration's owner."""
    name = f"{who.user.username} 的模板"  # type: ignore[union-attr]
    response = who.page.post(f"/declarations/{declaration.pk}/template/", {"name": name})
    stored = list(ShipmentTemplate.objects.filter(name=name).values_list("organisation_id", "owner_id"))
    mine = [(who.user.organisation_id, declaration.owner_id)]  # type: ignore[union-attr]
    if response.status_code == 302 and not to_login(response) and stored == mine:
        return TEMPLATE_SAVED
    outcome = seen(world, response)
    return f"{outcome} but stored {stored}" if stored else outcome


def submit_many(world: World, who: Party, declaration: Declaration) -> int | str:
    """The declaration in a batch submission: answered for itself (201, or 400/409 for its own state), or 404."""
    response = who.rest.post("/api/v1/declarations/submit/", {"ids": [declaration.pk]}, format="json")
    if response.status_code != 200:
        return seen(world, response)
    (row,) = response.json()["results"]
    return NOT_FOUND if row["status"] == 404 else ANSWERED


DeclarationSurface = Callable[[World, Party, Declaration], "int | str"]
DECLARATION_SURFACES: dict[str, DeclarationSurface] = {
    "detail page": lambda w, p, d: seen(w, p.page.get(f"/declarations/{d.pk}/")),
    "edit page": edit_page,
    "list page": lambda w, p, d: listed(w, p.page.get("/declarations/"), on_list_page(d.pk)),
    "export page": lambda w, p, d: listed(w, p.page.get("/declarations/export/?format=xml"), in_export(d)),
    "API detail": lambda w, p, d: seen(w, p.rest.get(f"/api/v1/declarations/{d.pk}/")),
    "API review": lambda w, p, d: seen(w, p.rest.get(f"/api/v1/declarations/{d.pk}/review/")),
    "API timeline": timeline,
    "API diff": diff,
    "API list": lambda w, p, d: listed(w, p.rest.get("/api/v1/declarations/"), in_api_list(d.pk)),
    "API export": lambda w, p, d: listed(w, p.rest.get("/api/v1/declarations/export/?format=xml"), in_export(d)),
    "template save": template_save,
    "API submit many": submit_many,
}

JobSurface = Callable[[World, Party, ImportJob], "int | str"]
IMPORT_SURFACES: dict[str, JobSurface] = {
    "import page": lambda w, p, j: seen(w, p.page.get(f"/declarations/imports/{j.pk}/")),
    "imports page": lambda w, p, j: listed(
        w, p.page.get("/declarations/imports/"), lambda r: f'href="/declarations/imports/{j.pk}/"' in r.content.decode()
    ),
    "API import": lambda w, p, j: seen(w, p.rest.get(f"/api/v1/imports/{j.pk}/")),
    "API imports": lambda w, p, j: listed(w, p.rest.get("/api/v1/imports/"), in_api_list(j.pk)),
}


def comment_on_page(world: World, who: Party, comment: Comment) -> int | str:
    response = who.page.get(f"/declarations/{comment.declaration_id}/")
    if response.status_code == 200:
        return SHOWN if comment.text in response.content.decode() else "200 without the comment"
    return seen(world, response)


def comment_in_review(world: World, who: Party, comment: Comment) -> int | str:
    response = who.rest.get(f"/api/v1/declarations/{comment.declaration_id}/review/")
    if response.status_code == 200:
        texts = [c["text"] for c in response.json()["comments"]]
        return SHOWN if comment.text in texts else "200 without the comment"
    return seen(world, response)


def comment_by_api(world: World, who: Party, comment: Comment) -> int | str:
    url = f"/api/v1/declarations/{comment.declaration_id}/review/comments/"
    return seen(world, who.rest.post(url, {"field": "net_weight", "text": "净重请再核对"}, format="json"))


def comment_by_page(world: World, who: Party, comment: Comment) -> int | str:
    text = f"{who.user.username} 请再核对净重"
    response = who.page.post(
        f"/declarations/{comment.declaration_id}/review/comment/", {"field": "net_weight", "text": text}
    )
    if response.status_code == 302:
        return ADDED if Comment.objects.filter(declaration_id=comment.declaration_id, text=text).exists() else 302
    return seen(world, response)


CommentSurface = Callable[[World, Party, Comment], "int | str"]
COMMENT_SURFACES: dict[str, CommentSurface] = {
    "detail page": comment_on_page,
    "API review": comment_in_review,
    "API comment": comment_by_api,
    "page comment": comment_by_page,
}


def template_offered(path: str) -> Callable[[World, Party, ShipmentTemplate], int | str]:
    """The page offers to start a new declaration from the template."""

    def offered(world: World, who: Party, template: ShipmentTemplate) -> int | str:
        use = f'action="/declarations/templates/{template.pk}/use/"'
        return listed(world, who.page.get(path), lambda response: use in response.content.decode())

    return offered


def template_use(world: World, who: Party, template: ShipmentTemplate) -> int | str:
    before = set(Declaration.objects.values_list("pk", flat=True))
    response = who.page.post(f"/declarations/templates/{template.pk}/use/")
    made = list(Declaration.objects.exclude(pk__in=before))
    if response.status_code == 302 and [d.owner_id for d in made] == [world.client_org.pk]:
        return STARTED if response["Location"] == f"/declarations/{made[0].pk}/edit/" else "302 elsewhere"
    outcome = seen(world, response)
    return f"{outcome} but made {len(made)} drafts" if made else outcome


def template_delete(world: World, who: Party, template: ShipmentTemplate) -> int | str:
    response = who.page.post(f"/declarations/templates/{template.pk}/delete/")
    deleted = not ShipmentTemplate.objects.filter(pk=template.pk).exists()
    if response.status_code == 302 and not to_login(response) and deleted:
        return DELETED
    outcome = seen(world, response)
    return f"{outcome} but deleted" if deleted else outcome


ShipmentTemplateSurface = Callable[[World, Party, ShipmentTemplate], "int | str"]
SHIPMENT_TEMPLATE_SURFACES: dict[str, ShipmentTemplateSurface] = {
    "templates page": template_offered("/declarations/templates/"),
    "new draft page": template_offered("/declarations/new/"),
    "template use": template_use,
    "template delete": template_delete,
}


def counted(world: World, rows: list[tuple[str, Any]]) -> int | str:
    """Whose declarations a dashboard's count figure counts (rows: its periods with their values). A firm's
    counts this month's by status: A's own all, or none of them; an agency's, per day: A's declaration,
    delivered to it today, the one of today."""
    counts = {str(period): int(value or 0) for period, value in rows}
    statuses = {str(label): key for key, label in DeclarationStatus.choices}
    if counts and set(counts) <= set(statuses):
        if not any(counts.values()):
            return NONE_COUNTED
        own = Counter(Declaration.objects.filter(owner=world.client_org).values_list("status", flat=True))
        return A_COUNTED if counts == {label: own[key] for label, key in statuses.items()} else f"200 counting {counts}"
    today = counts.get(timezone.localdate().isoformat())
    return DELIVERED_COUNTED if today == 1 else f"200 counting {today} today"


def dashboard_page(world: World, who: Party, firm: Organisation) -> int | str:
    response = who.page.get("/dashboard/")
    if response.status_code != 200:
        return seen(world, response)
    figure = "//section[@id='figure-by_status' or @id='figure-routed']//tbody/tr"
    rows = [(tr.xpath("string(th)").strip(), tr.xpath("string(td)").strip())
            for tr in html.fromstring(response.content.decode()).xpath(figure)]  # fmt: skip
    return counted(world, rows)


def dashboard_export(file_format: str) -> Callable[[World, Party, Organisation], int | str]:
    """The export's rows (figure, series, period, value, unit) of the count figure: its unit is declarations."""

    def export(world: World, who: Party, firm: Organisation) -> int | str:
        response = who.page.get(f"/dashboard/export.{file_format}")
        if response.status_code != 200:
            return seen(world, response)
        if file_format == "csv":
            rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        else:
            sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
            rows = [list(row) for row in sheet.iter_rows(values_only=True)]  # type: ignore[union-attr]
        return counted(world, [(row[2], row[3]) for row in rows[1:] if row[4] == gettext("declarations")])

    return export


DashboardSurface = Callable[[World, Party, Organisation], "int | str"]
DASHBOARD_SURFACES: dict[str, DashboardSurface] = {
    "dashboard page": dashboard_page,
    "CSV export": dashboard_export("csv"),
    "Excel export": dashboard_export("xlsx"),
}

SURFACES: dict[str, dict[str, Any]] = {
    "draft": DECLARATION_SURFACES,
    "submitted declaration": DECLARATION_SURFACES,
    "import job": IMPORT_SURFACES,
    "comment": COMMENT_SURFACES,
    "template": SHIPMENT_TEMPLATE_SURFACES,
    "broker's template": SHIPMENT_TEMPLATE_SURFACES,
    "dashboard": DASHBOARD_SURFACES,
}


def observe(
    world: World | VesselWorld | CreditWorld | RelationWorld | ApprovalWorld, who: Party, obj: str, surfaces: list[str]
) -> dict[str, int | str]:
    """What the party gets on each surface, in the table's order (a table lists what changes things last)."""
    thing = world.thing(obj)
    return {surface: SURFACES[obj][surface](world, who, thing) for surface in surfaces}


def column(table: dict[str, tuple[int | str, ...]], parties: tuple[str, ...], who: str) -> dict[str, int | str]:
    """One party's column of a table: surface → what it gets."""
    return {surface: row[parties.index(who)] for surface, row in table.items()}


# The matrix ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", PARTIES)
@pytest.mark.parametrize("obj", list(TABLES))
def test_each_party_gets_exactly_what_it_may_and_404_for_the_rest(world: World, obj: str, who: str) -> None:
    expected = column(TABLES[obj], PARTIES, who)
    assert observe(world, world.parties[who], obj, list(expected)) == expected


@pytest.mark.parametrize("who", [B, LONE_BROKER, OFFICER])
def test_nobody_but_the_firm_and_its_broker_comments_on_a_submitted_declaration(world: World, who: str) -> None:
    url = f"/api/v1/declarations/{world.submitted.pk}/review/comments/"
    response = world.parties[who].rest.post(url, {"field": "gross_weight", "text": "放行了吗？"}, format="json")
    assert seen(world, response) == NOT_FOUND
    assert not world.submitted.comments.exists()


# Revoking a delegation ----------------------------------------------------------------------

BROKER_SURFACES = {
    "draft": [*DRAFT],
    "submitted declaration": [*SUBMITTED],
    "comment": [*COMMENT],
}
SHUT_OUT = {
    (obj, surface): UNLISTED if surface in ("list page", "export page", "API list", "API export") else NOT_FOUND
    for obj, surfaces in BROKER_SURFACES.items()
    for surface in surfaces
}


@pytest.mark.parametrize("revoked_by", ["client's manager", "broker"])
def test_once_the_delegation_is_revoked_the_broker_gets_404_at_once_on_pages_and_api(
    world: World, revoked_by: str
) -> None:
    broker = world.parties[BROKER]  # logged in before the revocation, and stays logged in
    assert observe(world, broker, "draft", ["detail page", "API detail"]) == {"detail page": OK, "API detail": OK}

    delegation = Delegation.objects.get(client=world.client_org, broker=broker.user.organisation)
    revoker = factories.clerk(world.client_org, role=Role.MANAGER) if revoked_by != "broker" else broker.user
    delegation_revoke(user=revoker, delegation=delegation)

    observed = {
        (obj, surface): outcome
        for obj, surfaces in BROKER_SURFACES.items()
        for surface, outcome in observe(world, broker, obj, surfaces).items()
    }
    assert observed == SHUT_OUT
    assert world.draft.comments.count() == 1  # the broker's comments after revocation were not kept


# What the officer sees of a declaration it may see ------------------------------------------


def test_an_officer_sees_what_was_delivered_not_the_corrections_the_firm_is_making(world: World) -> None:
    """Customs rejects A's declaration; A starts correcting the gross weight. Until A submits again,
    the officer sees the delivered 2450.5 on every surface, never the 2460.5 being typed."""
    submitted = world.submitted
    events_record(
        events=[
            AgencyEvent(
                receipt_id="R-matrix-1", message_id=f"{submitted.pre_entry_no}-v1-customs", agency=Agency.CUSTOMS,
                sequence=1, at=timezone.now(), kind=EventKind.REJECTED, data={"reason": "毛重与舱单不符"},
            )
        ]
    )  # fmt: skip
    url = f"/api/v1/declarations/{submitted.pk}/"
    assert world.parties[A].rest.patch(url, {"gross_weight": "2460.5"}, format="json").status_code == 200

    officer = world.parties[OFFICER]
    page = officer.page.get(f"/declarations/{submitted.pk}/").content.decode()
    export = etree.fromstring(officer.rest.get("/api/v1/declarations/export/?format=xml").content)
    ns = {"d": xml_format.NAMESPACE}
    weights = {
        "detail page": re.search(r'id="field-gross_weight"><dt>[^<]*</dt><dd>([^<]*)</dd>', page)[1],  # type: ignore[index]
        "API detail": officer.rest.get(url).json()["gross_weight"],
        "API export": export.xpath(
            "string(d:Declaration[@reference=$no]/d:Header/d:gross_weight)", namespaces=ns, no=submitted.pre_entry_no
        ),
    }
    assert {where: Decimal(weight) for where, weight in weights.items()} == {
        "detail page": Decimal("2450.5"),
        "API detail": Decimal("2450.5"),
        "API export": Decimal("2450.5"),
    }


# Vessels ------------------------------------------------------------------------------------------
#
# A ship agency files a vessel's arrival or departure and alone works on it. Once submitted it is
# delivered to every agency at the port that takes vessels (customs, inspection, border, maritime):
# their officers read it but never change it, and only maritime safety may revoke the port clearance
# certificate. Those who declare goods (an enterprise, a broker) are offered a submitted vessel's
# manifest line by its bill of lading, nobody else. Anyone may open a certificate's public verification
# page, which shows the certificate's facts and nothing more. Anonymous visitors are sent to log in on
# pages and refused by the API. Everyone else gets 404: never 403, never the vessel's name or IMO number.

SHIP_AGENT = "ship agent"  # the ship agency that filed the vessel
OTHER_AGENT = "other agent"  # another ship agency
# A (enterprise A's clerk), BROKER (a customs broker holding A's delegation) and OFFICER (customs: the
# vessel was sent there) as above.
MARITIME = "maritime"  # a maritime safety officer: the vessel was sent there too; it revokes certificates
PORT = "port"  # a port authority officer: vessels are not sent there
ANONYMOUS = "anonymous"
VESSEL_PARTIES = (SHIP_AGENT, OTHER_AGENT, A, BROKER, OFFICER, MARITIME, PORT, ANONYMOUS)

DENIED = 401  # the API to an anonymous caller (asked for a token: WWW-Authenticate)
NO_CONTENT = 204  # the page's live timeline of a vessel not submitted yet: nothing to show
CONFLICT = 409  # the agent changing a vessel declaration already submitted
PDF = "PDF"
XLSX = "xlsx"
SAVED = "saved"
IMPORTED = "imported"
SENT = "201, sent to the agencies"
REVOKED = "revoked"
OFFERED = "offered"
NOT_OFFERED = "200, nothing offered"
FACTS_ONLY = "the certificate's facts only"
REFUSED = "302 back to the form, nothing imported"

# The draft's rows run in this order for each party: what only reads first, what changes it last.
#                           ship agent other agent A          broker     customs    maritime   port       anonymous
VESSEL_DRAFT = {
    "list page":            (LISTED,    UNLISTED,  UNLISTED,  UNLISTED,  UNLISTED,  UNLISTED,  UNLISTED,  TO_LOGIN),
    "detail page":          (OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, TO_LOGIN),
    "edit page":            (OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, TO_LOGIN),
    "certificate page":     (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, TO_LOGIN),
    "manifest offer":       (NOT_FOUND, NOT_FOUND, NOT_OFFERED, NOT_OFFERED, NOT_FOUND, NOT_FOUND, NOT_FOUND, TO_LOGIN),
    "timeline fragment":    (NO_CONTENT, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, TO_LOGIN),
    "API list":             (LISTED,    UNLISTED,  UNLISTED,  UNLISTED,  UNLISTED,  UNLISTED,  UNLISTED,  DENIED),
    "API detail":           (OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, DENIED),
    "API timeline":         (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, DENIED),
    "API certificate":      (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, DENIED),
    "API PATCH":            (SAVED,     NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, DENIED),
    "API validate":         (OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, DENIED),
    "API import crew":      (IMPORTED,  NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, DENIED),
    "API import passengers":(IMPORTED,  NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, DENIED),
    "import upload page":   (IMPORTED,  NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, TO_LOGIN),
    "API submit":           (SENT,      NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, DENIED),
    "revoke page":          (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, TO_LOGIN),
}  # fmt: skip

# A departure submitted and released by the four agencies: its port clearance certificate is issued.
#                           ship agent other agent A          broker     customs    maritime   port       anonymous
VESSEL_SUBMITTED = {
    "list page":            (LISTED,    UNLISTED,  UNLISTED,  UNLISTED,  LISTED,    LISTED,    UNLISTED,  TO_LOGIN),
    "detail page":          (OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, OK,        OK,        NOT_FOUND, TO_LOGIN),
    "edit page":            (TO_DETAIL, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, TO_LOGIN),
    "certificate page":     (PDF,       NOT_FOUND, NOT_FOUND, NOT_FOUND, PDF,       PDF,       NOT_FOUND, TO_LOGIN),
    "verification page":    (FACTS_ONLY, FACTS_ONLY, FACTS_ONLY, FACTS_ONLY, FACTS_ONLY, FACTS_ONLY, FACTS_ONLY, FACTS_ONLY),
    "manifest offer":       (NOT_FOUND, NOT_FOUND, OFFERED,   OFFERED,   NOT_FOUND, NOT_FOUND, NOT_FOUND, TO_LOGIN),
    "timeline fragment":    (OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, OK,        OK,        NOT_FOUND, TO_LOGIN),
    "API list":             (LISTED,    UNLISTED,  UNLISTED,  UNLISTED,  LISTED,    LISTED,    UNLISTED,  DENIED),
    "API detail":           (OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, OK,        OK,        NOT_FOUND, DENIED),
    "API timeline":         (OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, OK,        OK,        NOT_FOUND, DENIED),
    "API certificate":      (PDF,       NOT_FOUND, NOT_FOUND, NOT_FOUND, PDF,       PDF,       NOT_FOUND, DENIED),
    "API PATCH":            (CONFLICT,  NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, DENIED),
    "API validate":         (OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, DENIED),
    "API import crew":      (CONFLICT,  NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, DENIED),
    "API import passengers":(CONFLICT,  NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, DENIED),
    "import upload page":   (REFUSED,   NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, TO_LOGIN),
    "API submit":           (CONFLICT,  NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, DENIED),
    "revoke page":          (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, REVOKED,   NOT_FOUND, TO_LOGIN),
}  # fmt: skip

# The blank crew and passenger lists to fill in: no vessel's data, for any login.
#                           ship agent other agent A          broker     customs    maritime   port       anonymous
PEOPLE_TEMPLATES = {
    "crew template":        (XLSX,      XLSX,      XLSX,      XLSX,      XLSX,      XLSX,      XLSX,      TO_LOGIN),
    "passenger template":   (XLSX,      XLSX,      XLSX,      XLSX,      XLSX,      XLSX,      XLSX,      TO_LOGIN),
}  # fmt: skip

VESSEL_TABLES = {"draft vessel": VESSEL_DRAFT, "submitted vessel": VESSEL_SUBMITTED, "templates": PEOPLE_TEMPLATES}

# The draft is another ship than the submitted EMMA MAERSK, under its own bill of lading, so that what
# a party is shown of one is never taken for the other.
DRAFT_CALL = {"vessel_name": "MSC GULSUN", "vessel_name_cn": "地中海古尔松", "imo_number": "9839430"}
DRAFT_BILL = "MEDU0715GS01"
REASON = "船舶未按规定完成防污染检查"
IMPORTED_ROWS = {"API import crew": 5, "API import passengers": 2, "import upload page": 4}  # the draft has 3 crew


@dataclass
class VesselWorld:
    parties: dict[str, Party]
    draft: Declaration
    submitted: Declaration
    certificate_number: str
    verify_path: str

    @property
    def marks(self) -> tuple[str, ...]:
        """What a refusal must never show: either vessel's name or IMO number, the certificate's number."""
        submitted = example_call()
        return (DRAFT_CALL["vessel_name"], DRAFT_CALL["imo_number"], submitted["vessel_name"],
                submitted["imo_number"], self.certificate_number)  # fmt: skip

    @property
    def private(self) -> tuple[str, ...]:
        """What the agent filed beyond the certificate's facts: master, berth, crew, cargo parties, the draft."""
        call, parts = example_call(), example_parts()
        crew, cargo = parts["crew"][0], parts["manifest_lines"][0]
        return (call["master_name"], call["berth"], crew["family_name"], crew["document_number"],
                cargo["shipper"], cargo["consignee"], DRAFT_CALL["vessel_name"], DRAFT_CALL["imo_number"])  # fmt: skip

    def thing(self, name: str) -> Declaration | None:
        return {"draft vessel": self.draft, "submitted vessel": self.submitted, "templates": None}[name]


def anonymous() -> Party:
    return Party(user=None, page=Client(), rest=APIClient())


@pytest.fixture
def vessel_world(db: None, settings) -> VesselWorld:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    org_a = factories.enterprise()
    agent = factories.ship_agent()
    parties = {
        SHIP_AGENT: party(agent),
        OTHER_AGENT: party(factories.ship_agent()),
        A: party(factories.clerk(org_a)),
        BROKER: party(factories.broker(org_a)),
        OFFICER: party(factories.officer(Agency.CUSTOMS)),
        MARITIME: party(factories.officer(Agency.MARITIME)),
        PORT: party(factories.officer(Agency.PORT)),
        ANONYMOUS: anonymous(),
    }

    # The agent's draft departure of MSC GULSUN, complete: the agent's own submit can succeed.
    parts = example_parts()
    for row in (*parts["manifest_lines"], *parts["dangerous_goods"]):
        row["bill_of_lading"] = DRAFT_BILL
    draft = vessel_services.vessel_create(user=agent, direction="export", call=example_call(**DRAFT_CALL), parts=parts)
    assert vessel_services.vessel_problems_of(draft) == []

    # The agent's departure of EMMA MAERSK, submitted and released everywhere: the certificate is issued.
    # Its bill is consigned to A: the manifest is offered to A and its broker, nobody else.
    submitted = factories.vessel_draft(agent, consignee=org_a)
    version = vessel_services.vessel_submit(declaration=submitted, user=agent)
    assert {Agency.CUSTOMS, Agency.MARITIME} <= set(version.agencies) and Agency.PORT not in version.agencies
    release_everywhere(submitted)
    submitted.refresh_from_db()
    clearance = PortClearance.objects.get(declaration=submitted)
    facts = vessel_services.clearance_facts(clearance)
    return VesselWorld(
        parties=parties,
        draft=draft,
        submitted=submitted,
        certificate_number=clearance.number,
        verify_path=urlsplit(vessel_certificate.verify_url_for(facts)).path,
    )


def changed_or_seen(world: VesselWorld, response: HttpResponse, changed: bool, *, done: int, label: str) -> int | str:
    """label when the request did it; otherwise what the party got, and whether it changed things anyway."""
    if response.status_code == done and changed:
        return label
    outcome = seen(world, response)
    return f"{outcome} but changed" if changed else outcome


def on_vessel_list(pk: int) -> Callable[[HttpResponse], bool]:
    link = re.compile(rf'href="/vessels/{pk}/(edit/)?"')
    return lambda response: bool(link.search(response.content.decode()))


def vessel_edit_page(world: VesselWorld, who: Party, declaration: Declaration) -> int | str:
    response = who.page.get(f"/vessels/{declaration.pk}/edit/")
    if response.status_code == 302 and response["Location"] == f"/vessels/{declaration.pk}/":
        return TO_DETAIL
    return seen(world, response)


def pdf(world: VesselWorld, response: HttpResponse) -> int | str:
    if response.status_code != 200:
        return seen(world, response)
    return PDF if response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF") else 200


def verification_page(world: VesselWorld, who: Party, declaration: Declaration) -> int | str:
    response = who.page.get(world.verify_path)
    if response.status_code != 200:
        return seen(world, response)
    body = response.content.decode()
    facts = vessel_services.clearance_facts(declaration.port_clearance)  # type: ignore[attr-defined]
    if not all(fact in body for fact in (facts.number, facts.vessel_name, facts.imo_number, facts.voyage_number)):
        return "200 without the certificate's facts"
    shown = [mark for mark in world.private if mark in body]
    return f"200 showing {shown}" if shown else FACTS_ONLY


def manifest_offer(world: VesselWorld, who: Party, declaration: Declaration) -> int | str:
    """The goods form asks for the manifest line under this vessel's bill of lading."""
    bill = declaration.manifest_lines.get().bill_of_lading  # type: ignore[attr-defined]
    response = who.page.get("/declarations/manifest/", {"bill_of_lading": bill})
    if response.status_code != 200:
        return seen(world, response)
    body = response.content.decode()
    if 'id="use-manifest"' in body and declaration.vessel.vessel_name in body:  # type: ignore[attr-defined]
        return OFFERED
    return "200 showing a vessel" if any(mark in body for mark in world.marks) else NOT_OFFERED


def api_patch(world: VesselWorld, who: Party, declaration: Declaration) -> int | str:
    berth = f"{who.user.username if who.user else ANONYMOUS} 泊位"
    response = who.rest.patch(f"/api/v1/vessels/{declaration.pk}/", {"general": {"berth": berth}}, format="json")
    changed = VesselCall.objects.get(declaration=declaration).berth == berth
    return changed_or_seen(world, response, changed, done=200, label=SAVED)


def people_file(key: str, rows: int) -> SimpleUploadedFile:
    """A filled-in crew or passenger template, every document valid on the day of departure."""
    on = timezone.localdate() + timedelta(days=1)
    if key == "crew":
        return SimpleUploadedFile("crew.xlsx", example_crew_xlsx(rows, on=on))
    workbook = openpyxl.load_workbook(io.BytesIO(passenger_template_xlsx()))
    for i in range(rows):
        workbook.worksheets[0].append(["SMITH", f"JOHN {i}", "GBR", date(1970, 1, 2 + i), "London", "passport",
                                       f"12345678{i}", on + timedelta(days=365), "CNSHA", "SGSIN", None])  # fmt: skip
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("passengers.xlsx", buffer.getvalue())


def api_import(key: str, surface: str) -> VesselSurface:
    rows = IMPORTED_ROWS[surface]

    def imported(world: VesselWorld, who: Party, declaration: Declaration) -> int | str:
        url = f"/api/v1/vessels/{declaration.pk}/import/{key}/"
        response = who.rest.post(url, {"file": people_file(key, rows)}, format="multipart")
        changed = getattr(declaration, key).count() == rows
        if response.status_code == 200 and changed and response.json() != {"imported": rows}:
            return f"imported, said {response.json()}"
        return changed_or_seen(world, response, changed, done=200, label=IMPORTED)

    return imported


def page_import(world: VesselWorld, who: Party, declaration: Declaration) -> int | str:
    rows = IMPORTED_ROWS["import upload page"]
    response = who.page.post(f"/vessels/{declaration.pk}/import/crew/", {"file": people_file("crew", rows)})
    changed = declaration.crew.count() == rows  # type: ignore[attr-defined]
    edit = f"/vessels/{declaration.pk}/edit/"
    if response.status_code == 302 and response["Location"] == edit and not changed:
        return REFUSED
    if response.status_code == 302 and response["Location"] == f"{edit}#crew" and changed:
        return IMPORTED
    outcome = seen(world, response)
    return f"{outcome} but imported" if changed else outcome


def api_submit(world: VesselWorld, who: Party, declaration: Declaration) -> int | str:
    response = who.rest.post(f"/api/v1/vessels/{declaration.pk}/submit/")
    changed = Declaration.objects.get(pk=declaration.pk).version_count != declaration.version_count
    return changed_or_seen(world, response, changed, done=201, label=SENT)


def revoke_page(world: VesselWorld, who: Party, declaration: Declaration) -> int | str:
    response = who.page.post(f"/vessels/{declaration.pk}/port-clearance/revoke/", {"reason": REASON})
    revoked = PortClearance.objects.filter(declaration=declaration, state=CertificateState.REVOKED).exists()
    if response.status_code == 302 and response["Location"] == f"/vessels/{declaration.pk}/" and revoked:
        return REVOKED
    outcome = seen(world, response)
    return f"{outcome} but revoked" if revoked else outcome


def people_template(key: str) -> VesselSurface:
    def template(world: VesselWorld, who: Party, _nothing: None) -> int | str:
        response = who.page.get(f"/vessels/templates/{key}.xlsx")
        if response.status_code != 200:
            return seen(world, response)
        workbook = response.content.startswith(b"PK") and "spreadsheetml" in response["Content-Type"]
        return XLSX if workbook else 200

    return template


VesselSurface = Callable[[VesselWorld, Party, Any], "int | str"]
VESSEL_SURFACES: dict[str, VesselSurface] = {
    "list page": lambda w, p, d: listed(w, p.page.get("/vessels/"), on_vessel_list(d.pk)),
    "detail page": lambda w, p, d: seen(w, p.page.get(f"/vessels/{d.pk}/")),
    "edit page": vessel_edit_page,
    "certificate page": lambda w, p, d: pdf(w, p.page.get(f"/vessels/{d.pk}/port-clearance.pdf")),
    "verification page": verification_page,
    "manifest offer": manifest_offer,
    "timeline fragment": lambda w, p, d: seen(w, p.page.get(f"/declarations/{d.pk}/timeline/")),  # HTMX, polled
    "API list": lambda w, p, d: listed(w, p.rest.get("/api/v1/vessels/"), in_api_list(d.pk)),
    "API detail": lambda w, p, d: seen(w, p.rest.get(f"/api/v1/vessels/{d.pk}/")),
    "API timeline": lambda w, p, d: seen(w, p.rest.get(f"/api/v1/vessels/{d.pk}/timeline/")),
    "API certificate": lambda w, p, d: pdf(w, p.rest.get(f"/api/v1/vessels/{d.pk}/port-clearance/")),
    "API PATCH": api_patch,
    "API validate": lambda w, p, d: seen(w, p.rest.post(f"/api/v1/vessels/{d.pk}/validate/")),
    "API import crew": api_import("crew", "API import crew"),
    "API import passengers": api_import("passengers", "API import passengers"),
    "import upload page": page_import,
    "API submit": api_submit,
    "revoke page": revoke_page,
}
TEMPLATE_SURFACES: dict[str, VesselSurface] = {
    "crew template": people_template("crew"),
    "passenger template": people_template("passengers"),
}
SURFACES |= {"draft vessel": VESSEL_SURFACES, "submitted vessel": VESSEL_SURFACES, "templates": TEMPLATE_SURFACES}


@pytest.mark.parametrize("who", VESSEL_PARTIES)
@pytest.mark.parametrize("obj", list(VESSEL_TABLES))
def test_each_party_gets_exactly_what_it_may_of_a_vessel_and_404_for_the_rest(
    vessel_world: VesselWorld, obj: str, who: str
) -> None:
    expected = column(VESSEL_TABLES[obj], VESSEL_PARTIES, who)
    assert observe(vessel_world, vessel_world.parties[who], obj, list(expected)) == expected


# What the officer sees of a vessel it may see ------------------------------------------------------

CORRECTED = {"vessel_name": "EMMA MÆRSK", "master_name": "JENSEN OLE"}
CORRECTED_CREW = "KOWALSKI"


def test_officers_see_the_delivered_vessel_in_lists_not_the_agents_corrections(vessel_world: VesselWorld) -> None:
    """Customs rejects a departure; the agent starts correcting the ship's name, its master and the crew
    list. Until it submits again, the customs officer must see the delivered EMMA MAERSK and HANSEN LARS
    (and no crew list at all: customs is not sent it) on every surface: detail page, list page, API detail
    and API list."""
    agent = vessel_world.parties[SHIP_AGENT]
    declaration = factories.vessel_draft(agent.user)  # type: ignore[arg-type]
    version = vessel_services.vessel_submit(declaration=declaration, user=agent.user)  # type: ignore[arg-type]
    factories.delivered(declaration)
    delivery = Delivery.objects.get(version=version, agency=Agency.CUSTOMS)
    events_record(
        events=[
            AgencyEvent(
                receipt_id="R-vessel-1", message_id=delivery.message_id, agency=Agency.CUSTOMS, sequence=1,
                at=timezone.now(), kind=EventKind.REJECTED, data={"reason": "船员名单与证件不符"},
            )
        ]
    )  # fmt: skip
    crew = [{**row, "family_name": CORRECTED_CREW} for row in example_parts()["crew"]]
    url = f"/api/v1/vessels/{declaration.pk}/"
    assert agent.rest.patch(url, {"general": CORRECTED, "crew": crew}, format="json").status_code == 200

    officer = vessel_world.parties[OFFICER]
    detail = officer.page.get(f"/vessels/{declaration.pk}/").content.decode()
    listing = html.fromstring(officer.page.get("/vessels/").content.decode())
    [row] = listing.xpath(f'//a[@href="/vessels/{declaration.pk}/"]/ancestor::tr')
    [in_api_list] = [r for r in officer.rest.get("/api/v1/vessels/").json()["results"] if r["id"] == declaration.pk]
    in_api_detail = officer.rest.get(url).json()

    def corrections(text: str) -> list[str]:
        return [value for value in (*CORRECTED.values(), CORRECTED_CREW) if value in text]

    assert {
        "detail page": corrections(detail),
        "list page": corrections(row.text_content()),
        "API detail": corrections(json.dumps(in_api_detail, ensure_ascii=False)),
        "API list": corrections(json.dumps(in_api_list, ensure_ascii=False)),
    } == {"detail page": [], "list page": [], "API detail": [], "API list": []}


# Credit -------------------------------------------------------------------------------------------
#
# Agencies send credit records about enterprises (one by the API, or a CSV file): only an agency's
# officer, and the record is its own agency's whatever the body claims. A firm reads its own classes and
# the records behind them, an agency officer any firm's; nobody else, and a broker holding the firm's
# delegation is nobody else. The organisation page shows each user its own organisation's credit and
# no other. The public credit page needs no login and shows the public records, the same to everyone:
# a record sent as not public is on it for nobody. The admin shows records to the platform's
# administrator, and nobody adds or deletes one there. Everyone else gets 404 from the API, 403 when
# anonymous; anyone but the administrator is sent to the admin's login.

INSPECTION = "inspection"  # an inspection officer: another agency than customs, which sent A's records
ADMIN = "admin"  # the platform's administrator: staff and superuser, in the platform's organisation
# A (owns the records), B (has one record of its own), BROKER (holds A's delegation), SHIP_AGENT,
# OFFICER (customs) and ANONYMOUS as above.
CREDIT_PARTIES = (A, B, BROKER, SHIP_AGENT, OFFICER, INSPECTION, ANONYMOUS, ADMIN)

FORBIDDEN = 403  # the administrator adding or deleting a record in the admin
PUBLIC_ONLY = "A's public record only"
OWN_CREDIT = "its own credit only"
NO_CREDIT = "200, nobody's credit"
CLASSES = "A's classes with all its records"
FROM_ITS_AGENCY = "201, from its own agency"
TO_ADMIN_LOGIN = "302 to the admin's login"
OWN_RECORDS = "its own records only"
OBJECTED = "objected, the record marked"
DECIDED = "decided, the record corrected"
ALL_LOGGED = "every firm's records, the non-public logged"
RECORDED = "recorded, a credit record made"
OWN_COMMITMENTS = "its own commitments only"
FILED_OWN = "filed, for its own firm"
BROKEN = "recorded broken, a credit record made"

# Reads first, what would change A's records last.
#                           A          B          broker     ship agent customs    inspection anonymous  admin
CREDIT = {
    "public page by USCC":  (PUBLIC_ONLY, PUBLIC_ONLY, PUBLIC_ONLY, PUBLIC_ONLY, PUBLIC_ONLY, PUBLIC_ONLY, PUBLIC_ONLY, PUBLIC_ONLY),
    "public page by name":  (PUBLIC_ONLY, PUBLIC_ONLY, PUBLIC_ONLY, PUBLIC_ONLY, PUBLIC_ONLY, PUBLIC_ONLY, PUBLIC_ONLY, PUBLIC_ONLY),
    "organisation page":    (OWN_CREDIT, OWN_CREDIT, NO_CREDIT, NO_CREDIT, NO_CREDIT, NO_CREDIT, TO_LOGIN,  NO_CREDIT),
    "API classes":          (CLASSES,   NOT_FOUND, NOT_FOUND, NOT_FOUND, CLASSES,   CLASSES,   DENIED,    NOT_FOUND),
    "admin list":           (TO_ADMIN_LOGIN, TO_ADMIN_LOGIN, TO_ADMIN_LOGIN, TO_ADMIN_LOGIN, TO_ADMIN_LOGIN, TO_ADMIN_LOGIN, TO_ADMIN_LOGIN, LISTED),
    "admin add":            (TO_ADMIN_LOGIN, TO_ADMIN_LOGIN, TO_ADMIN_LOGIN, TO_ADMIN_LOGIN, TO_ADMIN_LOGIN, TO_ADMIN_LOGIN, TO_ADMIN_LOGIN, FORBIDDEN),
    "admin delete":         (TO_ADMIN_LOGIN, TO_ADMIN_LOGIN, TO_ADMIN_LOGIN, TO_ADMIN_LOGIN, TO_ADMIN_LOGIN, TO_ADMIN_LOGIN, TO_ADMIN_LOGIN, FORBIDDEN),
    "API record":           (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, FROM_ITS_AGENCY, FROM_ITS_AGENCY, DENIED, NOT_FOUND),
    "API record file":      (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, FROM_ITS_AGENCY, FROM_ITS_AGENCY, DENIED, NOT_FOUND),
    "own records page":     (OWN_RECORDS, OWN_RECORDS, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, TO_LOGIN, NOT_FOUND),
    "objection by page":    (OBJECTED,  NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, TO_LOGIN,  NOT_FOUND),
    "objection by API":     (OBJECTED,  NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, DENIED,    NOT_FOUND),
    "appeals page":         (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, LISTED,    UNLISTED,  TO_LOGIN,  NOT_FOUND),
    "API appeals":          (OWN_RECORDS, OWN_RECORDS, NOT_FOUND, NOT_FOUND, LISTED, UNLISTED, DENIED,    NOT_FOUND),
    "API decision":         (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, DECIDED,   NOT_FOUND, DENIED,    NOT_FOUND),
    "conduct catalogue":    (SHOWN,     SHOWN,     SHOWN,     SHOWN,     SHOWN,     SHOWN,     SHOWN,     SHOWN),
    "conduct export":       (XLSX,      XLSX,      XLSX,      XLSX,      XLSX,      XLSX,      XLSX,      XLSX),
    "conduct import":       (TO_ADMIN_LOGIN, TO_ADMIN_LOGIN, TO_ADMIN_LOGIN, TO_ADMIN_LOGIN, TO_ADMIN_LOGIN, TO_ADMIN_LOGIN, TO_ADMIN_LOGIN, IMPORTED),
    "records query page":   (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, ALL_LOGGED, ALL_LOGGED, TO_LOGIN,  NOT_FOUND),
    "records export":       (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, ALL_LOGGED, ALL_LOGGED, TO_LOGIN,  NOT_FOUND),
    "API records query":    (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, ALL_LOGGED, ALL_LOGGED, DENIED,    NOT_FOUND),
    "admin access log":     (TO_ADMIN_LOGIN, TO_ADMIN_LOGIN, TO_ADMIN_LOGIN, TO_ADMIN_LOGIN, TO_ADMIN_LOGIN, TO_ADMIN_LOGIN, TO_ADMIN_LOGIN, LISTED),
    "spot check page":      (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, SHOWN,     SHOWN,     TO_LOGIN,  NOT_FOUND),
    "spot check result":    (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, RECORDED,  RECORDED,  TO_LOGIN,  NOT_FOUND),
    "credit report":        (PDF,       NOT_FOUND, NOT_FOUND, NOT_FOUND, PDF,       PDF,       TO_LOGIN,  NOT_FOUND),
    "report verification":  (SHOWN,     SHOWN,     SHOWN,     SHOWN,     SHOWN,     SHOWN,     SHOWN,     SHOWN),
    # Credit commitments: a firm files its own; only the agency a commitment names (customs) records it.
    "own commitments page": (OWN_COMMITMENTS, OWN_COMMITMENTS, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, TO_LOGIN, NOT_FOUND),
    "commitment filing":    (FILED_OWN, FILED_OWN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, TO_LOGIN,  NOT_FOUND),
    "API commitments":      (OWN_COMMITMENTS, OWN_COMMITMENTS, NOT_FOUND, NOT_FOUND, LISTED, UNLISTED, DENIED, NOT_FOUND),
    "commitments page":     (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, LISTED,    UNLISTED,  TO_LOGIN,  NOT_FOUND),
    "fulfilment by page":   (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, BROKEN,    NOT_FOUND, TO_LOGIN,  NOT_FOUND),
    "API fulfilment":       (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, BROKEN,    NOT_FOUND, DENIED,    NOT_FOUND),
    "API conduct":          (SHOWN,     SHOWN,     SHOWN,     SHOWN,     SHOWN,     SHOWN,     SHOWN,     SHOWN),
    "API spot checks":      (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, SHOWN,     SHOWN,     DENIED,    NOT_FOUND),
    "API spot check result": (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, RECORDED, RECORDED,  DENIED,    NOT_FOUND),
    "API credit report":    (PDF,       NOT_FOUND, NOT_FOUND, NOT_FOUND, PDF,       PDF,       DENIED,    NOT_FOUND),
}  # fmt: skip

CREDIT_TABLES = {"credit": CREDIT}

FIRM_A_NAME = "上海星河信用贸易有限公司"
# A's two records from customs, one public and one not; B's one public record from inspection. Each
# field a page could show is its own mark.
A_PUBLIC = {
    "record_id": "CUS-A-PUBLIC",
    "legal_basis": "《海关行政处罚实施条例》第十五条",
    "summary": "申报不实，少缴税款",
}
A_SECRET = {"record_id": "CUS-A-SECRET", "legal_basis": "《海关稽查条例》第三十条（不公开）", "summary": "稽查线索，尚未结案",
            "public": False}  # fmt: skip
B_PUBLIC = {"record_id": "CIQ-B-PUBLIC", "legal_basis": "《进出口商品检验法》第三十五条", "summary": "报检不实"}
CLAIMED_AGENCY = Agency.PORT  # what a posted body claims to come from: neither officer's agency
A_COMMITMENT = "星河信用承诺：按时足额缴纳税款"  # A's commitment to customs, public


def credit_body(firm: Organisation, **values: Any) -> dict[str, Any]:
    decided = timezone.localdate() - timedelta(days=30)
    return {"uscc": firm.uscc, "kind": "penalty", "penalty_type": "fine", "amount": "20000.00",
            "decided_at": decided.isoformat(), **values}  # fmt: skip


def record_marks(*records: dict[str, Any]) -> tuple[str, ...]:
    return tuple(record[field] for record in records for field in ("record_id", "legal_basis", "summary"))


@dataclass
class CreditWorld:
    parties: dict[str, Party]
    firm_a: Organisation
    firm_b: Organisation

    @property
    def marks(self) -> tuple[str, ...]:
        """What a refusal must never show: A's USCC, and anything of its records and commitments."""
        return (self.firm_a.uscc, *record_marks(A_PUBLIC, A_SECRET), A_COMMITMENT)

    @property
    def records_of(self) -> dict[str, tuple[dict[str, Any], ...]]:
        """Each firm's USCC → its records."""
        return {self.firm_a.uscc: (A_PUBLIC, A_SECRET), self.firm_b.uscc: (B_PUBLIC,)}

    def thing(self, name: str) -> Organisation:
        return {"credit": self.firm_a}[name]


def platform_admin() -> User:
    org = factories.OrganisationFactory(kind=OrganisationKind.PLATFORM, customs_code="", inspection_code="")
    return factories.UserFactory(organisation=org, role=Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def credit_world(db: None, settings) -> CreditWorld:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    firm_a = factories.enterprise(name=FIRM_A_NAME)
    firm_b = factories.enterprise()
    parties = {
        A: party(factories.clerk(firm_a)),
        B: party(factories.clerk(firm_b)),
        BROKER: party(factories.broker(firm_a)),
        SHIP_AGENT: party(factories.ship_agent()),
        OFFICER: party(factories.officer(Agency.CUSTOMS)),
        INSPECTION: party(factories.officer(Agency.INSPECTION)),
        ANONYMOUS: anonymous(),
        ADMIN: party(platform_admin()),
    }
    for sender, firm, record in (
        (OFFICER, firm_a, A_PUBLIC),
        (OFFICER, firm_a, A_SECRET),
        (INSPECTION, firm_b, B_PUBLIC),
    ):
        posted = parties[sender].rest.post("/api/v1/credit/records/", credit_body(firm, **record), format="json")
        assert posted.status_code == 201, posted.content
    assert CreditRecord.objects.get(record_id=A_SECRET["record_id"]).public is False
    return CreditWorld(parties=parties, firm_a=firm_a, firm_b=firm_b)


def public_page(query: Callable[[Organisation], str]) -> CreditSurface:
    def page(world: CreditWorld, who: Party, firm: Organisation) -> int | str:
        response = who.page.get("/credit/", {"q": query(firm)})
        if response.status_code != 200:
            return seen(world, response)
        body = response.content.decode()
        if f'id="firm-{firm.uscc}"' not in body or A_PUBLIC["legal_basis"] not in body:
            return "200 without A's public record"
        shown = [mark for mark in record_marks(A_SECRET) if mark in body]
        return f"200 showing the non-public record: {shown}" if shown else PUBLIC_ONLY

    return page


def organisation_page(world: CreditWorld, who: Party, firm: Organisation) -> int | str:
    """Whose records the party's organisation page shows: its own organisation's, all of them, or none."""
    response = who.page.get("/organisation/")
    if response.status_code != 200:
        return seen(world, response)
    body = response.content.decode()
    shown = [uscc for uscc, records in world.records_of.items() if any(m in body for m in record_marks(*records))]
    own = who.user.organisation.uscc  # type: ignore[union-attr]
    if own not in world.records_of:
        return NO_CREDIT if not shown else f"200 showing the credit of {shown}"
    if shown == [own] and all(record["legal_basis"] in body for record in world.records_of[own]):
        return OWN_CREDIT  # the page lists each record's legal basis, public or not: the firm's own
    return f"200 showing the credit of {shown}"


def api_classes(world: CreditWorld, who: Party, firm: Organisation) -> int | str:
    response = who.rest.get(f"/api/v1/credit/classes/{firm.uscc}/")
    if response.status_code != 200:
        return seen(world, response)
    answer = response.json()
    ids = {record["record_id"] for c in answer["classes"] for record in c["records"]}
    if answer["uscc"] == firm.uscc and ids == {A_PUBLIC["record_id"], A_SECRET["record_id"]}:
        return CLASSES
    return f"200 with {answer['uscc']}'s records {sorted(ids)}"


def to_admin_login(response: HttpResponse) -> bool:
    if response.status_code != 302:
        return False
    location = urlsplit(response["Location"])
    return location.path == "/admin/login/" and parse_qs(location.query).get("next") == [response.request["PATH_INFO"]]


def admin_list(world: CreditWorld, who: Party, firm: Organisation) -> int | str:
    response = who.page.get("/admin/credit/creditrecord/")
    if to_admin_login(response):
        return TO_ADMIN_LOGIN
    if response.status_code != 200:
        return seen(world, response)
    body = response.content.decode()
    listed = all(record["record_id"] in body for record in (A_PUBLIC, A_SECRET, B_PUBLIC))
    return LISTED if listed else "200 without the records"


def admin_add(world: CreditWorld, who: Party, firm: Organisation) -> int | str:
    before = CreditRecord.objects.count()
    values = credit_body(firm, record_id=f"ADMIN-{who.user.username if who.user else ANONYMOUS}")
    response = who.page.post("/admin/credit/creditrecord/add/", {**values, "source_agency": Agency.CUSTOMS,
                                                                   "state": "published", "channel": "api"})  # fmt: skip
    added = CreditRecord.objects.count() != before
    outcome = TO_ADMIN_LOGIN if to_admin_login(response) else seen(world, response)
    return f"{outcome} but added" if added else outcome


def admin_delete(world: CreditWorld, who: Party, firm: Organisation) -> int | str:
    record = CreditRecord.objects.get(record_id=A_PUBLIC["record_id"])
    response = who.page.post(f"/admin/credit/creditrecord/{record.pk}/delete/", {"post": "yes"})
    deleted = not CreditRecord.objects.filter(pk=record.pk).exists()
    outcome = TO_ADMIN_LOGIN if to_admin_login(response) else seen(world, response)
    return f"{outcome} but deleted" if deleted else outcome


def stored_from_its_agency(world: CreditWorld, who: Party, response: HttpResponse, record_id: str) -> int | str:
    """FROM_ITS_AGENCY when the record is stored once, as the officer's agency's; else what the party got,
    and whether a record was stored anyway."""
    stored = list(CreditRecord.objects.filter(record_id=record_id).values_list("source_agency", flat=True))
    if response.status_code == 201 and who.user is not None and stored == [who.user.agency]:
        return FROM_ITS_AGENCY
    outcome = seen(world, response)
    return f"{outcome} but stored as {stored}" if stored else outcome


def api_record(world: CreditWorld, who: Party, firm: Organisation) -> int | str:
    record_id = f"POST-{who.user.username if who.user else ANONYMOUS}"
    body = credit_body(firm, record_id=record_id, source_agency=CLAIMED_AGENCY)
    response = who.rest.post("/api/v1/credit/records/", body, format="json")
    if response.status_code == 201 and response.json()["source_agency"] != who.user.agency:  # type: ignore[union-attr]
        return f"201, said {response.json()['source_agency']}"
    return stored_from_its_agency(world, who, response, record_id)


def api_record_file(world: CreditWorld, who: Party, firm: Organisation) -> int | str:
    record_id = f"FILE-{who.user.username if who.user else ANONYMOUS}"
    decided = (timezone.localdate() - timedelta(days=10)).isoformat()
    rows = ["uscc,record_id,kind,penalty_type,amount,decided_at,source_agency",
            f"{firm.uscc},{record_id},penalty,warning,,{decided},{CLAIMED_AGENCY}"]  # fmt: skip
    upload = SimpleUploadedFile("records.csv", "\n".join(rows).encode("utf-8-sig"), "text/csv")
    response = who.rest.post("/api/v1/credit/records/file/", {"file": upload}, format="multipart")
    if response.status_code == 201 and response.json() != {"stored": 1}:
        return f"201, said {response.json()}"
    return stored_from_its_agency(world, who, response, record_id)


def record_of(world: CreditWorld, record: dict[str, Any]) -> CreditRecord:
    return CreditRecord.objects.get(record_id=record["record_id"])


def open_objection(world: CreditWorld) -> Appeal:
    """A's objection to its public record, filed by A's clerk (or the one already open)."""
    record = record_of(world, A_PUBLIC)
    found = Appeal.objects.filter(record=record, state="pending").first()
    a = world.parties[A].user
    assert a is not None
    return found or appeals.objection_file(user=a, record_id=record.pk, reason="罚款决定已撤销")


def own_records_page(world: CreditWorld, who: Party, firm: Organisation) -> int | str:
    response = who.page.get("/credit/mine/")
    if response.status_code != 200:
        return seen(world, response)
    body = response.content.decode()
    shown = {uscc for uscc, records in world.records_of.items() if any(m["legal_basis"] in body for m in records)}
    own = who.user.organisation.uscc  # type: ignore[union-attr]
    return OWN_RECORDS if shown == {own} else f"200 showing the records of {sorted(shown)}"


def objected(world: CreditWorld, response: HttpResponse, record: dict[str, Any], *, ok: int) -> int | str:
    state = record_of(world, record).state
    if response.status_code == ok and state == "objected":
        return OBJECTED
    outcome = seen(world, response)
    return f"{outcome} but {state}" if state != "published" else outcome


def objection_by_page(world: CreditWorld, who: Party, firm: Organisation) -> int | str:
    record = record_of(world, A_PUBLIC)
    response = who.page.post("/credit/mine/", {"record": record.pk, "kind": "objection", "reason": "金额有误"})
    return objected(world, response, A_PUBLIC, ok=302)


def objection_by_api(world: CreditWorld, who: Party, firm: Organisation) -> int | str:
    record = record_of(world, A_SECRET)
    response = who.rest.post(f"/api/v1/credit/records/{record.pk}/objection/", {"reason": "x"}, format="json")
    return objected(world, response, A_SECRET, ok=201)


def appeals_page(world: CreditWorld, who: Party, firm: Organisation) -> int | str:
    appeal = open_objection(world)
    response = who.page.get("/credit/appeals/")
    if response.status_code != 200:
        return seen(world, response)
    return LISTED if f'id="appeal-{appeal.pk}"' in response.content.decode() else UNLISTED


def api_appeals(world: CreditWorld, who: Party, firm: Organisation) -> int | str:
    appeal = open_objection(world)
    response = who.rest.get("/api/v1/credit/appeals/")
    if response.status_code != 200:
        return seen(world, response)
    ids = {item["id"] for item in response.json()}
    if who.user is not None and who.user.organisation.kind == OrganisationKind.ENTERPRISE:  # type: ignore[union-attr]
        own = set(Appeal.objects.filter(record__uscc=who.user.organisation.uscc).values_list("pk", flat=True))  # type: ignore[union-attr]
        return OWN_RECORDS if ids == own else f"200 with appeals {sorted(ids)}"
    return LISTED if appeal.pk in ids else UNLISTED


def api_decision(world: CreditWorld, who: Party, firm: Organisation) -> int | str:
    appeal = open_objection(world)
    response = who.rest.post(
        f"/api/v1/credit/appeals/{appeal.pk}/decision/", {"accept": True, "decision": "复核属实"}, format="json"
    )
    state = record_of(world, A_PUBLIC).state
    if response.status_code == 200 and state == "corrected":
        return DECIDED
    outcome = seen(world, response)
    return f"{outcome} but {state}" if state != "objected" else outcome


def conduct_catalogue(world: CreditWorld, who: Party, firm: Organisation) -> int | str:
    """The prohibited-conduct catalogue is public: its published sample items, the same to everyone."""
    response = who.page.get("/credit/conduct/", {"q": "SAMPLE-20"})
    if response.status_code != 200:
        return seen(world, response)
    return SHOWN if 'id="conduct-SAMPLE-20"' in response.content.decode() else "200 without the item"


def conduct_export(world: CreditWorld, who: Party, firm: Organisation) -> int | str:
    response = who.page.get("/credit/conduct/export.xlsx", {"q": "SAMPLE-20"})
    if response.status_code != 200:
        return seen(world, response)
    return XLSX if response.content.startswith(b"PK") else "200, not a workbook"


def conduct_import(world: CreditWorld, who: Party, firm: Organisation) -> int | str:
    """Platform staff import the real catalogue in the admin; nobody else stores a draft."""
    code = f"IMP-{who.user.username if who.user else ANONYMOUS}"[:30]
    text = f"code,title_zh,law,article,penalty_basis,category,source_agency,effective_from\n{code},行为,《法》,第一条,第二条,other,局,2020-01-01\n"
    upload = SimpleUploadedFile("conduct.csv", text.encode(), "text/csv")
    response = who.page.post("/admin/credit/conductitem/import/", {"file": upload})
    stored = ConductItem.objects.filter(code=code).exists()
    outcome = TO_ADMIN_LOGIN if to_admin_login(response) else seen(world, response)
    if response.status_code == 302 and not to_admin_login(response) and stored:
        return IMPORTED
    return f"{outcome} but imported" if stored else outcome


def records_query(world: CreditWorld, who: Party, firm: Organisation, url: str) -> int | str:
    """Officers read every firm's records, public or not, and the non-public ones they were shown are
    logged against them (who, which firm); nobody else reads them."""
    client = who.rest if url.startswith("/api/") else who.page
    response = client.get(url)
    if response.status_code != 200:
        return seen(world, response)
    body = response.content.decode("utf-8-sig")
    everything = all(m["record_id"] in body for m in (A_PUBLIC, A_SECRET, B_PUBLIC))
    logged = RecordAccess.objects.filter(viewer=who.user, uscc=firm.uscc).exists()
    return ALL_LOGGED if everything and logged else f"200, all shown: {everything}, logged: {logged}"


def admin_access_log(world: CreditWorld, who: Party, firm: Organisation) -> int | str:
    officer = world.parties[OFFICER]
    officer.page.get("/credit/records/")
    response = who.page.get("/admin/credit/recordaccess/")
    if to_admin_login(response):
        return TO_ADMIN_LOGIN
    if response.status_code != 200:
        return seen(world, response)
    return LISTED if firm.uscc in response.content.decode() else "200 without the access"


def drawn(world: CreditWorld, firm: Organisation) -> SpotCheckFirm:
    """The customs officer's double-random draw (both officers of the pool inspect each firm drawn)."""
    found = SpotCheckFirm.objects.filter(uscc=firm.uscc).first()
    if found is not None:
        return found
    officer = world.parties[OFFICER].user
    assert officer is not None
    check = spotchecks.spot_check_draw(user=officer, title="抽查", ratio=Decimal("1"), seed="matrix")
    return check.firms.get(uscc=firm.uscc)


def spot_check_page(world: CreditWorld, who: Party, firm: Organisation) -> int | str:
    row = drawn(world, firm)
    response = who.page.get(f"/credit/spot-checks/{row.spot_check_id}/")
    if response.status_code != 200:
        return seen(world, response)
    return SHOWN if f'id="drawn-{firm.uscc}"' in response.content.decode() else "200 without the firm"


def spot_check_result(world: CreditWorld, who: Party, firm: Organisation) -> int | str:
    row = drawn(world, firm)
    url = f"/credit/spot-checks/{row.spot_check_id}/firms/{row.pk}/"
    response = who.page.post(url, {"outcome": "minor", "note": "账实不符"})
    row.refresh_from_db()
    if response.status_code == 302 and row.record_id is not None and not to_login(response):
        return RECORDED
    outcome = seen(world, response)
    return f"{outcome} but recorded" if row.record_id else outcome


def credit_report(world: CreditWorld, who: Party, firm: Organisation) -> int | str:
    """A's one-page report: A's own, and an officer's; never its non-public record (the public one may have
    been corrected by an earlier row's decision, so only A itself is looked for)."""
    response = who.page.post("/credit/report/", {"uscc": firm.uscc})
    if response.status_code != 200:
        return seen(world, response)
    text = re.sub(r"\s+", "", PdfReader(io.BytesIO(response.content)).pages[0].extract_text())
    if A_SECRET["legal_basis"] in text or firm.uscc not in text:
        return "200, a PDF that is not A's or shows its non-public record"
    return PDF


def report_verification(world: CreditWorld, who: Party, firm: Organisation) -> int | str:
    a = world.parties[A].user
    assert a is not None
    issued = credit_report_issue(user=a, uscc=firm.uscc)
    response = who.page.get(urlsplit(credit_report_url(issued)).path)
    if response.status_code != 200:
        return seen(world, response)
    body = response.content.decode()
    return SHOWN if 'id="verdict"' in body and A_SECRET["legal_basis"] not in body else "200 without the verdict"


def a_commitment(world: CreditWorld, text: str = A_COMMITMENT) -> Commitment:
    """A's open commitment to customs with this text (filed by A's clerk the first time a row asks for it)."""
    found = Commitment.objects.filter(uscc=world.firm_a.uscc, text=text).first()
    if found is not None:
        return found
    clerk, today = world.parties[A].user, timezone.localdate()
    assert clerk is not None
    return commitments.commitment_file(user=clerk, kind="self_disclosure", text=text, agency=Agency.CUSTOMS,
                                       starts_on=today, ends_on=today + timedelta(days=90))  # fmt: skip


def own_commitments(world: CreditWorld, who: Party, url: str) -> int | str:
    """A firm's commitments, by page or API: its own and no other firm's."""
    mine = a_commitment(world)
    client = who.rest if url.startswith("/api/") else who.page
    response = client.get(url)
    if response.status_code != 200:
        return seen(world, response)
    own = who.user.organisation.uscc  # type: ignore[union-attr]
    if url.startswith("/api/"):
        shown = {row["uscc"] for row in response.json()}
        return OWN_COMMITMENTS if shown <= {own} and (own != mine.uscc or shown == {own}) else f"200 showing {shown}"
    shows_a = A_COMMITMENT in response.content.decode()
    return OWN_COMMITMENTS if shows_a == (own == mine.uscc) else f"200, A's commitment shown: {shows_a}"


def commitment_filing(world: CreditWorld, who: Party, firm: Organisation) -> int | str:
    today = timezone.localdate()
    response = who.page.post("/credit/mine/commitments/", {
        "kind": "repair", "agency": "customs", "text": "整改承诺", "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=30)).isoformat(), "public": "yes"})  # fmt: skip
    stored = list(Commitment.objects.filter(filed_by=who.user, text="整改承诺").values_list("uscc", flat=True))
    if response.status_code == 302 and not to_login(response) and stored == [who.user.organisation.uscc]:  # type: ignore[union-attr]
        return FILED_OWN
    outcome = seen(world, response)
    return f"{outcome} but filed for {stored}" if stored else outcome


def commitments_listed(world: CreditWorld, who: Party, url: str) -> int | str:
    """An agency's officers list the commitments made to their agency (A's is made to customs)."""
    mine = a_commitment(world)
    client = who.rest if url.startswith("/api/") else who.page
    response = client.get(url)
    if response.status_code != 200:
        return seen(world, response)
    if who.user is not None and who.user.organisation.kind == OrganisationKind.ENTERPRISE:  # type: ignore[union-attr]
        return own_commitments(world, who, url)
    found = (mine.pk in [row["id"] for row in response.json()] if url.startswith("/api/")
             else f'id="commitment-{mine.pk}"' in response.content.decode())  # fmt: skip
    return LISTED if found else UNLISTED


def fulfilment(world: CreditWorld, who: Party, by_api: bool) -> int | str:
    mine = a_commitment(world, f"{A_COMMITMENT}（接口）" if by_api else A_COMMITMENT)  # one for each row
    response = (
        who.rest.post(f"/api/v1/credit/commitments/{mine.pk}/fulfilment/", {"kept": False, "note": "未缴税"},
                      format="json")
        if by_api
        else who.page.post("/credit/commitments/", {"commitment": mine.pk, "kept": "no", "note": "未缴税"})
    )  # fmt: skip
    mine.refresh_from_db()
    done = response.status_code in (200, 302) and not (response.status_code == 302 and to_login(response))
    if done and mine.state == "broken" and mine.record_id is not None:
        return BROKEN
    outcome = seen(world, response)
    return f"{outcome} but {mine.state}" if mine.state != "open" else outcome


def api_conduct(world: CreditWorld, who: Party, firm: Organisation) -> int | str:
    response = who.rest.get("/api/v1/credit/conduct/", {"q": "SAMPLE-20"})
    if response.status_code != 200:
        return seen(world, response)
    codes = [item["code"] for group in response.json()["categories"] for item in group["items"]]
    return SHOWN if codes == ["SAMPLE-20"] else f"200 with {codes}"


def api_spot_checks(world: CreditWorld, who: Party, firm: Organisation) -> int | str:
    row = drawn(world, firm)
    response = who.rest.get(f"/api/v1/credit/spot-checks/{row.spot_check_id}/")
    if response.status_code != 200:
        return seen(world, response)
    return SHOWN if firm.uscc in [f["uscc"] for f in response.json()["firms"]] else "200 without the firm"


def api_spot_check_result(world: CreditWorld, who: Party, firm: Organisation) -> int | str:
    row = drawn(world, world.firm_b)  # the page's row records A's result: the API records B's
    url = f"/api/v1/credit/spot-checks/{row.spot_check_id}/firms/{row.pk}/result/"
    response = who.rest.post(url, {"outcome": "minor", "note": "账实不符"}, format="json")
    row.refresh_from_db()
    if response.status_code == 200 and row.record_id is not None:
        return RECORDED
    outcome = seen(world, response)
    return f"{outcome} but recorded" if row.record_id else outcome


def api_credit_report(world: CreditWorld, who: Party, firm: Organisation) -> int | str:
    response = who.rest.post("/api/v1/credit/reports/", {"uscc": firm.uscc}, format="json")
    if response.status_code != 201:
        return seen(world, response)
    text = re.sub(r"\s+", "", PdfReader(io.BytesIO(response.content)).pages[0].extract_text())
    if A_SECRET["legal_basis"] in text or firm.uscc not in text:
        return "201, a PDF that is not A's or shows its non-public record"
    return PDF


CreditSurface = Callable[[CreditWorld, Party, Organisation], "int | str"]
CREDIT_SURFACES: dict[str, CreditSurface] = {
    "public page by USCC": public_page(lambda firm: firm.uscc),
    "public page by name": public_page(lambda firm: "星河信用"),
    "organisation page": organisation_page,
    "API classes": api_classes,
    "admin list": admin_list,
    "admin add": admin_add,
    "admin delete": admin_delete,
    "API record": api_record,
    "API record file": api_record_file,
    "own records page": own_records_page,
    "objection by page": objection_by_page,
    "objection by API": objection_by_api,
    "appeals page": appeals_page,
    "API appeals": api_appeals,
    "API decision": api_decision,
    "conduct catalogue": conduct_catalogue,
    "conduct export": conduct_export,
    "conduct import": conduct_import,
    "records query page": lambda w, p, f: records_query(w, p, f, "/credit/records/"),
    "records export": lambda w, p, f: records_query(w, p, f, "/credit/records/export.csv"),
    "API records query": lambda w, p, f: records_query(w, p, f, "/api/v1/credit/records/"),
    "admin access log": admin_access_log,
    "spot check page": spot_check_page,
    "spot check result": spot_check_result,
    "credit report": credit_report,
    "report verification": report_verification,
    "own commitments page": lambda w, p, f: own_commitments(w, p, "/credit/mine/commitments/"),
    "commitment filing": commitment_filing,
    "API commitments": lambda w, p, f: commitments_listed(w, p, "/api/v1/credit/commitments/"),
    "commitments page": lambda w, p, f: commitments_listed(w, p, "/credit/commitments/"),
    "fulfilment by page": lambda w, p, f: fulfilment(w, p, by_api=False),
    "API fulfilment": lambda w, p, f: fulfilment(w, p, by_api=True),
    "API conduct": api_conduct,
    "API spot checks": api_spot_checks,
    "API spot check result": api_spot_check_result,
    "API credit report": api_credit_report,
}
SURFACES |= {"credit": CREDIT_SURFACES}


@pytest.mark.parametrize("who", CREDIT_PARTIES)
@pytest.mark.parametrize("obj", list(CREDIT_TABLES))
def test_each_party_gets_exactly_what_it_may_of_credit_and_404_for_the_rest(
    credit_world: CreditWorld, obj: str, who: str
) -> None:
    expected = column(CREDIT_TABLES[obj], CREDIT_PARTIES, who)
    assert observe(credit_world, credit_world.parties[who], obj, list(expected)) == expected


SECRET_IN_FILE = "《进出口商品检验法实施条例》第四十六条（不公开）"


@pytest.mark.parametrize("public", ["false", "0", "False"])
def test_a_record_sent_as_not_public_in_a_file_is_on_the_public_page_for_nobody(
    credit_world: CreditWorld, public: str
) -> None:
    """A CSV file's record names its fields in the header, public among them: a row sent as not public is
    stored as not public, and nobody (anonymous, A itself, an officer) finds it on the public page."""
    decided = (timezone.localdate() - timedelta(days=10)).isoformat()
    rows = ["uscc,record_id,kind,penalty_type,amount,legal_basis,decided_at,public",
            f"{credit_world.firm_a.uscc},CIQ-A-SECRET,penalty,fine,8000,{SECRET_IN_FILE},{decided},{public}"]  # fmt: skip
    upload = SimpleUploadedFile("records.csv", "\n".join(rows).encode("utf-8-sig"), "text/csv")
    response = credit_world.parties[INSPECTION].rest.post(
        "/api/v1/credit/records/file/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 201, response.content
    pages = {
        who: credit_world.parties[who].page.get("/credit/", {"q": credit_world.firm_a.uscc}).content.decode()
        for who in (ANONYMOUS, A, OFFICER)
    }
    assert {
        "stored as public": CreditRecord.objects.get(record_id="CIQ-A-SECRET").public,
        **{f"public page of {who}": SECRET_IN_FILE in page for who, page in pages.items()},
    } == {"stored as public": False, "public page of anonymous": False, "public page of A": False,
          "public page of officer": False}  # fmt: skip


# Agent relations --------------------------------------------------------------------------------------
#
# A foreign-trade agent imports for a user unit under an agent relation the agent's manager proposed and
# the unit's manager confirms; either ends it. The two firms see it (any of their users), decide it (their
# managers); everyone else gets 404, an anonymous visitor is sent to log in or refused by the API.

AGENT = "agent"  # the agent's manager, who proposed
UNIT = "unit"  # the user unit's manager
UNIT_CLERK = "unit clerk"  # a declarant of the user unit: sees it, decides nothing
STRANGER = "stranger"  # another enterprise's manager
RELATION_PARTIES = (AGENT, UNIT, UNIT_CLERK, STRANGER, BROKER, OFFICER, ANONYMOUS)

CONFIRMED = "confirmed"
REFUSED_400 = 400  # the proposer confirming its own proposal

#                     agent      unit       unit clerk stranger   broker     officer    anonymous
AGENT_RELATION = {
    "list page":     (LISTED,    LISTED,    LISTED,    UNLISTED,  NOT_FOUND, NOT_FOUND, TO_LOGIN),  # enterprises' page
    "API list":      (LISTED,    LISTED,    LISTED,    UNLISTED,  UNLISTED,  UNLISTED,  DENIED),
    "API detail":    (OK,        OK,        OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, DENIED),
    "API confirm":   (REFUSED_400, CONFIRMED, FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND, DENIED),
    "page revoke":   (REVOKED,   REVOKED,   FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND, TO_LOGIN),
}  # fmt: skip


@dataclass
class RelationWorld:
    parties: dict[str, Party]
    relation: AgentRelation

    @property
    def marks(self) -> tuple[str, ...]:
        """What a refusal must never show: either firm's USCC."""
        return (self.relation.agent.uscc, self.relation.user_unit.uscc)

    def thing(self, name: str) -> AgentRelation:
        return self.relation


@pytest.fixture
def relation_world(db: None, settings) -> RelationWorld:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    agent = factories.clerk(role=Role.MANAGER)
    unit = factories.clerk(role=Role.MANAGER)
    parties = {
        AGENT: party(agent),
        UNIT: party(unit),
        UNIT_CLERK: party(factories.clerk(unit.organisation)),
        STRANGER: party(factories.clerk(role=Role.MANAGER)),
        BROKER: party(factories.broker(unit.organisation)),
        OFFICER: party(factories.officer(Agency.CUSTOMS)),
        ANONYMOUS: anonymous(),
    }
    today = timezone.localdate()
    relation = agent_relation_propose(user=agent, counterparty_uscc=unit.organisation.uscc, as_agent=True,  # type: ignore[union-attr]
                                      valid_from=today, valid_until=today + timedelta(days=30))  # fmt: skip
    return RelationWorld(parties=parties, relation=relation)


def relation_status(relation: AgentRelation) -> str:
    return AgentRelation.objects.values_list("status", flat=True).get(pk=relation.pk)


def api_confirm(world: RelationWorld, who: Party, relation: AgentRelation) -> int | str:
    response = who.rest.post(f"/api/v1/agent-relations/{relation.pk}/confirm/")
    confirmed = relation_status(relation) == "active"
    return changed_or_seen(world, response, confirmed, done=200, label=CONFIRMED)  # type: ignore[arg-type]


def page_revoke(world: RelationWorld, who: Party, relation: AgentRelation) -> int | str:
    response = who.page.post(f"/agent-relations/{relation.pk}/revoke/")
    revoked = relation_status(relation) == "revoked"
    if response.status_code == 302 and not to_login(response):
        return REVOKED if revoked else "302 but not revoked"
    outcome = seen(world, response)
    return f"{outcome} but revoked" if revoked else outcome


def relation_in_api_list(pk: int) -> Callable[[HttpResponse], bool]:
    return lambda response: pk in [row["id"] for row in response.json()["results"]]


RelationSurface = Callable[[RelationWorld, Party, AgentRelation], "int | str"]
RELATION_SURFACES: dict[str, RelationSurface] = {
    "list page": lambda w, p, r: listed(w, p.page.get("/agent-relations/"), lambda res: f'id="agent-relation-{r.pk}"' in res.content.decode()),
    "API list": lambda w, p, r: listed(w, p.rest.get("/api/v1/agent-relations/"), relation_in_api_list(r.pk)),
    "API detail": lambda w, p, r: seen(w, p.rest.get(f"/api/v1/agent-relations/{r.pk}/")),
    "API confirm": api_confirm,
    "page revoke": page_revoke,
}  # fmt: skip
SURFACES |= {"agent relation": RELATION_SURFACES}


@pytest.mark.parametrize("who", RELATION_PARTIES)
def test_each_party_gets_exactly_what_it_may_of_an_agent_relation_and_404_for_the_rest(
    relation_world: RelationWorld, who: str
) -> None:
    expected = column(AGENT_RELATION, RELATION_PARTIES, who)
    assert observe(relation_world, relation_world.parties[who], "agent relation", list(expected)) == expected


# The electronic licence ---------------------------------------------------------------------------------
#
# A's legal representative (its first manager) named an administrator, who granted A's clerk authority to
# sign. The organisation's people see the licence; who manages it (the legal representative, the
# administrators) sees every grant and revokes them, the agent sees its own and revokes nothing. A shown
# licence (the legal representative's QR code) is opened by agency officers only, and the token is its
# maker's. Everyone else gets 404, an anonymous visitor is sent to log in or refused by the API.

LEGAL = "legal representative"  # A's first manager, who holds the licence
ADMINISTRATOR = "administrator"  # named by the legal representative
AGENT_CLERK = "agent"  # A's clerk holding the grant the rows are about
B_MANAGER = "B manager"  # another enterprise's legal representative
LICENCE_PARTIES = (LEGAL, ADMINISTRATOR, AGENT_CLERK, B_MANAGER, OFFICER, ANONYMOUS)

ALREADY_REVOKED = 400  # revoking by the API a grant the same party revoked on the page just before

# Reads first; the page revokes the grant, then the API tries again.
#                        legal        administrator agent      B manager  officer    anonymous
ELICENCE = {
    "licence page":      (LISTED,     LISTED,     LISTED,    UNLISTED,  NOT_FOUND, TO_LOGIN),
    "API grant list":    (LISTED,     LISTED,     LISTED,    UNLISTED,  NOT_FOUND, DENIED),
    "API grant detail":  (OK,         OK,         OK,        NOT_FOUND, NOT_FOUND, DENIED),
    "API presentation":  (OK,         NOT_FOUND,  NOT_FOUND, NOT_FOUND, NOT_FOUND, DENIED),
    "scan page":         (NOT_FOUND,  NOT_FOUND,  NOT_FOUND, NOT_FOUND, OK,        TO_LOGIN),
    "API scan":          (NOT_FOUND,  NOT_FOUND,  NOT_FOUND, NOT_FOUND, OK,        DENIED),
    "page revoke":       (REVOKED,    REVOKED,    FORBIDDEN, NOT_FOUND, NOT_FOUND, TO_LOGIN),
    "API revoke":        (ALREADY_REVOKED, ALREADY_REVOKED, FORBIDDEN, NOT_FOUND, NOT_FOUND, DENIED),
}  # fmt: skip


@dataclass
class LicenceWorld:
    parties: dict[str, Party]
    grant: AgentGrant
    presentation: PresentationToken

    @property
    def marks(self) -> tuple[str, ...]:
        """What a refusal must never show: A's USCC."""
        return (self.grant.organisation.uscc,)

    def thing(self, name: str) -> AgentGrant:
        return self.grant


@pytest.fixture
def licence_world(db: None, settings) -> LicenceWorld:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    legal = factories.clerk(role=Role.MANAGER, grant=False)
    org = legal.organisation
    administrator = factories.clerk(org, grant=False)
    agent = factories.clerk(org, grant=False)
    elicence.administrator_add(user=legal, person_id=administrator.pk)
    today = timezone.localdate()
    grant = elicence.grant_create(user=administrator, person_id=agent.pk, full=True, matters=[], valid_from=today,
                                  valid_until=today + timedelta(days=30))  # fmt: skip
    parties = {
        LEGAL: party(legal),
        ADMINISTRATOR: party(administrator),
        AGENT_CLERK: party(agent),
        B_MANAGER: party(factories.clerk(role=Role.MANAGER)),
        OFFICER: party(factories.officer(Agency.CUSTOMS)),
        ANONYMOUS: anonymous(),
    }
    return LicenceWorld(parties=parties, grant=grant, presentation=elicence.presentation_create(user=legal))


def grant_page_revoke(world: LicenceWorld, who: Party, grant: AgentGrant) -> int | str:
    response = who.page.post(f"/elicence/grants/{grant.pk}/revoke/")
    revoked = AgentGrant.objects.get(pk=grant.pk).revoked_at is not None
    if response.status_code == 302 and not to_login(response):
        return REVOKED if revoked else "302 but not revoked"
    outcome = seen(world, response)  # type: ignore[arg-type]
    return f"{outcome} but revoked" if revoked else outcome


LicenceSurface = Callable[[LicenceWorld, Party, AgentGrant], "int | str"]
LICENCE_SURFACES: dict[str, LicenceSurface] = {
    "licence page": lambda w, p, g: listed(w, p.page.get("/elicence/"), lambda res: f'id="grant-{g.pk}"' in res.content.decode()),
    "API grant list": lambda w, p, g: listed(w, p.rest.get("/api/v1/elicence/grants/"), relation_in_api_list(g.pk)),
    "API grant detail": lambda w, p, g: seen(w, p.rest.get(f"/api/v1/elicence/grants/{g.pk}/")),
    "API presentation": lambda w, p, g: seen(w, p.rest.get(f"/api/v1/elicence/presentations/{w.presentation.pk}/")),
    "scan page": lambda w, p, g: seen(w, p.page.get(f"/elicence/scan/{w.presentation.nonce}/")),
    "API scan": lambda w, p, g: seen(w, p.rest.get(f"/api/v1/elicence/scans/{w.presentation.nonce}/")),
    "page revoke": grant_page_revoke,
    "API revoke": lambda w, p, g: seen(w, p.rest.post(f"/api/v1/elicence/grants/{g.pk}/revoke/")),
}  # fmt: skip
SURFACES |= {"electronic licence": LICENCE_SURFACES}


@pytest.mark.parametrize("who", LICENCE_PARTIES)
def test_each_party_gets_exactly_what_it_may_of_the_electronic_licence_and_404_for_the_rest(
    licence_world: LicenceWorld, who: str
) -> None:
    expected = column(ELICENCE, LICENCE_PARTIES, who)
    assert observe(licence_world, licence_world.parties[who], "electronic licence", list(expected)) == expected


# Parallel approvals ----------------------------------------------------------------------------------
#
# "Four ones" (seed case 5): an enterprise files one form for a stage and follows its own cases; the window
# (the approval bureau's officers) sees every case, accepts and decides; a department's officers see the
# cases their department reviews, and give its opinion; another department, another firm, another agency
# get 404. The public notices and a decision's verification page need no login; the performance warnings
# are for supervisors (platform administrators and the window). Anonymous visitors are sent to log in on
# pages and refused by the API.

WINDOW = "window"  # an officer of the approval bureau
DEPARTMENT = "department"  # a planning bureau officer: stage 1 needs planning
OTHER_DEPARTMENT = "other department"  # a fire brigade officer: stage 1 does not need it
APPROVAL_PARTIES = (A, B, WINDOW, DEPARTMENT, OTHER_DEPARTMENT, OFFICER, ADMIN, ANONYMOUS)

REVIEWED = "reviewed"
FACTS = "the decision's facts only"

# A's case, accepted: planning's opinion is awaited. Reads first, what changes it last.
#                        A          B          window     department other dept customs    admin      anonymous
APPROVAL_IN_REVIEW = {
    "list page":        (LISTED,    UNLISTED,  LISTED,    LISTED,    UNLISTED,  UNLISTED,  UNLISTED,  TO_LOGIN),
    "detail page":      (OK,        NOT_FOUND, OK,        OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, TO_LOGIN),
    "API list":         (LISTED,    UNLISTED,  LISTED,    LISTED,    UNLISTED,  UNLISTED,  UNLISTED,  DENIED),
    "API detail":       (OK,        NOT_FOUND, OK,        OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, DENIED),
    "API reviews":      (UNLISTED,  UNLISTED,  UNLISTED,  LISTED,    UNLISTED,  UNLISTED,  UNLISTED,  DENIED),
    "API accept":       (NOT_FOUND, NOT_FOUND, CONFLICT,  NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, DENIED),
    "API opinion":      (NOT_FOUND, NOT_FOUND, NOT_FOUND, REVIEWED,  NOT_FOUND, NOT_FOUND, NOT_FOUND, DENIED),
    "page opinion":     (NOT_FOUND, NOT_FOUND, NOT_FOUND, REVIEWED,  NOT_FOUND, NOT_FOUND, NOT_FOUND, TO_LOGIN),
}  # fmt: skip

# A's case decided: every department deemed to consent, 5 working days of notice, the decision issued.
#                        A          B          window     department other dept customs    admin      anonymous
APPROVAL_DECIDED = {
    "detail page":      (OK,        NOT_FOUND, OK,        OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, TO_LOGIN),
    "decision page":    (PDF,       NOT_FOUND, PDF,       PDF,       NOT_FOUND, NOT_FOUND, NOT_FOUND, TO_LOGIN),
    "API decision":     (PDF,       NOT_FOUND, PDF,       PDF,       NOT_FOUND, NOT_FOUND, NOT_FOUND, DENIED),
    "verification page":(FACTS,     FACTS,     FACTS,     FACTS,     FACTS,     FACTS,     FACTS,     FACTS),
    "API issue again":  (NOT_FOUND, NOT_FOUND, CONFLICT,  NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, DENIED),
}  # fmt: skip

#                        A          B          window     department other dept customs    admin      anonymous
APPROVAL_SUPERVISION = {
    "notices page":     (LISTED,    LISTED,    LISTED,    LISTED,    LISTED,    LISTED,    LISTED,    LISTED),
    "warnings page":    (NOT_FOUND, NOT_FOUND, OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, OK,        TO_LOGIN),
    "API warnings":     (NOT_FOUND, NOT_FOUND, OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, OK,        DENIED),
}  # fmt: skip

APPROVAL_TABLES = {"case in review": APPROVAL_IN_REVIEW, "decided case": APPROVAL_DECIDED,
                   "supervision": APPROVAL_SUPERVISION}  # fmt: skip
APPLICANT_PHONE = "0591-2345 6789"  # on A's form, never on a refusal nor a public page


@dataclass
class ApprovalWorld:
    parties: dict[str, Party]
    firm_a: Organisation
    in_review: Any  # approvals.models.ApprovalCase
    decided: Any
    in_notice: Any

    @property
    def marks(self) -> tuple[str, ...]:
        """What a refusal must never show: A's USCC and its form's private details."""
        return (self.firm_a.uscc, APPLICANT_PHONE)

    def thing(self, name: str) -> Any:
        return {"case in review": self.in_review, "decided case": self.decided, "supervision": self.in_notice}[name]


@pytest.fixture
def approval_world(db: None, settings) -> ApprovalWorld:  # type: ignore[no-untyped-def]
    from approvals import services as approval_services
    from approvals.deadlines import deadlines_sweep
    from tests.approvals.helpers import accepted, beijing, ensure_seeded, join, window_officer

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    ensure_seeded()
    firm_a = factories.enterprise()
    clerk, window = factories.clerk(firm_a), window_officer()
    parties = {
        A: party(clerk), B: party(factories.clerk()), WINDOW: party(window), DEPARTMENT: party(join("planning")),
        OTHER_DEPARTMENT: party(join("fire")), OFFICER: party(factories.officer(Agency.CUSTOMS)),
        ADMIN: party(platform_admin()), ANONYMOUS: anonymous(),
    }  # fmt: skip
    # Decided: accepted 28 Sep, every deadline passed on 20 Oct, the notice over by 1 Nov, then issued.
    decided = accepted(clerk, window, at=beijing(2026, 9, 28, 9, 0), contact_phone=APPLICANT_PHONE)
    deadlines_sweep(now=beijing(2026, 10, 20, 0, 1))
    deadlines_sweep(now=beijing(2026, 11, 1))
    approval_services.decision_issue(user=window, case_id=decided.pk, now=beijing(2026, 11, 2, 10, 0))
    # In notice now: accepted long ago, every department deemed to consent a minute ago.
    in_notice = accepted(clerk, window, at=timezone.now() - timedelta(days=30), project_name="平潭海峡客运码头")
    deadlines_sweep()
    in_review = accepted(clerk, window, at=timezone.now(), contact_phone=APPLICANT_PHONE)
    return ApprovalWorld(parties=parties, firm_a=firm_a, in_review=in_review, decided=decided, in_notice=in_notice)


def approval_listed(pk: int) -> Callable[[HttpResponse], bool]:
    return lambda response: f'href="/approvals/{pk}/"' in response.content.decode()


def approval_in_api(pk: int, key: str = "id") -> Callable[[HttpResponse], bool]:
    return lambda response: pk in [row[key] for row in response.json()["results"]]


def planning_review(case: Any) -> Any:
    return case.reviews.get(department__code="planning")


def opinion_given(world: ApprovalWorld, response: HttpResponse, case: Any, *, done: int) -> int | str:
    review = planning_review(case)
    changed = review.state == "approved"
    if response.status_code == done and changed and not (done == 302 and to_login(response)):
        return REVIEWED
    outcome = seen(world, response)
    return f"{outcome} but reviewed" if changed else outcome


def api_opinion(world: ApprovalWorld, who: Party, case: Any) -> int | str:
    review = planning_review(case)
    response = who.rest.post(f"/api/v1/approvals/reviews/{review.pk}/", {"approve": True}, format="json")
    return opinion_given(world, response, case, done=200)


def page_opinion(world: ApprovalWorld, who: Party, case: Any) -> int | str:
    review = planning_review(case)
    response = who.page.post(f"/approvals/reviews/{review.pk}/", {"approve": "yes", "opinion": "同意"})
    return opinion_given(world, response, case, done=302)


def decision_verification(world: ApprovalWorld, who: Party, case: Any) -> int | str:
    from approvals import decision as approval_decision

    decision = case.decision
    response = who.page.get(urlsplit(approval_decision.verify_url(decision)).path)
    if response.status_code != 200:
        return seen(world, response)
    body = response.content.decode()
    if decision.number not in body or case.project_name not in body:
        return "200 without the decision's facts"
    return "200 showing the form's private details" if APPLICANT_PHONE in body else FACTS


def notices_page(world: ApprovalWorld, who: Party, case: Any) -> int | str:
    response = who.page.get("/approvals/notices/")
    if response.status_code != 200:
        return seen(world, response)
    body = response.content.decode()
    if APPLICANT_PHONE in body:
        return "200 showing the form's private details"
    return LISTED if f'id="notice-{case.number}"' in body else UNLISTED


ApprovalSurface = Callable[[ApprovalWorld, Party, Any], "int | str"]
APPROVAL_SURFACES: dict[str, ApprovalSurface] = {
    "list page": lambda w, p, c: listed(w, p.page.get("/approvals/"), approval_listed(c.pk)),
    "detail page": lambda w, p, c: seen(w, p.page.get(f"/approvals/{c.pk}/")),
    "API list": lambda w, p, c: listed(w, p.rest.get("/api/v1/approvals/cases/"), approval_in_api(c.pk)),
    "API detail": lambda w, p, c: seen(w, p.rest.get(f"/api/v1/approvals/cases/{c.pk}/")),
    "API reviews": lambda w, p, c: listed(w, p.rest.get("/api/v1/approvals/reviews/"),
                                          approval_in_api(c.pk, key="case")),
    "API accept": lambda w, p, c: seen(w, p.rest.post(f"/api/v1/approvals/cases/{c.pk}/accept/", {}, format="json")),
    "API opinion": api_opinion,
    "page opinion": page_opinion,
    "decision page": lambda w, p, c: pdf(w, p.page.get(f"/approvals/{c.pk}/decision.pdf")),  # type: ignore[arg-type]
    "API decision": lambda w, p, c: pdf(w, p.rest.get(f"/api/v1/approvals/cases/{c.pk}/decision/")),  # type: ignore[arg-type]
    "verification page": decision_verification,
    "API issue again": lambda w, p, c: seen(w, p.rest.post(f"/api/v1/approvals/cases/{c.pk}/decision/")),
    "notices page": notices_page,
    "warnings page": lambda w, p, c: seen(w, p.page.get("/approvals/warnings/")),
    "API warnings": lambda w, p, c: seen(w, p.rest.get("/api/v1/approvals/warnings/")),
}  # fmt: skip
SURFACES |= {"case in review": APPROVAL_SURFACES, "decided case": APPROVAL_SURFACES, "supervision": APPROVAL_SURFACES}


@pytest.mark.parametrize("who", APPROVAL_PARTIES)
@pytest.mark.parametrize("obj", list(APPROVAL_TABLES))
def test_each_party_gets_exactly_what_it_may_of_an_approval_and_404_for_the_rest(
    approval_world: ApprovalWorld, obj: str, who: str
) -> None:
    expected = column(APPROVAL_TABLES[obj], APPROVAL_PARTIES, who)
    assert observe(approval_world, approval_world.parties[who], obj, list(expected)) == expected


# Licences and licence applications ----------------------------------------------------------------------
#
# A trade firm applies for a licence and alone works on its application; once submitted it is delivered to
# the commerce department, whose officers read it (and its timeline) but never change it. The licence issued
# on its release is the holder's; officers of customs (which writes it off on declarations) and of commerce
# (which issued it) read every licence. A customs broker, another firm, another agency get 404; the public
# verification page shows the printed licence's facts to anyone.

COMMERCE = "commerce"  # a commerce department officer: the application was sent there, it issues licences
TRADE_LICENCE_PARTIES = (A, B, BROKER, OFFICER, COMMERCE, PORT, ANONYMOUS)

#                          A          B          broker     customs    commerce   port       anonymous
TRADE_LICENCE = {
    "licences page":      (LISTED,    UNLISTED,  UNLISTED,  LISTED,    LISTED,    UNLISTED,  TO_LOGIN),
    "licence page":       (OK,        NOT_FOUND, NOT_FOUND, OK,        OK,        NOT_FOUND, TO_LOGIN),
    "licence PDF":        (PDF,       NOT_FOUND, NOT_FOUND, PDF,       PDF,       NOT_FOUND, TO_LOGIN),
    "verification page":  (FACTS_ONLY, FACTS_ONLY, FACTS_ONLY, FACTS_ONLY, FACTS_ONLY, FACTS_ONLY, FACTS_ONLY),
    "API licences":       (LISTED,    UNLISTED,  UNLISTED,  LISTED,    LISTED,    UNLISTED,  DENIED),
    "API licence":        (OK,        NOT_FOUND, NOT_FOUND, OK,        OK,        NOT_FOUND, DENIED),
    "API licence PDF":    (PDF,       NOT_FOUND, NOT_FOUND, PDF,       PDF,       NOT_FOUND, DENIED),
}  # fmt: skip

# The application the licence was issued on: submitted, released by commerce.
#                          A          B          broker     customs    commerce   port       anonymous
RELEASED_APPLICATION = {
    "list page":          (LISTED,    UNLISTED,  UNLISTED,  UNLISTED,  LISTED,    UNLISTED,  TO_LOGIN),
    "detail page":        (OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, OK,        NOT_FOUND, TO_LOGIN),
    "edit page":          (TO_DETAIL, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, TO_LOGIN),
    "API list":           (LISTED,    UNLISTED,  UNLISTED,  UNLISTED,  LISTED,    UNLISTED,  DENIED),
    "API detail":         (OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, OK,        NOT_FOUND, DENIED),
    "API timeline":       (OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, OK,        NOT_FOUND, DENIED),
    "API validate":       (OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, DENIED),
    "API PATCH":          (CONFLICT,  NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, DENIED),
    "API submit":         (CONFLICT,  NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, DENIED),
}  # fmt: skip

# A's draft application, complete: its own submit can succeed (last).
#                          A          B          broker     customs    commerce   port       anonymous
DRAFT_APPLICATION = {
    "list page":          (LISTED,    UNLISTED,  UNLISTED,  UNLISTED,  UNLISTED,  UNLISTED,  TO_LOGIN),
    "detail page":        (OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, TO_LOGIN),
    "edit page":          (OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, TO_LOGIN),
    "API list":           (LISTED,    UNLISTED,  UNLISTED,  UNLISTED,  UNLISTED,  UNLISTED,  DENIED),
    "API detail":         (OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, DENIED),
    "API timeline":       (NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, DENIED),
    "API validate":       (OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, DENIED),
    "API PATCH":          (SAVED,     NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, DENIED),
    "API submit":         (SENT,      NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, DENIED),
}  # fmt: skip

TRADE_LICENCE_TABLES = {"licence": TRADE_LICENCE, "released application": RELEASED_APPLICATION,
                  "draft application": DRAFT_APPLICATION}  # fmt: skip
APPLICATION_REMARKS = "请优先办理（内部）"  # typed by A on its application: never on the public page


@dataclass
class TradeLicenceWorld:
    parties: dict[str, Party]
    licence: Any
    released: Declaration
    draft: Declaration
    verify_path: str

    @property
    def marks(self) -> tuple[str, ...]:
        """What a refusal must never show: A's USCC and its remarks (the licence's number is in the address
        asked for, which the 404 page repeats)."""
        return (self.licence.holder.uscc, APPLICATION_REMARKS)

    def thing(self, name: str) -> Any:
        return {"licence": self.licence, "released application": self.released, "draft application": self.draft}[name]


@pytest.fixture
def trade_licence_world(db: None, settings) -> TradeLicenceWorld:  # type: ignore[no-untyped-def]
    from licensing import applications
    from licensing import certificate as licence_certificate
    from licensing.models import Licence

    from .licensing.test_applications import application, decide

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    org_a = factories.enterprise()
    clerk_a = factories.clerk(org_a)
    parties = {
        A: party(clerk_a),
        B: party(factories.clerk()),
        BROKER: party(factories.broker(org_a)),
        OFFICER: party(factories.officer(Agency.CUSTOMS)),
        COMMERCE: party(factories.officer(Agency.COMMERCE)),
        PORT: party(factories.officer(Agency.PORT)),
        ANONYMOUS: anonymous(),
    }
    released = application(clerk_a, remarks=APPLICATION_REMARKS)
    applications.application_submit(declaration=released, user=clerk_a)
    decide(released)  # commerce releases it: the licence is issued
    licence = Licence.objects.get(application=released)
    draft = application(clerk_a, remarks=APPLICATION_REMARKS)
    return TradeLicenceWorld(
        parties=parties,
        licence=licence,
        released=released,
        draft=draft,
        verify_path=urlsplit(licence_certificate.verify_url(licence)).path,
    )


def _seen(world: Any, response: HttpResponse) -> int | str:
    return seen(world, response)


def _listed(world: Any, response: HttpResponse, found: Callable[[HttpResponse], bool]) -> int | str:
    return listed(world, response, found)


def licence_verification(world: TradeLicenceWorld, who: Party, licence: Any) -> int | str:
    response = who.page.get(world.verify_path)
    if response.status_code != 200:
        return _seen(world, response)
    body = response.content.decode()
    if not all(fact in body for fact in (licence.number, licence.holder.name, licence.holder.uscc)):
        return "200 without the licence's facts"
    return f"200 showing {APPLICATION_REMARKS}" if APPLICATION_REMARKS in body else FACTS_ONLY


def application_edit_page(world: TradeLicenceWorld, who: Party, declaration: Declaration) -> int | str:
    response = who.page.get(f"/licences/applications/{declaration.pk}/edit/")
    if response.status_code == 302 and response["Location"] == f"/licences/applications/{declaration.pk}/":
        return TO_DETAIL
    return _seen(world, response)


def application_patch_api(world: TradeLicenceWorld, who: Party, declaration: Declaration) -> int | str:
    use = f"{who.user.username if who.user else ANONYMOUS} 自用"
    url = f"/api/v1/licence-applications/{declaration.pk}/"
    response = who.rest.patch(url, {"application": {"use_of_goods": use}}, format="json")
    declaration.licence_application.refresh_from_db()  # type: ignore[attr-defined]
    changed = declaration.licence_application.use_of_goods == use  # type: ignore[attr-defined]
    return changed_or_seen(world, response, changed, done=200, label=SAVED)  # type: ignore[arg-type]


def application_submit_api(world: TradeLicenceWorld, who: Party, declaration: Declaration) -> int | str:
    response = who.rest.post(f"/api/v1/licence-applications/{declaration.pk}/submit/")
    return SENT if response.status_code == 201 else _seen(world, response)


def licence_listed(number: str) -> Callable[[HttpResponse], bool]:
    return lambda response: f'href="/licences/{number}/"' in response.content.decode()


def application_listed(pk: int) -> Callable[[HttpResponse], bool]:
    link = re.compile(rf'href="/licences/applications/{pk}/(edit/)?"')
    return lambda response: bool(link.search(response.content.decode()))


TradeLicenceSurface = Callable[[TradeLicenceWorld, Party, Any], "int | str"]
TRADE_LICENCE_SURFACES: dict[str, TradeLicenceSurface] = {
    "licences page": lambda w, p, lic: _listed(w, p.page.get("/licences/"), licence_listed(lic.number)),
    "licence page": lambda w, p, lic: _seen(w, p.page.get(f"/licences/{lic.number}/")),
    "licence PDF": lambda w, p, lic: pdf(w, p.page.get(f"/licences/{lic.number}/pdf/")),  # type: ignore[arg-type]
    "verification page": licence_verification,
    "API licences": lambda w, p, lic: _listed(
        w, p.rest.get("/api/v1/licences/"), lambda r: lic.number in [row["number"] for row in r.json()["results"]]
    ),
    "API licence": lambda w, p, lic: _seen(w, p.rest.get(f"/api/v1/licences/{lic.number}/")),
    "API licence PDF": lambda w, p, lic: pdf(w, p.rest.get(f"/api/v1/licences/{lic.number}/pdf/")),  # type: ignore[arg-type]
}
APPLICATION_SURFACES: dict[str, TradeLicenceSurface] = {
    "list page": lambda w, p, d: _listed(w, p.page.get("/licences/applications/"), application_listed(d.pk)),
    "detail page": lambda w, p, d: _seen(w, p.page.get(f"/licences/applications/{d.pk}/")),
    "edit page": application_edit_page,
    "API list": lambda w, p, d: _listed(w, p.rest.get("/api/v1/licence-applications/"), in_api_list(d.pk)),
    "API detail": lambda w, p, d: _seen(w, p.rest.get(f"/api/v1/licence-applications/{d.pk}/")),
    "API timeline": lambda w, p, d: _seen(w, p.rest.get(f"/api/v1/licence-applications/{d.pk}/timeline/")),
    "API validate": lambda w, p, d: _seen(w, p.rest.post(f"/api/v1/licence-applications/{d.pk}/validate/")),
    "API PATCH": application_patch_api,
    "API submit": application_submit_api,
}
SURFACES |= {"licence": TRADE_LICENCE_SURFACES, "released application": APPLICATION_SURFACES,
             "draft application": APPLICATION_SURFACES}  # fmt: skip


@pytest.mark.parametrize("who", TRADE_LICENCE_PARTIES)
@pytest.mark.parametrize("obj", list(TRADE_LICENCE_TABLES))
def test_each_party_gets_exactly_what_it_may_of_a_licence_and_its_application_and_404_for_the_rest(
    trade_licence_world: TradeLicenceWorld, obj: str, who: str
) -> None:
    expected = column(TRADE_LICENCE_TABLES[obj], TRADE_LICENCE_PARTIES, who)
    assert observe(trade_licence_world, trade_licence_world.parties[who], obj, list(expected)) == expected  # type: ignore[arg-type]


# Cross-border e-commerce ---------------------------------------------------------------------
# Senders (a platform, a payment firm, a logistics firm, an inventory declarant, each with its own
# filing and signing key) and another platform; a customs officer; an inspection officer (inventories
# are not delivered to inspection); an anonymous visitor. A sender reads only its own receipts and
# filings (404 for another's); a message naming another firm's code is returned (100) and changes
# nothing; the officers' inventory list is customs'; the trace page and the quota lookup are public,
# showing only what the query proves. The declarant's guarantee and bonded account book and its 9610
# monthly summary are its own and customs' (customs alone records a tax payment); 404 for the rest.

CBEC_PLATFORM, CBEC_PAYMENT, CBEC_LOGISTICS, CBEC_DECLARANT = "platform", "payment firm", "logistics firm", "declarant"
OTHER_PLATFORM = "other platform"
CBEC_PARTIES = (CBEC_PLATFORM, CBEC_PAYMENT, CBEC_LOGISTICS, CBEC_DECLARANT, OTHER_PLATFORM, OFFICER, INSPECTION,
                ANONYMOUS)  # fmt: skip
ACCEPTED_120, NOT_YOURS_100, UNSIGNED_401 = "120 accepted", "100 not yours", "401 unsigned"
MASKED = "200, buyer masked"
QUOTA_SHOWN = "200 showing the quota"
ONE_ROW, NO_ROWS = "200, the released inventory's row", "200, no rows"

#                        platform       payment firm   logistics firm declarant      other platform officer        inspection     anonymous
CBEC = {
    "API send order":       (ACCEPTED_120, NOT_YOURS_100, NOT_YOURS_100, NOT_YOURS_100, NOT_YOURS_100, UNSIGNED_401, UNSIGNED_401, DENIED),
    "API order receipt":    (OK,           NOT_FOUND,     NOT_FOUND,     NOT_FOUND,     NOT_FOUND,     NOT_FOUND,    NOT_FOUND,    DENIED),
    "API receipts":         (LISTED,       UNLISTED,      UNLISTED,      UNLISTED,      UNLISTED,      UNLISTED,     UNLISTED,     DENIED),
    "API inventory receipt": (NOT_FOUND,   NOT_FOUND,     NOT_FOUND,     OK,            NOT_FOUND,     NOT_FOUND,    NOT_FOUND,    DENIED),
    "API filings":          (LISTED,       UNLISTED,      UNLISTED,      UNLISTED,      UNLISTED,      UNLISTED,     UNLISTED,     DENIED),
    "inventories page":     (NOT_FOUND,    NOT_FOUND,     NOT_FOUND,     NOT_FOUND,     NOT_FOUND,     OK,           NOT_FOUND,    TO_LOGIN),
    "trace page":           (MASKED,       MASKED,        MASKED,        MASKED,        MASKED,        MASKED,       MASKED,       MASKED),
    "quota page":           (QUOTA_SHOWN,  QUOTA_SHOWN,   QUOTA_SHOWN,   QUOTA_SHOWN,   QUOTA_SHOWN,   QUOTA_SHOWN,  QUOTA_SHOWN,  QUOTA_SHOWN),
    "guarantees page":      (UNLISTED,     UNLISTED,      UNLISTED,      LISTED,        UNLISTED,      LISTED,       NOT_FOUND,    TO_LOGIN),
    "guarantee page":       (NOT_FOUND,    NOT_FOUND,     NOT_FOUND,     OK,            NOT_FOUND,     OK,           NOT_FOUND,    TO_LOGIN),
    "API guarantee":        (NOT_FOUND,    NOT_FOUND,     NOT_FOUND,     OK,            NOT_FOUND,     OK,           NOT_FOUND,    DENIED),
    "API tax payment":      (NOT_FOUND,    NOT_FOUND,     NOT_FOUND,     NOT_FOUND,     NOT_FOUND,     CREATED,      NOT_FOUND,    DENIED),
    "account book page":    (NOT_FOUND,    NOT_FOUND,     NOT_FOUND,     OK,            NOT_FOUND,     OK,           NOT_FOUND,    TO_LOGIN),
    "API account book":     (NOT_FOUND,    NOT_FOUND,     NOT_FOUND,     OK,            NOT_FOUND,     OK,           NOT_FOUND,    DENIED),
    "9610 summary page":    (NO_ROWS,      NO_ROWS,       NO_ROWS,       ONE_ROW,       NO_ROWS,       ONE_ROW,      NOT_FOUND,    TO_LOGIN),
}  # fmt: skip


@dataclass
class CbecWorld:
    parties: dict[str, Party]
    senders: dict[str, Any]
    order_receipt: int
    inventory_receipt: int
    invt_no: str
    marks: tuple[str, ...] = ()
    guarantee: int = 0
    book: int = 0


@pytest.fixture
def cbec_world(db: None, settings) -> CbecWorld:  # type: ignore[no-untyped-def]
    from ecommerce import bonded, lifecycle
    from ecommerce.choices import MessageType
    from ecommerce.choices import Role as CbecRole
    from ecommerce.examples import Parcel, parcel_messages
    from ecommerce.models import Inventory, Receipt

    from .ecommerce.senders import file_products, make_sender

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    senders = {CBEC_PLATFORM: make_sender(CbecRole.PLATFORM, "PLAT000001"),
               CBEC_PAYMENT: make_sender(CbecRole.PAYMENT, "PAYF000001"),
               CBEC_LOGISTICS: make_sender(CbecRole.LOGISTICS, "LOGI000001"),
               CBEC_DECLARANT: make_sender(CbecRole.DECLARANT, "DECL000001"),
               OTHER_PLATFORM: make_sender(CbecRole.PLATFORM, "PLAT000002")}  # fmt: skip
    seller = make_sender(CbecRole.SELLER, "SELL000001")
    file_products(seller.filing)
    messages = parcel_messages(Parcel("ORD-MATRIX", "LN-MATRIX"))
    [order_receipt] = senders[CBEC_PLATFORM].send(messages[MessageType.ORDER])
    senders[CBEC_PAYMENT].send(messages[MessageType.PAYMENT])
    senders[CBEC_LOGISTICS].send(messages[MessageType.WAYBILL])
    senders[CBEC_DECLARANT].send(messages[MessageType.INVENTORY])
    inventory = Inventory.objects.get()
    declarant = senders[CBEC_DECLARANT].organisation
    guarantee = lifecycle.guarantee_lodge(organisation=declarant, assure_code="DECL000001", amount=Decimal("100"))
    book = bonded.book_open(organisation=declarant, ems_no="T5165W000009", customs_code="5165")
    lifecycle.inventories_release(ids=[inventory.pk])  # draws the guarantee: 28.21 yuan
    parties = {name: party(factories.clerk(sender.organisation)) for name, sender in senders.items()}
    parties[OFFICER] = party(factories.officer(Agency.CUSTOMS))
    parties[INSPECTION] = party(factories.officer(Agency.INSPECTION))
    parties[ANONYMOUS] = anonymous()
    inventory_receipt = Receipt.objects.filter(guid=inventory.guid).latest("pk").pk
    return CbecWorld(parties, senders, order_receipt.pk, inventory_receipt, inventory.invt_no,
                     marks=("ORD-MATRIX", inventory.invt_no, "DECL000001", "T5165W000009"), guarantee=guarantee.pk,
                     book=book.pk)  # fmt: skip


def cbec_seen(world: CbecWorld, response: HttpResponse) -> int | str:
    if response.status_code >= 400 and any(mark in response.content.decode(errors="replace") for mark in world.marks):
        return LEAKED
    if response.status_code == 302 and to_login(response):
        return TO_LOGIN
    return response.status_code


def cbec_send_order(world: CbecWorld, who: Party, name: str) -> int | str:
    from ecommerce.choices import MessageType
    from ecommerce.examples import Parcel, parcel_messages
    from ecommerce.messages import batch_bytes
    from ecommerce.models import Order

    body = batch_bytes([parcel_messages(Parcel(f"ORD-BY-{len(name)}-{name[:3]}", "LN-X"))[MessageType.ORDER]])
    sender = world.senders.get(name)
    headers = {}
    if sender is not None:
        signed = sender.signed(body)
        headers = {"HTTP_X_KEY_ID": signed["key_id"], "HTTP_X_SIGNATURE": signed["signature"]}
    before = Order.objects.count()
    response = who.rest.post("/api/v1/ecommerce/messages/", data=body, content_type="application/xml", **headers)
    if response.status_code == 401 and "receipts" in response.json():
        return UNSIGNED_401 if Order.objects.count() == before else "401 but stored"
    if response.status_code != 202:
        return cbec_seen(world, response)
    [receipt] = response.json()["receipts"]
    stored = Order.objects.count() - before
    if (receipt["status"], stored) == (120, 1):
        return ACCEPTED_120
    if (receipt["status"], receipt["code"], stored) == (100, "not_yours", 0):
        return NOT_YOURS_100
    return f"{receipt['status']} {receipt['code']}, {stored} stored"


def cbec_listed(world: CbecWorld, response: HttpResponse, found: Callable[[Any], bool]) -> int | str:
    if response.status_code != 200:
        return cbec_seen(world, response)
    return LISTED if found(response.json()["results"]) else UNLISTED


def cbec_trace(world: CbecWorld, who: Party) -> int | str:
    response = who.page.get("/ecommerce/trace/", {"order_no": "ORD-MATRIX"})
    body = response.content.decode()
    if response.status_code != 200 or world.invt_no not in body:
        return cbec_seen(world, response)
    return MASKED if "110101199001011234" not in body and "张三" not in body else "200 showing the buyer"


def cbec_quota(world: CbecWorld, who: Party) -> int | str:
    asked = {"id_number": "110101199001011234", "name": "张三", "order_no": "ORD-MATRIX"}
    shown = 'id="used">310.00<' in who.page.post("/ecommerce/quota/", asked).content.decode()
    hidden = 'id="used"' not in who.page.post("/ecommerce/quota/", {**asked, "name": "李四"}).content.decode()
    return QUOTA_SHOWN if shown and hidden else f"shown {shown}, hidden for a wrong name {hidden}"


def cbec_tax_payment(world: CbecWorld, who: Party) -> int | str:
    from ecommerce.models import Guarantee

    before = Guarantee.objects.get().balance
    response = who.rest.post(f"/api/v1/ecommerce/guarantees/{world.guarantee}/payments/",
                             {"amount": "10.00", "reference": "TAX-MATRIX"}, format="json")  # fmt: skip
    restored = Guarantee.objects.get().balance - before
    if response.status_code == 201:
        return CREATED if restored == 10 else f"201, restored {restored}"
    return cbec_seen(world, response) if restored == 0 else f"{response.status_code} but restored {restored}"


def cbec_summary(world: CbecWorld, who: Party) -> int | str:
    response = who.page.get("/ecommerce/summary/")
    if response.status_code != 200:
        return cbec_seen(world, response)
    return {0: NO_ROWS, 1: ONE_ROW}.get(response.content.decode().count('class="summary-row"'), "other rows")


def cbec_guarantees(world: CbecWorld, who: Party) -> int | str:
    response = who.page.get("/ecommerce/guarantees/")
    if response.status_code != 200:
        return cbec_seen(world, response)
    return LISTED if f'id="guarantee-{world.guarantee}"' in response.content.decode() else UNLISTED


CbecSurface = Callable[[CbecWorld, Party, str], "int | str"]
CBEC_SURFACES: dict[str, CbecSurface] = {
    "API send order": cbec_send_order,
    "API order receipt": lambda w, p, n: cbec_seen(w, p.rest.get(f"/api/v1/ecommerce/receipts/{w.order_receipt}/")),
    "API receipts": lambda w, p, n: cbec_listed(w, p.rest.get("/api/v1/ecommerce/receipts/"),
                                                lambda rows: w.order_receipt in [r["id"] for r in rows]),
    "API inventory receipt": lambda w, p, n: cbec_seen(
        w, p.rest.get(f"/api/v1/ecommerce/receipts/{w.inventory_receipt}/")),
    "API filings": lambda w, p, n: cbec_listed(w, p.rest.get("/api/v1/ecommerce/filings/"),
                                               lambda rows: "PLAT000001" in [r["code"] for r in rows]),
    "inventories page": lambda w, p, n: cbec_seen(w, p.page.get("/ecommerce/inventories/")),
    "trace page": lambda w, p, n: cbec_trace(w, p),
    "quota page": lambda w, p, n: cbec_quota(w, p),
    "guarantees page": lambda w, p, n: cbec_guarantees(w, p),
    "guarantee page": lambda w, p, n: cbec_seen(w, p.page.get(f"/ecommerce/guarantees/{w.guarantee}/")),
    "API guarantee": lambda w, p, n: cbec_seen(w, p.rest.get(f"/api/v1/ecommerce/guarantees/{w.guarantee}/")),
    "API tax payment": lambda w, p, n: cbec_tax_payment(w, p),
    "account book page": lambda w, p, n: cbec_seen(w, p.page.get(f"/ecommerce/books/{w.book}/")),
    "API account book": lambda w, p, n: cbec_seen(w, p.rest.get(f"/api/v1/ecommerce/books/{w.book}/")),
    "9610 summary page": lambda w, p, n: cbec_summary(w, p),
}  # fmt: skip


@pytest.mark.parametrize("who", CBEC_PARTIES)
def test_each_party_gets_exactly_what_it_may_of_cross_border_e_commerce_and_404_for_the_rest(
    cbec_world: CbecWorld, who: str
) -> None:
    expected = column(CBEC, CBEC_PARTIES, who)
    got = {surface: CBEC_SURFACES[surface](cbec_world, cbec_world.parties[who], who) for surface in expected}
    assert got == expected
