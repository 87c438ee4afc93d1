"""The spine's public surface for writing: what every kind of filing calls on its way to the agencies.

A client app's service (vessels, licensing…) checks who may act and validates its own data, then, in
its transaction:

    declaration_lock(declaration)            # row lock, every field fresh
    require_draft(declaration)               # only a draft changes
    problems = rule_problems(...)            # the rules other apps registered for its category
    declaration_freeze(declaration=..., user=..., payload=...)   # number, version, outbox, listeners

and the agencies app delivers the outbox rows once the transaction commits. Nothing here knows a
category by name: what differs between them is registered (declarations/registry.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from credit.lanes import lane_for
from singlewindow.elicence import SignatureRefused, submission_sign
from singlewindow.errors import DomainError
from singlewindow.models import User
from singlewindow.prepared import insert, insert_later, prepared, save_fields_later, writes_together
from singlewindow.problems import Problem
from singlewindow.services import audit_record

from . import registry
from .choices import DeclarationAction, DeclarationStatus, DeliveryStatus, EventKind
from .models import Declaration, DeclarationVersion, Delivery, Event
from .selectors import SIGNED_VERSION, owners_of, preparer_scope
from .snapshot import digest


class DeclarationError(DomainError):
    pass


class NotEditable(DeclarationError):
    pass


class DeclarationInvalid(DeclarationError):
    status_code = 400

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(
            ngettext(
                "The declaration has %(count)d problem.",
                "The declaration has %(count)d problems.",
                len(problems),
            )
            % {"count": len(problems)}
        )
        self.found = problems

    def problems(self) -> list[dict[str, str]]:
        return [p.as_dict() for p in self.found]


def require_preparer(declaration: Declaration, user: User, *, submit: bool = False) -> None:
    """The firm itself, or its broker under a delegation in force (for submitting: one that allows
    it); PermissionDenied for anyone else."""
    if user.organisation_id == declaration.owner_id:
        return
    if not Declaration.objects.filter(preparer_scope(user, submit=submit), pk=declaration.pk).exists():
        raise PermissionDenied


def require_draft(declaration: Declaration) -> None:
    """NotEditable unless the declaration is a draft (never submitted, or returned by an agency)."""
    if not declaration.is_draft:
        raise NotEditable(_("A submitted declaration cannot be changed."))


CONCRETE_FIELDS = Declaration._meta.concrete_fields


@prepared  # every submission asks it
def _locked(*, pk: int) -> QuerySet[Declaration]:
    return Declaration.objects.select_for_update(no_key=True, of=("self",)).select_related("owner").filter(pk=pk)


@prepared  # every API submission of a firm's own declaration asks it
def _locked_own(*, pk: int, owner_id: int, category: str) -> QuerySet[Declaration]:
    locked = Declaration.objects.select_for_update(no_key=True, of=("self",)).select_related("owner")
    # The owner compared as `owner_id + 0`: found by its key, the row is checked, never searched for through the
    # owner's index (a firm with thousands of declarations: 2.7 ms of PostgreSQL a submission where 0.05 do).
    return locked.alias(owner_key=F("owner_id") + 0).filter(pk=pk, owner_key=owner_id, category=category)


def declaration_lock_own(*, pk: int, owner_id: int, category: str) -> Declaration | None:
    """The owner's own declaration of that category, locked for this transaction with every field and its owner
    loaded (as declaration_lock); None (nothing locked) when the row is another organisation's, another
    category's, or gone."""
    return _locked_own.first(pk=pk, owner_id=owner_id, category=category)


def declaration_lock(declaration: Declaration) -> None:
    """Lock the row for this transaction and load every field of the caller's instance, and its owner, in one
    query (also the fields a reference from declaration_get_own(..., reference=True) left out).
    Declaration.DoesNotExist if the row is gone."""
    fresh = _locked.first(pk=declaration.pk)
    if fresh is None:
        raise Declaration.DoesNotExist
    for field in CONCRETE_FIELDS:  # as refresh_from_db() (a changed foreign key forgets the object it cached)
        setattr(declaration, field.attname, getattr(fresh, field.attname))
    Declaration.owner.field.set_cached_value(declaration, fresh.owner)


def rules_prefetch(category: str, declarations: Sequence[Declaration]) -> dict[str, Any]:
    """What the category's registered rules need of the database for all these declarations at once
    (rule key → its prefetch's answer); pass it to rule_problems for each of them."""
    return {rule.key: rule.prefetch(declarations) for rule in registry.rules_for(category) if rule.prefetch}


def rule_problems(
    *,
    declaration: Declaration,
    rows: Mapping[str, Sequence[Any]],
    agencies: Sequence[str],
    today: date | None = None,
    prefetched: Mapping[str, Any] | None = None,
) -> list[Problem]:
    """The problems the rules other apps registered for this declaration's category find."""
    subject = registry.RuleInput(
        declaration=declaration, rows=rows, agencies=tuple(agencies), today=today or timezone.localdate()
    )
    problems: list[Problem] = []
    for rule in registry.rules_for(declaration.category):
        if prefetched is not None and rule.key in prefetched:
            found = prefetched[rule.key]
        else:
            found = rule.prefetch([declaration]) if rule.prefetch else None
        problems += rule.check(subject, found)
    return problems


@writes_together()  # its rows (branches, event, audit entries, status) written together as it ends
def declaration_freeze(*, declaration: Declaration, user: User, payload: dict[str, Any]) -> DeclarationVersion:
    """Number the declaration (its category's rule, the first time), choose its risk lane (categories
    that ask for one), freeze this payload as its next version, write one outbox row per agency its category sends it to, record "submitted", audit, tell
    the listeners; after commit the rows go to the dispatcher. The caller holds the row lock
    (declaration_lock) and has validated; runs in the caller's transaction. A declaration naming another
    domestic party than its owner is refused here whatever its category (DeclarationInvalid); so is one
    its submitter may not sign under the firm's electronic licence (singlewindow/elicence.py)."""
    owner = owners_of([declaration])[declaration.owner_id]
    if declaration.domestic_party_uscc not in ("", owner.uscc):
        # Every kind of filing goes out in the name of the organisation filing it, never another's.
        raise DeclarationInvalid([Problem("domestic_party_uscc", "not_the_declarant", _(
            "A declaration goes out only in the name of the organisation filing it."))])  # fmt: skip
    category = registry.category(declaration.category)
    if not declaration.pre_entry_no:
        declaration.pre_entry_no = category.number(declaration)
    payload["pre_entry_no"] = declaration.pre_entry_no
    payload["agencies"] = list(category.agencies(declaration))
    number = declaration.version_count + 1
    if category.risk_lane and settings.RISK_LANES:
        # The firm's credit decides the release mode and whether this version is selected for inspection.
        payload["risk"] = lane_for(uscc=owner.uscc, key=f"{declaration.pre_entry_no}-v{number}").as_payload()
    for listener in registry.listeners():
        if listener.on_freezing is not None and listener.wants(declaration.category):
            listener.on_freezing(declaration, payload)
    version = insert(DeclarationVersion(
        declaration=declaration,
        number=number,
        pre_entry_no=declaration.pre_entry_no,
        agencies=payload["agencies"],
        payload=payload,
        digest=digest(payload),
        submitted_by=user,
    ))  # fmt: skip
    try:  # signed by its submitter for the organisation they act for (a broker's clerk: the broker's licence)
        submission_sign(user=user, organisation=user.organisation, matter=category.matter,  # type: ignore[arg-type]
                        object_type=SIGNED_VERSION, object_id=str(version.pk), digest=version.digest)  # fmt: skip
    except SignatureRefused as refused:  # nothing of the submission stays: the caller's transaction rolls back
        raise DeclarationInvalid([Problem("", refused.code, str(refused))]) from refused
    previous_status = declaration.status
    declaration.status = DeclarationStatus.SUBMITTED
    declaration.version_count = number
    declaration.submitted_at = version.submitted_at
    # Written with the branches, the event and the audit entries as the freeze ends (its writes_together block).
    save_fields_later(declaration, ["status", "pre_entry_no", "version_count", "submitted_at", "updated_at"])
    deliveries = _queue_for_agencies(version)
    audit_record(
        actor=user,
        action=DeclarationAction.SUBMITTED,
        obj=declaration,
        before={"status": previous_status},
        after={
            "status": DeclarationStatus.SUBMITTED,
            "pre_entry_no": declaration.pre_entry_no,
            "version": number,
            "digest": version.digest,
        },
    )
    for listener in registry.listeners():
        if listener.on_freeze is not None and listener.wants(declaration.category):
            listener.on_freeze(declaration, version)
    agencies = [d.agency for d in deliveries]
    # robust: if the broker is down the submission still stands; the sweep delivers it later. The branches' ids
    # are set as this function's writes_together block ends, before the commit.
    transaction.on_commit(lambda: registry.dispatch([d.pk for d in deliveries], agencies), robust=True)
    return version


def _queue_for_agencies(version: DeclarationVersion) -> list[Delivery]:
    """The outbox rows for every targeted agency, in the submission's transaction; an earlier
    version's branches that have not been delivered yet are superseded."""
    if version.number > 1:
        Delivery.objects.filter(version__declaration_id=version.declaration_id, status=DeliveryStatus.PENDING).exclude(
            version=version
        ).update(status=DeliveryStatus.CANCELLED)
    now = timezone.now()
    # Written with the audit entries as declaration_freeze ends (its writes_together block): one statement for all.
    deliveries = insert_later([
        Delivery(
            version=version,
            agency=agency,
            message_id=f"{version.pre_entry_no}-v{version.number}-{agency}",
            next_attempt_at=now + timedelta(seconds=settings.DELIVERY_LEASE_SECONDS),
        )
        for agency in version.agencies
    ])  # fmt: skip
    insert_later([Event(
        declaration_id=version.declaration_id, version=version, kind=EventKind.SUBMITTED, at=version.submitted_at
    )])  # fmt: skip
    return deliveries


__all__ = [
    "DeclarationError",
    "DeclarationInvalid",
    "NotEditable",
    "declaration_freeze",
    "declaration_lock",
    "declaration_lock_own",
    "require_draft",
    "require_preparer",
    "rule_problems",
    "rules_prefetch",
]
