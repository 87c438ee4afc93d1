"""Every read of declarations, scoped to what the user's organisation may see (S2)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils.translation import gettext as _

from singlewindow.choices import OrganisationKind
from singlewindow.delegations import delegated_scope
from singlewindow.elicence import signature_shown, signatures_for
from singlewindow.models import AuditEntry, Organisation, User
from singlewindow.prepared import prepared

from . import nomenclature
from .choices import GOODS, DeclarationStatus
from .fields import CONTAINER_FIELDS, HEADER_FIELDS, LINE_FIELDS, ONE_TABLE
from .models import AttachedDocument, Declaration, DeclarationVersion, Delivery, GoodsLine, Revision
from .registry import agencies_for, fields_for, parts_for
from .registry import category as category_of
from .snapshot import declaration_snapshot, digest
from .timeline import Timeline, timeline_for


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
        # What was actually delivered to this agency, whatever the firm changed since: each declaration
        # with the latest version its agency's system took (seen_version), which searches and filters
        # read (declarations_search, declarations_where) instead of the firm's working copy.
        delivered = _delivered_to(org.agency).filter(version__declaration=OuterRef("pk")).order_by("-version__number")
        return queryset.annotate(seen_version=Subquery(delivered.values("version_id")[:1])).filter(
            seen_version__isnull=False
        )
    return queryset.none()


def officer_agency(user: User) -> str | None:
    """The agency whose officer the user is, or None for anyone else."""
    org = user.organisation
    return org.agency if org is not None and org.kind == OrganisationKind.AGENCY and org.agency else None


def _delivered_to(agency: str) -> QuerySet[Delivery]:
    """The branches an agency has: delivered (its system took the message), whatever came after. A
    branch still being delivered, failed, or superseded before delivery was never the agency's."""
    return Delivery.objects.filter(agency=agency, delivered_at__isnull=False)


def delivered_versions(*, user: User, declarations: Sequence[Declaration]) -> dict[int, DeclarationVersion]:
    """For an agency's officer, the latest version of each declaration delivered to its agency (id →
    version), in one query; {} for anyone else."""
    agency = officer_agency(user)
    if agency is None or not declarations:
        return {}
    # The same on PostgreSQL and on the SQLite `make run` uses (which has no DISTINCT ON).
    latest = (
        _delivered_to(agency)
        .filter(version__declaration_id=OuterRef("declaration_id"))
        .order_by("-version__number")
        .values("version_id")[:1]
    )
    versions = DeclarationVersion.objects.filter(declaration_id__in=[d.pk for d in declarations], pk=Subquery(latest))
    return {version.declaration_id: version for version in versions}


def delivered_version(*, user: User, declaration: Declaration) -> DeclarationVersion:
    """The latest version of the declaration delivered to the officer's agency; 404 if none."""
    found = delivered_versions(user=user, declarations=[declaration]).get(declaration.pk)
    if found is None:
        raise Http404
    return found


def as_received(payload: dict[str, Any], agency: str) -> dict[str, Any]:
    """What of a frozen payload one agency receives: of a goods declaration the one-table fields of its
    field map (header, goods lines, containers); of another category every list but the category's
    parts the agency is not sent (a vessel's crew list goes to border inspection, not to customs)."""
    kind = payload.get("category", GOODS)
    if kind == GOODS:
        keys = fields_for((agency,))
        return {
            **payload,
            "header": {n: v for n, v in payload["header"].items() if f"header.{n}" in keys},
            "lines": [
                {n: v for n, v in line.items() if n == "line_no" or f"line.{n}" in keys} for line in payload["lines"]
            ],
            "containers": [{n: v for n, v in c.items() if f"container.{n}" in keys} for c in payload["containers"]],
        }
    received = set(parts_for(agency, kind))
    return {key: value for key, value in payload.items() if key not in category_of(kind).parts or key in received}


def delivered_payloads(*, user: User, declarations: Sequence[Declaration]) -> dict[int, dict[str, Any]]:
    """For an agency's officer, each declaration as its agency received it: the latest version delivered
    to it, restricted to what its agency is sent (id → payload, with "version": its number); {} for
    anyone else."""
    agency = officer_agency(user)
    if agency is None:
        return {}
    return {
        pk: {**as_received(version.payload, agency), "version": version.number}
        for pk, version in delivered_versions(user=user, declarations=declarations).items()
    }


SEARCHED = ("bill_of_lading", "contract_no", "domestic_party_name", "overseas_party_name", "licence_no", "record_no")


def declarations_search(*, queryset: QuerySet[Declaration], user: User, text: str) -> QuerySet[Declaration]:
    """The list's search: the pre-entry number and the searched header fields. The firm and its broker
    search their working copies; an officer what its agency was delivered, and only the fields its
    agency receives (a value of another agency's field finds nothing)."""
    text = text.strip()
    agency = officer_agency(user)
    if agency is None:
        condition = Q(pre_entry_no__icontains=text)
        for name in SEARCHED:
            condition |= Q(**{f"{name}__icontains": text})
        return queryset.filter(condition)
    keys = fields_for((agency,))
    received = [Q(**{f"payload__header__{n}__icontains": text}) for n in SEARCHED if f"header.{n}" in keys]
    if not received:
        return queryset.filter(pre_entry_no__icontains=text)
    any_received = received[0]
    for other in received[1:]:
        any_received |= other
    seen = DeclarationVersion.objects.filter(any_received, pk=OuterRef("seen_version"))
    return queryset.filter(Q(pre_entry_no__icontains=text) | Q(Exists(seen)))


def declarations_where(*, queryset: QuerySet[Declaration], user: User, name: str, value: str) -> QuerySet[Declaration]:
    """The list's filters on what a declaration says (target, direction, kind): the working copy for the
    firm and its broker, the version delivered for an officer."""
    if officer_agency(user) is None:
        return queryset.filter(**{name: value})
    return queryset.filter(
        Exists(DeclarationVersion.objects.filter(pk=OuterRef("seen_version"), **{f"payload__{name}": value}))
    )


def declaration_get(*, user: User, pk: int, category: str | None = GOODS) -> Declaration:
    try:
        return declarations_visible_to(user, category).select_related(None).get(pk=pk)
    except (Declaration.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def declaration_get_own(*, user: User, pk: int, reference: bool = False, category: str | None = GOODS) -> Declaration:
    """A declaration the user's organisation owns, or prepares for a client under a delegation in force
    (may edit, copy or submit); 404 for anyone else. With reference=True only its id and owner are
    loaded: enough for a service that locks and reloads the row itself (declaration_submit). category=None:
    a filing of any category (attached documents serve them all); a delegation covers goods declarations only,
    so another category's filing is its owner's alone."""
    try:
        if reference and category is not None and not _is_broker(user):
            # By its key alone, then compared: filtered by owner too, the planner may walk the owner's index
            # (a firm with thousands of declarations) where the key finds the one row.
            found = _own_reference.first(pk=int(pk))
            if found is None or found.owner_id != user.organisation_id or found.category != category:
                raise Http404
            return found
        queryset = Declaration.objects.filter(preparer_scope(user))
        if category is not None:
            queryset = queryset.filter(category=category)
        else:
            queryset = queryset.filter(Q(category=GOODS) | Q(owner_id=user.organisation_id))
        return (queryset.only("id", "owner_id") if reference else queryset).get(pk=pk)
    except (Declaration.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@prepared
def _own_reference(*, pk: int) -> QuerySet[Declaration]:
    return Declaration.objects.filter(pk=pk).order_by().only("id", "owner_id", "category")


def _is_broker(user: User) -> bool:
    return user.organisation is not None and user.organisation.kind == OrganisationKind.BROKER


def owners_of(declarations: Sequence[Declaration]) -> dict[int, Organisation]:
    """Each declaration's owner by id: those already loaded on a declaration as they are (a submission has
    loaded its own), the others in one query. Rules and the freeze ask for owners in turn; this asks the
    database once."""
    owners = {d.owner_id: d.owner for d in declarations if Declaration.owner.is_cached(d)}
    missing = {d.owner_id for d in declarations} - owners.keys()
    if missing:
        owners.update(Organisation.objects.in_bulk(missing))
    return owners


def preparer_scope(user: User, *, submit: bool = False) -> Q:
    """Declarations this user may prepare (or, with submit, submit): its enterprise's own, or its
    broker's clients' under a delegation in force."""
    if _is_broker(user):
        return delegated_scope(broker_id=user.organisation_id, submit=submit)
    return Q(owner_id=user.organisation_id)


def document_get(*, user: User, declaration_pk: int, pk: int) -> AttachedDocument:
    """An attached document of a filing of any category: the firm's own, or for an agency one that was part of
    what was submitted to it."""
    declaration = declaration_get(user=user, pk=declaration_pk, category=None)
    documents = declaration.documents.all()
    if not user_prepares(user, declaration):
        delivered = delivered_version(user=user, declaration=declaration).payload
        documents = documents.filter(sha256__in=[d["sha256"] for d in delivered.get("documents", [])])
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
        declaration.revisions.select_related("sent_by").filter(number=int(number)).first()
        if number.isascii() and number.isdigit()  # "²" is a digit to isdigit() and not to int()
        else None
    )
    if revision is None:
        raise Http404
    return revision


def may_declare(user: User) -> bool:
    """Whether the user's organisation files goods declarations: an enterprise, or a broker for its
    clients. Agencies and ship agencies are not offered the declaring pages, which answer 404 to them."""
    org = user.organisation
    return org is not None and org.kind in (OrganisationKind.ENTERPRISE, OrganisationKind.BROKER)


def user_prepares(user: User, declaration: Declaration) -> bool:
    """The firm, or its broker under a delegation in force: they work on the working copy."""
    if declaration.owner_id == user.organisation_id:
        return True
    return Declaration.objects.filter(preparer_scope(user), pk=declaration.pk).exists()


@dataclass
class Content:
    """What a user is shown of a declaration's data: `keys`, the one-table fields shown (for an officer,
    those its agency receives); `version`, the frozen version shown (None: the working copy)."""

    target: str
    direction: str
    kind: str
    header: dict[str, Any]
    lines: list[dict[str, Any]]
    containers: list[dict[str, Any]]
    documents: list[AttachedDocument]
    keys: frozenset[str]
    version: DeclarationVersion | None = None


def declaration_content(*, user: User, declaration: Declaration) -> Content:
    """The firm (and its broker) sees its working copy. An agency's officer sees the latest version
    delivered to its agency and of it only the fields its agency receives: never corrections the firm is
    still making, a version its agency was not sent, documents attached since, or another agency's data."""
    if user_prepares(user, declaration):
        lines, containers = working_rows(declaration)
        return Content(
            target=declaration.target,
            direction=declaration.direction,
            kind=declaration.kind,
            header={name: getattr(declaration, name) for name in HEADER_FIELDS},
            lines=lines,
            containers=containers,
            documents=list(declaration.documents.all()),
            keys=fields_for(agencies_for(declaration.target)),
        )
    agency = officer_agency(user)
    if agency is None:
        raise Http404
    version = delivered_version(user=user, declaration=declaration)
    payload = as_received(version.payload, agency)
    shas = [d["sha256"] for d in payload["documents"]]
    return Content(
        target=payload["target"],
        direction=payload["direction"],
        kind=payload["kind"],
        header=payload["header"],
        lines=payload["lines"],
        containers=payload["containers"],
        documents=list(declaration.documents.filter(sha256__in=shas)),
        keys=fields_for((agency,)),
        version=version,
    )


def timeline_seen(*, user: User, declaration: Declaration) -> Timeline | None:
    """The timeline a user may read: of the latest version for the firm and its broker; for an officer, of
    the latest version delivered to its agency (never of one it was not sent)."""
    agency = officer_agency(user)
    if agency is None or user_prepares(user, declaration):
        return timeline_for(declaration)
    timeline = timeline_for(declaration, up_to=delivered_version(user=user, declaration=declaration).number)
    return _shared_part(timeline, agency) if timeline else None


def _shared_part(timeline: Timeline, agency: str) -> Timeline:
    """What an officer reads of other agencies' branches: where each stands (the status every agency
    shares), not their words — another agency's reasons, the fields they name, inspection results and
    duties are that agency's and the firm's."""
    timeline.branches = [
        b if b.agency == agency else replace(b, reason="", field="", field_name="") for b in timeline.branches
    ]
    timeline.events = [e if e.agency in (agency, "") else replace(e, data={}) for e in timeline.events]
    if timeline.duties and timeline.duties["agency"] != agency:
        timeline.duties = None
    return timeline


def versions_seen(*, user: User, declaration: Declaration) -> QuerySet[DeclarationVersion]:
    """The versions a user may read: all for the firm and its broker, for an officer those delivered to
    its agency."""
    versions = declaration.versions.select_related("submitted_by")
    if user_prepares(user, declaration):
        return versions
    agency = officer_agency(user)
    if agency is None:
        return versions.none()
    return versions.filter(pk__in=_delivered_to(agency).values("version_id"))


SIGNED_VERSION = "declaration_version"  # a version's signature's object type (pipeline.declaration_freeze)


def version_signatures(versions: Sequence[DeclarationVersion]) -> dict[int, dict[str, Any]]:
    """Each version's signature as shown (who signed, in what right, under which grant), verified now
    against the digest of the version's payload as stored: a payload changed since says "not verified"."""
    found = signatures_for(object_type=SIGNED_VERSION, object_ids=[str(v.pk) for v in versions])
    return {v.pk: signature_shown(found[str(v.pk)], digest=digest(v.payload)) for v in versions if str(v.pk) in found}


def as_sent_to_agency(*, user: User, declarations: list[Declaration]) -> list[Declaration]:
    """For an agency's officer, the listed goods declarations as its agency received them, in memory only
    (one query): what they say from the latest version delivered to it, a field its agency does not
    receive blank, and the version's number and time; the firm's later corrections stay the firm's."""
    agency = officer_agency(user)
    versions = delivered_versions(user=user, declarations=declarations)
    if agency is None or not versions:
        return declarations
    for declaration in declarations:
        version = versions.get(declaration.pk)
        if version is None or version.payload.get("category", GOODS) != GOODS:
            continue
        payload = as_received(version.payload, agency)
        declaration.target, declaration.direction, declaration.kind = (
            payload["target"],
            payload["direction"],
            payload["kind"],
        )
        declaration.version_count, declaration.submitted_at = version.number, version.submitted_at
        declaration.reference, declaration.review_state = "", ""  # the firm's own, never sent
        for name in HEADER_FIELDS:
            blank = None if Declaration._meta.get_field(name).null else ""
            setattr(declaration, name, payload["header"].get(name, blank))
    return declarations


def declaration_history(*, declaration: Declaration) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(
        object_type=Declaration._meta.label_lower, object_id=str(declaration.pk)
    ).select_related("actor")


HISTORY_DECLARATIONS = 500  # the firm's latest submitted declarations its goods names are looked up in
HISTORY_SHOWN = 5


def hs_search(
    *, query: str, limit: int = 20, user: User | None = None, client_id: int | None = None, context: bool = False
) -> list[nomenclature.Match]:
    """Codes for what was typed (digits of a code, a goods name in Chinese, English words): first the goods
    names the user's firm declared before with the code it used (hs_history), then the nomenclature's
    subheadings (nomenclature.search; with context, the headings and chapters found too)."""
    declared = hs_history(user=user, client_id=client_id, query=query) if user is not None else []
    return [*declared, *nomenclature.search(query=query, limit=limit, context=context)][:limit]


def hs_history(
    *, user: User, client_id: int | None, query: str, limit: int = HISTORY_SHOWN
) -> list[nomenclature.Match]:
    """The goods names the firm declared before whose name has every word typed (or whose code begins
    with the digits typed), with the commodity code it used, most recent first. The firm is the user's
    enterprise, or for a broker the client it is working for (within its delegations); nobody else's."""
    owner = _history_owner(user, client_id)
    query = query.strip()
    if owner is None or not query:
        return []
    recent = (
        declarations_visible_to(user)
        .filter(owner_id=owner, submitted_at__isnull=False)
        .order_by("-pk")
        .values("pk")[:HISTORY_DECLARATIONS]
    )
    lines = GoodsLine.objects.filter(declaration_id__in=Subquery(recent)).exclude(hs_code="").exclude(name="")
    digits = nomenclature.digits_of(query)
    if digits:
        lines = lines.filter(hs_code__startswith=digits)
    else:
        condition = Q()
        for word in query.split()[:5]:  # Chinese has no case: a plain LIKE, not UPPER() of every name
            condition &= Q(name__contains=word) if nomenclature.has_chinese(word) else Q(name__icontains=word)
        lines = lines.filter(condition)
    found: dict[tuple[str, str], None] = {}
    for name, code in lines.order_by("-declaration_id", "line_no").values_list("name", "hs_code")[:200]:
        found.setdefault((name, code), None)
        if len(found) >= limit:
            break
    matches = []
    for name, code in found:
        described = nomenclature.label(code)
        matches.append(
            nomenclature.Match(
                code=code,
                level=6,
                description=described,
                description_zh="",
                parent=code[:4],
                section="",
                label=described,
                declared=name,
            )
        )
    return matches


def _history_owner(user: User, client_id: int | None) -> int | None:
    org = user.organisation
    if org is None:
        return None
    if org.kind == OrganisationKind.ENTERPRISE:
        return org.pk
    if org.kind == OrganisationKind.BROKER:
        return client_id
    return None


LIVE = (DeclarationStatus.SUBMITTED, DeclarationStatus.RELEASED)


def declarations_sharing_bill(*, user: User, declaration: Declaration) -> list[Declaration]:
    """The owner's other live declarations of the same direction citing this bill of lading, of those the
    user may see (a broker: the kinds its client delegated). A warning, not a refusal: one bill may be
    declared in several declarations (more goods lines than one carries, or different trade modes), but more
    often the clerk copied a declaration and kept the old bill."""
    bill = declaration.bill_of_lading.strip()
    if not bill:
        return []
    return list(
        declarations_visible_to(user)
        .filter(
            owner_id=declaration.owner_id,
            direction=declaration.direction,
            bill_of_lading__iexact=bill,
            status__in=LIVE,
        )
        .exclude(pk=declaration.pk)
        .order_by("-submitted_at")
    )


def fields_not_declared(*, declaration: Declaration) -> list[str]:
    """The filled-in fields the agencies the declaration now targets do not receive (after its target
    changed), as the page names them ("Goods line 1 · purpose"): the form no longer shows them, they are
    not sent, and the next save leaves them empty."""
    keys = fields_for(agencies_for(declaration.target))
    found = [
        str(spec.label)
        for spec in ONE_TABLE
        if spec.section == "header"
        and spec.key not in keys
        and getattr(declaration, spec.name) not in (None, "", False)
    ]
    for section, rows, where in (
        ("line", declaration.lines.all(), _("Goods line %(n)d")),
        ("container", declaration.containers.all(), _("Container %(n)d")),
    ):
        specs = [spec for spec in ONE_TABLE if spec.section == section and spec.key not in keys]
        for n, row in enumerate(rows, start=1):
            found += [
                f"{where % {'n': n}} · {spec.label}"
                for spec in specs
                if getattr(row, spec.name) not in (None, "", False)
            ]
    return found
