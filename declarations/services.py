"""Every write to a declaration goes through here: create, save a draft, submit, copy, attach.

Keyword-only arguments, one transaction per use case, a domain exception on refusal. Views, the API,
imports and tests all call these functions.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from stdnum.cn import uscc

from singlewindow.choices import OrganisationKind
from singlewindow.delegations import active_delegations
from singlewindow.elicence import signing_session, signing_session_forget
from singlewindow.models import Organisation, User
from singlewindow.prepared import prepared
from singlewindow.problems import Problem
from singlewindow.services import audit_record, changed_values, json_value
from singlewindow.transactions import atomic_step

from . import documents as sniffing
from .choices import (
    GOODS,
    DeclarationAction,
    DeclarationKind,
    Direction,
    DocumentKind,
    ReviewState,
    Target,
)
from .fields import BY_KEY, CONTAINER_FIELDS, HEADER_FIELDS, LINE_FIELDS, ONE_TABLE, normalise
from .models import AttachedDocument, Container, Declaration, DeclarationVersion, GoodsLine
from .parties import DOMESTIC_PARTY_FIELDS, master_record_values, parties_fill
from .pipeline import (
    DeclarationError,
    DeclarationInvalid,
    NotEditable,
    declaration_freeze,
    declaration_lock,
    declaration_lock_own,
    require_draft,
    require_preparer,
    rules_prefetch,
)
from .review import approval_stands, approval_withdraw
from .selectors import declaration_get_own, preparer_scope
from .snapshot import declaration_snapshot
from .validation import validate


class DocumentRejected(DeclarationError):
    status_code = 400
    code = "rejected"
    field = "file"


class DocumentKindUnknown(DocumentRejected):
    code = "invalid_choice"
    field = "kind"


def document_kind_unknown(kind: object) -> str:
    """Why a document's kind is refused: it is not one, and which codes are."""
    return _("“%(kind)s” is not a kind of document. The kinds are: %(kinds)s.") % {
        "kind": kind,
        "kinds": ", ".join(DocumentKind.values),
    }


class ClientRefused(DeclarationError, PermissionDenied):
    """Who a new draft is for is refused (client_uscc). Also a PermissionDenied, as this refusal was
    before: the pages that create drafts answer it with their own message."""

    status_code = 400
    field = "client_uscc"


class OwnDeclarationsOnly(ClientRefused):
    code = "own_declarations_only"


class ClientRequired(ClientRefused):
    code = "required"


class ClientInvalid(ClientRefused):
    code = "invalid"


class NoDelegation(ClientRefused):
    status_code = 403
    code = "no_delegation"


class NotSubmitted(DeclarationError):
    """Asked for what only a submitted declaration has (a version to compare, a timeline)."""

    code = "not_submitted"


SETTINGS_FIELDS = ("target", "direction", "kind")


def _clean(section: str, data: Mapping[str, Any], allowed: Sequence[str]) -> dict[str, Any]:
    return {name: normalise(BY_KEY[f"{section}.{name}"], data[name]) for name in allowed if name in data}


def _header_state(declaration: Declaration) -> dict[str, Any]:
    return {name: getattr(declaration, name) for name in (*SETTINGS_FIELDS, *HEADER_FIELDS)}


def _rows_state(rows: Sequence[GoodsLine | Container], fields: Sequence[str]) -> list[dict[str, Any]]:
    return [{name: json_value(getattr(row, name)) for name in fields} for row in rows]


@transaction.atomic
def declaration_create(
    *,
    user: User,
    target: str = Target.BOTH,
    direction: str = Direction.IMPORT,
    kind: str = DeclarationKind.GENERAL,
    client_uscc: str = "",
) -> Declaration:
    """A new draft for the user's enterprise, or for a broker's client under a delegation in force
    covering this kind; pre-filled from that enterprise's master record (S7)."""
    org = user.organisation
    if org is None:
        raise PermissionDenied
    prepared_by = None
    if org.kind == OrganisationKind.BROKER:
        org, prepared_by = _delegating_client(broker=org, client_uscc=client_uscc, kind=kind), org
    elif org.kind != OrganisationKind.ENTERPRISE:
        raise PermissionDenied
    elif client_uscc not in ("", org.uscc):  # an identity typed in the request is never trusted
        raise OwnDeclarationsOnly(
            _("An enterprise declares only for itself; only a customs broker declares for a client.")
        )
    declaration = Declaration.objects.create(
        owner=org, prepared_by=prepared_by, created_by=user, target=target, direction=direction, kind=kind,
        **master_record_values(org),
    )  # fmt: skip
    audit_record(actor=user, action=DeclarationAction.CREATED, obj=declaration, after={"target": target})
    return declaration


def _delegating_client(*, broker: Organisation, client_uscc: str, kind: str) -> Organisation:
    """The client a broker declares for: the enterprise with this USCC, under a delegation in force from
    it to the broker covering this kind; refused naming what is wrong (missing, not a USCC, no such
    delegation, which also answers for a USCC no enterprise has)."""
    if not client_uscc:
        raise ClientRequired(_("Give the unified social credit code of the client this declaration is for."))
    if not uscc.is_valid(client_uscc):
        raise ClientInvalid(_("Not a valid unified social credit code (check character)."))
    client = Organisation.objects.filter(uscc=client_uscc).first()
    if client is None or not any(
        d.client_id == client.pk and (not d.kinds or kind in d.kinds) for d in active_delegations(broker_id=broker.pk)
    ):
        raise NoDelegation(
            _("There is no delegation in force from the enterprise %(uscc)s to you that covers %(kind)s.")
            % {"uscc": client_uscc, "kind": dict(DeclarationKind.choices).get(kind, kind)}
        )
    return client


@transaction.atomic
def declaration_save_draft(
    *,
    declaration: Declaration,
    user: User,
    header: Mapping[str, Any],
    lines: Sequence[Mapping[str, Any]] | None = None,
    containers: Sequence[Mapping[str, Any]] | None = None,
) -> Declaration:
    """Store what the clerk typed. Type errors are the caller's to catch (forms, serializers);
    business rules wait for validation, so a half-filled draft can always be kept. Who declares is not
    typed: the domestic party comes from the owner's master record (parties.py), whatever was sent."""
    require_preparer(declaration, user)
    declaration_lock(declaration)
    require_draft(declaration)
    before = _header_state(declaration)
    typed = [name for name in HEADER_FIELDS if name not in DOMESTIC_PARTY_FIELDS]
    for name, value in {**_settings(header), **_clean("header", header, typed)}.items():
        setattr(declaration, name, value)
    parties_fill(declaration, declaration.owner)
    declaration.save()
    old, new = changed_values(before, _header_state(declaration))

    for related, rows, fields, section, model in (
        ("lines", lines, LINE_FIELDS, "line", GoodsLine),
        ("containers", containers, CONTAINER_FIELDS, "container", Container),
    ):
        if rows is None:
            continue
        manager = getattr(declaration, related)
        previous = _rows_state(list(manager.all()), fields)
        manager.all().delete()
        extra = [{"line_no": i} for i in range(1, len(rows) + 1)] if model is GoodsLine else [{}] * len(rows)
        created = model.objects.bulk_create(
            [
                model(declaration=declaration, **x, **_clean(section, row, fields))  # type: ignore[misc]
                for row, x in zip(rows, extra, strict=True)
            ]
        )
        current = _rows_state(created, fields)
        if current != previous:
            old[related], new[related] = previous, current
    if new and approval_withdraw(declaration):
        old["review"], new["review"] = ReviewState.APPROVED, ReviewState.NONE
    if new:
        audit_record(actor=user, action=DeclarationAction.DRAFT_SAVED, obj=declaration, before=old, after=new)
    return declaration


def _settings(header: Mapping[str, Any]) -> dict[str, Any]:
    choices = {"target": Target, "direction": Direction, "kind": DeclarationKind}
    return {name: header[name] for name in SETTINGS_FIELDS if header.get(name) in choices[name].values}


class AlreadySubmitted(DeclarationError):
    code = "already_submitted"


def declaration_problems(*, declaration: Declaration) -> list[Problem]:
    """Validate the stored draft as it would be submitted; a declaration already submitted (and not
    returned for correction) is not validated again: AlreadySubmitted."""
    if not declaration.is_draft:
        raise AlreadySubmitted(
            _("This declaration is already submitted; validation checks a draft before it is submitted.")
        )
    return validate(
        declaration,
        list(declaration.lines.all()),
        list(declaration.containers.all()),
        list(declaration.documents.all()),
    )


def declaration_submit(*, declaration: Declaration, user: User) -> DeclarationVersion:
    """Validate once; if clean, freeze a numbered immutable version and queue it for the agencies.
    An invalid declaration raises DeclarationInvalid and changes nothing."""
    with atomic_step():
        require_preparer(declaration, user, submit=True)
        declaration_lock(declaration)
        return _submit_rows(declaration, user)


def declaration_submit_own(*, user: User, pk: int | str) -> DeclarationVersion:
    """declaration_submit for a goods declaration named by its id, as the API names it: a firm's own is found
    and locked in one query; anything else is looked at as declaration_get_own does (404 when it is not the
    user's to prepare, a broker's client's under a delegation in force) and require_preparer (403 when that
    delegation does not allow submitting)."""
    with atomic_step():
        try:
            number = int(pk)
        except (ValueError, TypeError):
            raise Http404 from None
        if not 0 < number < 2**63:  # beyond any key: a database error, not a 404, if asked
            raise Http404
        owner_id = user.organisation_id
        # Only the user's own organisation's row is locked by its key; another's is looked at first (404, 403).
        declaration = None if owner_id is None else declaration_lock_own(pk=number, owner_id=owner_id, category=GOODS)
        if declaration is None:
            declaration = declaration_get_own(user=user, pk=number, reference=True)
            require_preparer(declaration, user, submit=True)
            declaration_lock(declaration)
        return _submit_rows(declaration, user)


def _submit_rows(declaration: Declaration, user: User) -> DeclarationVersion:
    rows = Rows(_lines.all(pk=declaration.pk), _containers.all(pk=declaration.pk), _documents.all(pk=declaration.pk))
    return _submit_locked(declaration, user, rows)


# A submission's rows, as the models order them.
@prepared
def _lines(*, pk: int) -> QuerySet[GoodsLine]:
    return GoodsLine.objects.filter(declaration_id=pk)


@prepared
def _containers(*, pk: int) -> QuerySet[Container]:
    return Container.objects.filter(declaration_id=pk)


@prepared
def _documents(*, pk: int) -> QuerySet[AttachedDocument]:
    return AttachedDocument.objects.filter(declaration_id=pk)


@dataclass
class Rows:
    """A declaration's goods lines, containers and attached documents."""

    lines: list[GoodsLine] = field(default_factory=list)
    containers: list[Container] = field(default_factory=list)
    documents: list[AttachedDocument] = field(default_factory=list)


def _submit_locked(
    declaration: Declaration, user: User, rows: Rows, prefetched: Mapping[str, Any] | None = None
) -> DeclarationVersion:
    """Submit a declaration whose row the caller has locked (and checked the user may submit)."""
    require_draft(declaration)
    if changed := parties_fill(declaration, declaration.owner):  # the record may have changed since
        declaration.save(update_fields=changed)
    if user.organisation_id != declaration.owner_id:
        if declaration.review_state not in (ReviewState.APPROVED, ReviewState.WITH_BROKER):
            raise NotEditable(_("The client has not approved this draft (or handed it to you) yet."))
        if declaration.review_state == ReviewState.APPROVED and not approval_stands(declaration):
            raise NotEditable(_("The draft or its documents changed after the client approved it; send it again."))
    problems = validate(declaration, rows.lines, rows.containers, rows.documents, prefetched=prefetched)
    if problems:
        raise DeclarationInvalid(problems)
    snapshot = declaration_snapshot(declaration, rows.lines, rows.containers, rows.documents)
    return declaration_freeze(declaration=declaration, user=user, payload=snapshot)


SUBMIT_MANY_MAX = 100


class NotFound(DeclarationError):
    status_code = 404
    code = "not_found"


class NotPermitted(DeclarationError):
    status_code = 403
    code = "permission_denied"


@dataclass
class Submission:
    """One declaration's outcome in a batch submission: its version, or why it was not submitted."""

    pk: int
    version: DeclarationVersion | None = None
    error: DeclarationError | None = None


@transaction.atomic
def declarations_submit(*, user: User, pks: Sequence[int]) -> list[Submission]:
    """Submit many declarations in one go (批量申报, as an ERP does at the end of a day): each is checked,
    validated, frozen and queued exactly as declaration_submit does it, and each on its own — one refused
    (invalid, not a draft, not the user's to submit) changes nothing of its own and holds back none of the
    others; a database failure refuses the whole batch (nothing is submitted: it may be sent again).
    What they need of the database is read once for all of them: the rows locked in one query (in id
    order), their goods lines, containers and documents in three, and each registered rule's data in one."""
    found = {
        d.pk: d
        for d in Declaration.objects.select_for_update(no_key=True, of=("self",))
        .select_related("owner")
        .filter(preparer_scope(user), category=GOODS, pk__in=pks)
        .order_by("pk")
    }
    rows = {pk: Rows() for pk in found}
    for line in GoodsLine.objects.filter(declaration_id__in=found).order_by("declaration_id", "line_no"):
        rows[line.declaration_id].lines.append(line)
    for container in Container.objects.filter(declaration_id__in=found).order_by("declaration_id", "id"):
        rows[container.declaration_id].containers.append(container)
    for document in AttachedDocument.objects.filter(declaration_id__in=found).order_by("declaration_id", "id"):
        rows[document.declaration_id].documents.append(document)
    prefetched = rules_prefetch(GOODS, list(found.values()))
    outcomes = {pk: Submission(pk, error=NotFound(_("Not found."))) for pk in pks if pk not in found}
    with signing_session():  # one licence, grant and key for all of them
        for pk, declaration in found.items():
            try:
                with transaction.atomic():  # a refusal undoes this declaration's own writes only
                    require_preparer(declaration, user, submit=True)  # a broker's delegation may not allow it
                    outcomes[pk] = Submission(pk, version=_submit_locked(declaration, user, rows[pk], prefetched))
            except PermissionDenied:
                outcomes[pk] = Submission(pk, error=NotPermitted(_("Your delegation does not allow submitting.")))
            except DeclarationError as error:
                signing_session_forget()  # what was read for signing may have been made in the rolled-back part
                outcomes[pk] = Submission(pk, error=error)
    return [outcomes[pk] for pk in pks]


# What belongs to one shipment and not to the next one of the same goods: a copy starts without it (the
# clerk fills it for the new shipment), and without the shipment's own documents.
SHIPMENT_FIELDS = ("bill_of_lading", "voyage_no", "import_export_date")
SHIPMENT_DOCUMENTS = frozenset({DocumentKind.INVOICE, DocumentKind.PACKING_LIST, DocumentKind.BILL_OF_LADING})


@transaction.atomic
def declaration_copy(*, source: Declaration, user: User) -> Declaration:
    """A new draft for the next shipment of the same goods: the source's header, goods lines and attached
    documents, the parties pre-filled again from the master record. What belongs to the source's shipment
    is left out: its bill of lading, voyage number and import/export date (SHIPMENT_FIELDS), its containers,
    and its invoice, packing list and bill of lading (SHIPMENT_DOCUMENTS). The other documents (contract,
    licences, certificates) are copied by reference (the same stored file) after checking each still holds
    what was attached; one that does not is left out."""
    require_preparer(source, user)
    copy = declaration_create(
        user=user, target=source.target, direction=source.direction, kind=source.kind, client_uscc=source.owner.uscc
    )
    prefilled = {spec.name for spec in ONE_TABLE if spec.prefilled}
    for name in HEADER_FIELDS:
        if name not in prefilled and name not in SHIPMENT_FIELDS:
            setattr(copy, name, getattr(source, name))
    copy.copied_from = source
    copy.save()
    GoodsLine.objects.bulk_create(
        [
            GoodsLine(declaration=copy, line_no=line.line_no, **{n: getattr(line, n) for n in LINE_FIELDS})
            for line in source.lines.all()
        ]
    )
    documents = _documents_copy(source=source, target=copy, user=user)
    cleared = [name for name in SHIPMENT_FIELDS if getattr(source, name) not in (None, "")]
    if source.containers.exists():
        cleared.append("containers")
    audit_record(
        actor=user,
        action=DeclarationAction.COPIED,
        obj=copy,
        after={"copied_from": source.pk, "documents": documents, "cleared": cleared},
    )
    return copy


def _documents_copy(*, source: Declaration, target: Declaration, user: User) -> list[int]:
    """Refer the target to each of the source's documents that is not of its shipment (SHIPMENT_DOCUMENTS)
    and whose stored content is intact (same digest, still a PDF, JPEG or PNG); the ids of the source
    documents copied."""
    copied = []
    for document in source.documents.exclude(kind__in=SHIPMENT_DOCUMENTS):
        try:
            with document.file.open("rb") as f:
                data = f.read()
        except OSError:
            continue
        if hashlib.sha256(data).hexdigest() != document.sha256 or sniffing.sniff(data) is None:
            continue
        AttachedDocument.objects.create(
            declaration=target, kind=document.kind, file=document.file.name, original_name=document.original_name,
            content_type=document.content_type, size=document.size, sha256=document.sha256, uploaded_by=user,
        )  # fmt: skip
        copied.append(document.pk)
    return copied


# A declaration under way at the agencies: submitted, or released by them.
@transaction.atomic
def document_attach(*, declaration: Declaration, user: User, kind: str, upload: UploadedFile) -> AttachedDocument:
    """Attach a PDF, JPEG or PNG, recognised by its content; anything else is refused. An approval
    the client gave no longer stands: it did not see this document."""
    require_preparer(declaration, user)
    declaration_lock(declaration)
    require_draft(declaration)
    if kind not in DocumentKind.values:
        raise DocumentKindUnknown(document_kind_unknown(kind))
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise DocumentRejected(_("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)})
    data = upload.read()
    content_type = sniffing.sniff(data)
    if content_type is None:
        raise DocumentRejected(_("Only PDF, JPEG and PNG files can be attached; this file is none of them."))
    sha = hashlib.sha256(data).hexdigest()
    document = AttachedDocument(
        declaration=declaration,
        kind=kind,
        original_name=(upload.name or "document")[:255],
        content_type=content_type,
        size=len(data),
        sha256=sha,
        uploaded_by=user,
    )
    document.file.save(sha[:16], ContentFile(data), save=False)
    document.save()
    after = {"document": document.pk, "kind": kind, "name": document.original_name, "sha256": sha}
    if approval_withdraw(declaration):
        after["review"] = ReviewState.NONE
    audit_record(actor=user, action=DeclarationAction.DOCUMENT_ATTACHED, obj=declaration, after=after)
    return document


@transaction.atomic
def document_remove(*, document: AttachedDocument, user: User) -> None:
    declaration = document.declaration
    require_preparer(declaration, user)
    declaration_lock(declaration)
    require_draft(declaration)
    before = {"document": document.pk, "kind": document.kind, "name": document.original_name}
    document.delete()
    after = {"review": ReviewState.NONE} if approval_withdraw(declaration) else None
    audit_record(actor=user, action=DeclarationAction.DOCUMENT_REMOVED, obj=declaration, before=before, after=after)


@transaction.atomic
def declaration_discard(*, declaration: Declaration, user: User) -> None:
    """Delete a draft that was never submitted; the audit trail keeps that it existed."""
    require_preparer(declaration, user)
    require_draft(declaration)
    if declaration.version_count:
        raise NotEditable(_("A declaration that has been submitted before cannot be discarded."))
    audit_record(actor=user, action=DeclarationAction.DISCARDED, obj=declaration, before={"status": declaration.status})
    for document in declaration.documents.all():
        if not AttachedDocument.objects.filter(file=document.file.name).exclude(pk=document.pk).exists():
            document.file.delete(save=False)  # a file a copy still refers to stays
    declaration.delete()
