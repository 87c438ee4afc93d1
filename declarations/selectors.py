"""Every read of declarations, scoped to what the user's organisation may see (S2)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from singlewindow.choices import OrganisationKind
from singlewindow.delegations import delegated_scope
from singlewindow.models import AuditEntry, User

from .choices import GOODS
from .fields import CONTAINER_FIELDS, HEADER_FIELDS, LINE_FIELDS
from .models import AttachedDocument, Declaration, DeclarationVersion, Delivery, HSCode, Revision
from .snapshot import declaration_snapshot


def declarations_visible_to(user: User, category: str | None = GOODS) -> QuerySet[Declaration]:
    """An enterprise (or a ship agency, for vessels) sees its own; an agency sees what was submitted to
    it; nobody sees the rest. Goods and vessel declarations are listed apart (category None: either)."""
    org = user.organisation
    queryset = Declaration.objects.select_related("owner")
    if category is not None:
        queryset = queryset.filter(category=category)
    if org is None:
        return queryset.none()
    if org.kind in (OrganisationKind.ENTERPRISE, OrganisationKind.SHIP_AGENCY):
        return queryset.filter(owner=org)
    if org.kind == OrganisationKind.BROKER:
        # Its clients' declarations of the kinds delegated, while a delegation is in force.
        return queryset.filter(delegated_scope(broker_id=org.pk))
    if org.kind == OrganisationKind.AGENCY:
        # What was actually sent to this agency, whatever the firm changed since.
        sent = Delivery.objects.filter(version__declaration=OuterRef("pk"), agency=org.agency)
        return queryset.filter(Exists(sent))
    return queryset.none()


def declaration_get(*, user: User, pk: int, category: str | None = GOODS) -> Declaration:
    try:
        return declarations_visible_to(user, category).select_related(None).get(pk=pk)
    except (Declaration.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def declaration_get_own(*, user: User, pk: int, reference: bool = False, category: str = GOODS) -> Declaration:
    """A declaration the user's organisation owns, or prepares for a client under a delegation in force
    (may edit, copy or submit); 404 for anyone else. With reference=True only its id and owner are
    loaded: enough for a service that locks and reloads the row itself (declaration_submit)."""
    try:
        queryset = Declaration.objects.filter(preparer_scope(user), category=category)
        return (queryset.only("id", "owner_id") if reference else queryset).get(pk=pk)
    except (Declaration.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def preparer_scope(user: User, *, submit: bool = False) -> Q:
    """Declarations this user may prepare (or, with submit, submit): its enterprise's own, or its
    broker's clients' under a delegation in force."""
    org = user.organisation
    if org is not None and org.kind == OrganisationKind.BROKER:
        return delegated_scope(broker_id=org.pk, submit=submit)
    return Q(owner_id=user.organisation_id)


def document_get(*, user: User, declaration_pk: int, pk: int) -> AttachedDocument:
    """An attached document: the firm's own, or for an agency one that was part of what was submitted."""
    declaration = declaration_get(user=user, pk=declaration_pk)
    documents = declaration.documents.all()
    if not user_prepares(user, declaration):
        documents = documents.filter(sha256__in=[d["sha256"] for d in _submitted(declaration)["documents"]])
    try:
        return documents.get(pk=pk)
    except AttachedDocument.DoesNotExist:
        raise Http404 from None


def working_rows(declaration: Declaration) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The working copy's goods lines and containers as plain rows (for forms and pages)."""
    lines = [{n: getattr(line, n) for n in LINE_FIELDS} for line in declaration.lines.all()]
    containers = [{n: getattr(c, n) for n in CONTAINER_FIELDS} for c in declaration.containers.all()]
    return lines, containers


def working_copy(declaration: Declaration) -> dict[str, Any]:
    """The working copy in the canonical form (what a submission would freeze now)."""
    return declaration_snapshot(
        declaration,
        list(declaration.lines.all()),
        list(declaration.containers.all()),
        list(declaration.documents.all()),
    )


def declaration_state(*, declaration: Declaration, version: str) -> dict[str, Any]:
    """A version's frozen data ("1", "2", …), a revision sent for review ("r1", "r2", …) or the working
    copy ("draft"), in the canonical form."""
    if version == "draft":
        return working_copy(declaration)
    if version.startswith("r"):
        return revision_get(declaration=declaration, number=version[1:]).payload
    try:
        return declaration.versions.get(number=int(version)).payload
    except (ValueError, declaration.versions.model.DoesNotExist):
        raise Http404 from None


def revision_get(*, declaration: Declaration, number: str) -> Revision:
    """A revision sent for review, by its number ("2"); 404 for anything else."""
    revision = (
        declaration.revisions.select_related("sent_by").filter(number=int(number)).first() if number.isdigit() else None
    )
    if revision is None:
        raise Http404
    return revision


def user_prepares(user: User, declaration: Declaration) -> bool:
    """The firm, or its broker under a delegation in force: they work on the working copy."""
    if declaration.owner_id == user.organisation_id:
        return True
    return Declaration.objects.filter(preparer_scope(user), pk=declaration.pk).exists()


def _submitted(declaration: Declaration) -> dict[str, Any]:
    return declaration.versions.get(number=declaration.version_count).payload


@dataclass
class Content:
    """What a user is shown of a declaration's data."""

    target: str
    header: dict[str, Any]
    lines: list[dict[str, Any]]
    containers: list[dict[str, Any]]
    documents: list[AttachedDocument]


def declaration_content(*, user: User, declaration: Declaration) -> Content:
    """The firm sees its working copy; everyone else sees only the latest submitted (frozen) version,
    never corrections the firm is still making, nor documents attached since."""
    if user_prepares(user, declaration):
        lines, containers = working_rows(declaration)
        return Content(
            target=declaration.target,
            header={name: getattr(declaration, name) for name in HEADER_FIELDS},
            lines=lines,
            containers=containers,
            documents=list(declaration.documents.all()),
        )
    payload = _submitted(declaration)
    shas = [d["sha256"] for d in payload["documents"]]
    return Content(
        target=payload["target"],
        header=payload["header"],
        lines=payload["lines"],
        containers=payload["containers"],
        documents=list(declaration.documents.filter(sha256__in=shas)),
    )


def latest_payloads(declarations: Sequence[Declaration]) -> dict[int, dict[str, Any]]:
    """Each submitted declaration's latest frozen payload (id → payload), in one query."""
    wanted = Q()
    for declaration in declarations:
        if declaration.version_count:
            wanted |= Q(declaration_id=declaration.pk, number=declaration.version_count)
    if not wanted:
        return {}
    return dict(DeclarationVersion.objects.filter(wanted).values_list("declaration_id", "payload"))


def as_sent_to_agency(*, user: User, declarations: list[Declaration]) -> list[Declaration]:
    """For an agency's officer, the listed declarations' header values replaced, in memory only, by those
    of the version it was sent (one query): the firm's later corrections stay the firm's."""
    if user.organisation is None or user.organisation.kind != OrganisationKind.AGENCY or not declarations:
        return declarations
    payloads = latest_payloads(declarations)
    for declaration in declarations:
        payload = payloads.get(declaration.pk)
        if payload is None or payload.get("category", GOODS) != GOODS:
            continue
        declaration.target, declaration.direction, declaration.kind = (
            payload["target"],
            payload["direction"],
            payload["kind"],
        )
        for name in HEADER_FIELDS:
            setattr(declaration, name, payload["header"].get(name))
    return declarations


def declaration_history(*, declaration: Declaration) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(
        object_type=Declaration._meta.label_lower, object_id=str(declaration.pk)
    ).select_related("actor")


def hs_search(*, query: str, limit: int = 20) -> list[HSCode]:
    """Subheadings whose code starts with the query's digits, or whose description has its words."""
    query = query.strip()
    if not query:
        return []
    queryset = HSCode.objects.filter(level=6)
    digits = query.replace(".", "").replace(" ", "")
    if digits.isdigit():
        queryset = queryset.filter(code__startswith=digits[:6])
    else:
        condition = Q()
        for word in query.split()[:5]:
            condition &= Q(description__icontains=word)
        queryset = queryset.filter(condition)
    return list(queryset.order_by("code")[:limit])
