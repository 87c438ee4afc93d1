"""Who gets what: five parties against a draft, a submitted declaration, an import job and a comment,
on every page and API address that shows or changes them.

The rules: an enterprise sees its own. A customs broker sees its clients' declarations of the kinds
delegated while a delegation is in force, and import jobs only of its own organisation. An agency
officer sees what was delivered to its agency: submitted declarations, never drafts, never the review
with its comments, never the diff, never import jobs. Everyone else gets 404: never 403, and never a
line of the other firm's data.

Each table below is the spec for one object: a row per surface, a column per party.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client, TestCase
from django.utils import timezone
from lxml import etree
from rest_framework.test import APIClient

from declarations.choices import EventKind
from declarations.events import AgencyEvent, events_record
from declarations.examples import example_header, example_line
from declarations.interchange import xml_format
from declarations.models import Comment, Declaration, Delivery, ImportJob
from singlewindow.choices import Agency, Role
from singlewindow.delegations import delegation_revoke
from singlewindow.models import Delegation, Organisation, User

from . import factories
from .clients import api, web

pytestmark = pytest.mark.django_db

# What a party gets.
OK, CREATED, NOT_FOUND = 200, 201, 404
TO_DETAIL = "302 to the detail page"  # a submitted declaration is not edited: its editor is sent to read it
NOT_SUBMITTED = "404 not submitted yet"  # the draft's timeline: the party may look, there is none yet
LISTED, UNLISTED = "listed", "not listed"
SHOWN = "shown"
ADDED = "added"
LEAKED = "404 showing A's data"

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
}  # fmt: skip

#                     A              B          broker         lone broker officer
IMPORT_JOB = {
    "import page":   (OK,            NOT_FOUND, NOT_FOUND,     NOT_FOUND, NOT_FOUND),
    "imports page":  (LISTED,        UNLISTED,  UNLISTED,      UNLISTED,  UNLISTED),
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

TABLES = {"draft": DRAFT, "submitted declaration": SUBMITTED, "import job": IMPORT_JOB, "comment": COMMENT}

COMMENT_TEXT = "毛重应为2460.5"
ERP_FILE_NAME = "erp-a-0815.xml"


@dataclass
class Party:
    """One party's page client and API client, logged in once and kept (like a browser session)."""

    user: User
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

    def thing(self, name: str) -> Any:
        return {
            "draft": self.draft,
            "submitted declaration": self.submitted,
            "import job": self.job,
            "comment": self.comment,
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
    submitted.refresh_from_db()

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

    return World(
        client_org=org_a,
        parties=parties,
        draft=draft,
        submitted=submitted,
        job=job,
        comment=Comment.objects.get(declaration=draft),
    )


# What each surface gives a party ----------------------------------------------------------------


def seen(world: World, response: HttpResponse) -> int | str:
    """The status; a 404 that still shows A's master data, its comment or its import is a leak."""
    if response.status_code == 404:
        body = response.content.decode()
        if any(mark in body for mark in (world.client_org.uscc, COMMENT_TEXT, ERP_FILE_NAME)):
            return LEAKED
    return response.status_code


def listed(world: World, response: HttpResponse, found: Callable[[HttpResponse], bool]) -> int | str:
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
    if response.status_code == 404 and response.json().get("errors", [{}])[0].get("code") == "not_submitted":
        return NOT_SUBMITTED
    return seen(world, response)


def diff(world: World, who: Party, declaration: Declaration) -> int | str:
    """Version 1 against the working copy; a draft never submitted has no version, so working copy
    against itself (the permission is the same question)."""
    since = "1" if declaration.version_count else "draft"
    return seen(world, who.rest.get(f"/api/v1/declarations/{declaration.pk}/diff/?from={since}"))


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

SURFACES: dict[str, dict[str, Any]] = {
    "draft": DECLARATION_SURFACES,
    "submitted declaration": DECLARATION_SURFACES,
    "import job": IMPORT_SURFACES,
    "comment": COMMENT_SURFACES,
}


def observe(world: World, who: Party, obj: str, surfaces: list[str]) -> dict[str, int | str]:
    thing = world.thing(obj)
    return {surface: SURFACES[obj][surface](world, who, thing) for surface in surfaces}


# The matrix ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", PARTIES)
@pytest.mark.parametrize("obj", list(TABLES))
def test_each_party_gets_exactly_what_it_may_and_404_for_the_rest(world: World, obj: str, who: str) -> None:
    column = PARTIES.index(who)
    expected = {surface: row[column] for surface, row in TABLES[obj].items()}
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
