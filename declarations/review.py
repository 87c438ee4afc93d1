"""The draft exchange between a customs broker and its client (S2): either side sends the draft to the
other for review (each sending freezes a revision), both comment on fields, the client approves; a
broker submits a client's draft only once it is approved or the client handed it over."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext as _

from singlewindow.delegations import delegations_given
from singlewindow.models import AuditEntry, User
from singlewindow.notification_kinds import NotificationKind
from singlewindow.notifications import notify
from singlewindow.problems import parse_path
from singlewindow.services import audit_record

from .choices import (
    APPROVED,
    COMMENTED,
    HANDED_TO_BROKER,
    RETURNED_TO_BROKER,
    SENT_FOR_REVIEW,
    DeclarationAction,
    DocumentKind,
    ReviewState,
)
from .diff import snapshot_diff
from .fields import CONTAINER_FIELDS, HEADER_FIELDS, LINE_FIELDS
from .models import Comment, Declaration, Revision
from .pipeline import DeclarationError, declaration_lock, require_draft, require_preparer
from .selectors import working_copy
from .snapshot import digest

SECTION_FIELDS = {None: HEADER_FIELDS, "lines": LINE_FIELDS, "containers": CONTAINER_FIELDS}


def commentable(field: str) -> bool:
    """A header field ("gross_weight"), a goods line's or container's field by its number
    ("lines[2].unit_price"), or "" for the whole draft."""
    if not field:
        return True
    path = parse_path(field)
    return path is not None and path.rows in SECTION_FIELDS and path.name in SECTION_FIELDS[path.rows]


def comments_by_field(comments: list[Comment]) -> dict[str, list[Comment]]:
    grouped: dict[str, list[Comment]] = {}
    for comment in comments:
        grouped.setdefault(comment.field, []).append(comment)
    return grouped


class ReviewRefused(DeclarationError):
    pass


APPROVED_ACTION = DeclarationAction.EXCHANGE_APPROVED


@transaction.atomic
def review_send(*, declaration: Declaration, user: User, note: str = "", broker_uscc: str = "") -> Revision:
    """Send the draft to the other side: the broker to its client, or the client to its broker (naming
    the broker, one holding its delegation for this kind, when none prepares the draft yet)."""
    require_preparer(declaration, user)
    declaration_lock(declaration)
    require_draft(declaration)
    from_broker = user.organisation_id != declaration.owner_id
    handing = not from_broker and declaration.prepared_by_id is None  # a client's first hand-over, not a return
    if not from_broker and broker_uscc:
        broker = next(
            (d.broker for d in delegations_given(client_id=declaration.owner_id, kind=declaration.kind)
             if d.broker.uscc == broker_uscc),
            None,
        )  # fmt: skip
        if broker is None:
            raise ReviewRefused(_("This broker holds no delegation from you for this kind of declaration."))
        declaration.prepared_by = broker
        declaration.save(update_fields=["prepared_by"])
    if not from_broker and declaration.prepared_by_id is None:
        raise ReviewRefused(_("No customs broker prepares this draft; there is nobody to hand it to."))
    if not from_broker and not _broker_in_force(declaration):
        raise ReviewRefused(_("Your delegation to this broker has ended; choose a broker holding one."))
    sent_to = ReviewState.WITH_CLIENT if from_broker else ReviewState.WITH_BROKER
    number = (declaration.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
    revision = Revision.objects.create(
        declaration=declaration, number=number, payload=working_copy(declaration), sent_by=user, sent_to=sent_to,
        note=note[:2000],
    )  # fmt: skip
    before = declaration.review_state
    declaration.review_state = sent_to
    declaration.save(update_fields=["review_state", "updated_at"])
    after = {"review": sent_to, "revision": number, **({"note": revision.note} if revision.note else {})}
    audit_record(actor=user, action=DeclarationAction.EXCHANGE_SENT, obj=declaration,
                 before={"review": before}, after=after)  # fmt: skip
    if from_broker:
        _tell_other_side(declaration, user, SENT_FOR_REVIEW)
    elif handing:
        _tell_other_side(declaration, user, HANDED_TO_BROKER)
        if revision.note:
            _tell_other_side(declaration, user, COMMENTED, text=revision.note[:200])
    else:  # a return: what the client asks of its broker is in the notification itself
        _tell_other_side(declaration, user, RETURNED_TO_BROKER, note=revision.note[:200])
    return revision


def _broker_in_force(declaration: Declaration) -> bool:
    """Whether the broker preparing the draft still holds the client's delegation for its kind."""
    given = delegations_given(client_id=declaration.owner_id, kind=declaration.kind)
    return any(d.broker_id == declaration.prepared_by_id for d in given)


def _tell_other_side(declaration: Declaration, user: User, kind: NotificationKind, **params: str) -> None:
    """Notify the other party; never a broker whose delegation has ended (it would read the client's words)."""
    client_acts = user.organisation_id == declaration.owner_id
    other = declaration.prepared_by_id if client_acts else declaration.owner_id
    if other is None or (client_acts and not _broker_in_force(declaration)):
        return
    notify(
        organisation_ids=[other],
        kind=kind,
        url=reverse("declarations:detail", args=[declaration.pk]),
        params={
            "by": user.organisation.name_in_both,  # type: ignore[union-attr]  # a reviewer acts for one
            "declaration": declaration.pre_entry_no or f"#{declaration.pk}",
            **params,
        },
    )


@transaction.atomic
def review_comment(*, declaration: Declaration, user: User, field: str, text: str) -> Comment:
    """A remark on a field ("gross_weight", "lines[2].unit_price") or, with no field, on the draft."""
    require_preparer(declaration, user)
    require_draft(declaration)  # the exchange is about what can still change
    if not commentable(field) or not text.strip():
        raise ReviewRefused(_("Name a field of the declaration and write the comment."))
    latest = declaration.revisions.order_by("-number").first()
    comment = Comment.objects.create(declaration=declaration, revision=latest, field=field,
                                     text=text.strip()[:4000], author=user)  # fmt: skip
    _tell_other_side(declaration, user, COMMENTED, text=comment.text[:200])
    return comment


@transaction.atomic
def review_approve(*, declaration: Declaration, user: User) -> Declaration:
    """The client approves the draft its broker sent; the broker may then submit it."""
    if user.organisation_id != declaration.owner_id:
        raise ReviewRefused(_("Only the client approves its declaration."))
    declaration_lock(declaration)
    require_draft(declaration)
    if declaration.review_state != ReviewState.WITH_CLIENT:
        raise ReviewRefused(_("This draft is not waiting for your approval."))
    declaration.review_state = ReviewState.APPROVED
    declaration.save(update_fields=["review_state", "updated_at"])
    audit_record(actor=user, action=APPROVED_ACTION, obj=declaration, before={"review": ReviewState.WITH_CLIENT},
                 after={"review": ReviewState.APPROVED, "digest": digest(working_copy(declaration))})  # fmt: skip
    _tell_other_side(declaration, user, APPROVED)
    return declaration


def approval_stands(declaration: Declaration) -> bool:
    """Whether the draft, its goods lines, containers and attached documents are still exactly what the
    client approved: the approval is bound to the digest of the working copy it saw (recorded with it)."""
    if declaration.review_state != ReviewState.APPROVED:
        return False
    approval = (
        AuditEntry.objects.filter(
            object_type=Declaration._meta.label_lower, object_id=str(declaration.pk), action=APPROVED_ACTION
        )
        .order_by("-at", "-id")
        .first()
    )
    approved = (approval.after or {}).get("digest") if approval else None
    return approved is not None and approved == digest(working_copy(declaration))


def approval_withdraw(declaration: Declaration) -> bool:
    """What the client approved is not what is there now: the approval no longer stands. True when
    there was one to withdraw (the caller records it in its audit entry)."""
    if declaration.review_state != ReviewState.APPROVED:
        return False
    declaration.review_state = ReviewState.NONE
    declaration.save(update_fields=["review_state"])
    return True


def review_summary(*, declaration: Declaration) -> dict[str, Any]:
    """Revisions, comments, and what changed in the latest revision since the one before it (what the
    reviewer saw last), or since nothing if it is the first."""
    revisions = list(declaration.revisions.select_related("sent_by"))
    changes = []
    if len(revisions) >= 2:
        changes = snapshot_diff(revisions[-2].payload, revisions[-1].payload)
    return {
        "state": declaration.review_state,
        "revisions": revisions,
        "comments": list(declaration.comments.select_related("author")),
        "changes_since_previous": changes,
        "changes_since_latest": snapshot_diff(revisions[-1].payload, working_copy(declaration)) if revisions else [],
    }


WITHDRAWING = (DeclarationAction.DRAFT_SAVED, DeclarationAction.DOCUMENT_ATTACHED, DeclarationAction.DOCUMENT_REMOVED)


def approval_withdrawn(*, declaration: Declaration) -> dict[str, Any] | None:
    """Why the client's approval no longer stands, when the last change of the exchange's state was its
    withdrawal (a save, a document attached or removed after the client approved): what changed and when."""
    if declaration.review_state != ReviewState.NONE:
        return None
    last = (
        AuditEntry.objects.filter(
            object_type=Declaration._meta.label_lower, object_id=str(declaration.pk), after__has_key="review"
        )
        .order_by("-at", "-id")
        .first()
    )
    if last is None or last.action not in WITHDRAWING or (last.after or {}).get("review") != ReviewState.NONE:
        return None
    kinds = dict(DocumentKind.choices)
    document = last.before if last.action == DeclarationAction.DOCUMENT_REMOVED else last.after
    named = {"kind": kinds.get((document or {}).get("kind", ""), ""), "name": (document or {}).get("name", "")}
    what = {
        str(DeclarationAction.DOCUMENT_ATTACHED): _("%(kind)s %(name)s was attached") % named,
        str(DeclarationAction.DOCUMENT_REMOVED): _("%(kind)s %(name)s was removed") % named,
    }.get(last.action, _("the draft was changed"))
    return {"what": what, "at": last.at, "by": last.actor}


def review_for(*, declaration: Declaration, user: User) -> dict[str, Any]:
    """The exchange as this user stands in it: the summary, whose turn it is, whether the user may
    approve, and (for a client whose draft no broker prepares yet) the brokers it may hand it to."""
    is_client = user.organisation_id == declaration.owner_id
    brokers = (
        [d.broker for d in delegations_given(client_id=declaration.owner_id, kind=declaration.kind)]
        if is_client and declaration.prepared_by_id is None
        else []
    )
    summary = review_summary(declaration=declaration)
    state = summary["state"]
    return {
        **summary,
        "is_client": is_client,
        "brokers": brokers,
        "can_approve": is_client and state == ReviewState.WITH_CLIENT,
        "waiting_for_you": (is_client and state == ReviewState.WITH_CLIENT)
        or (not is_client and state == ReviewState.WITH_BROKER),
        "by_field": comments_by_field(summary["comments"]),
        "latest_note": next((r for r in summary["revisions"][-1:] if r.note), None),  # the latest revision's
        "withdrawn": approval_withdrawn(declaration=declaration),
    }
