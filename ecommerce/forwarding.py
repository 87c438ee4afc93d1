"""Accepted inventories go to customs through the spine, and customs' decisions come back.

**Out.** The inventories a matching transaction accepts are one filing of the category `cbec` per
declarant (`Declaration` + frozen `DeclarationVersion` listing the inventories' ids + one outbox row
`Delivery` to every agency taking the category: customs), written in the accepting transaction; after
commit the agencies app delivers it like any branch (retries, circuit breaker, portal signature). One
delivery per batch, not per parcel: a thousand inventories cost four INSERTs. The message is built from
the inventories by the agencies app (agencies/cbec.py). No person signs it: the declarant's batch was
signed with its organisation's key (verified in receiving.py), so the filing is recorded as submitted by
the declarant organisation's first user.

**Back.** Customs answers each inventory on its own (the e-port's statuses: 800 released, 500
inspection, 100 returned with the reason); `inventories_decided` applies them set-based: a release draws
the guarantee and uses the quota (lifecycle.inventories_release), an inspection waits for the release
that follows, a return gives the quota back. Each answer becomes the sender's receipt."""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from declarations.choices import DeclarationStatus, Direction, EventKind, Target
from declarations.models import Declaration, DeclarationVersion, Delivery, Event
from declarations.registry import Category, agencies_receiving, dispatch
from declarations.snapshot import digest
from singlewindow.choices import DeclarationKind
from singlewindow.models import User

from .choices import InventoryState, MessageType, ReceiptStatus
from .lifecycle import inventories_inspect, inventories_release
from .models import Inventory, Receipt
from .quota import quota_unreserve
from .reasons import reason

CBEC = "cbec"  # Declaration.category of a batch of inventories sent to customs


def _agencies(declaration: Declaration) -> tuple[str, ...]:
    return agencies_receiving(CBEC)


def _number(declaration: Declaration) -> str:
    raise AssertionError("a cbec filing is numbered when it is written (inventories_forward)")


CATEGORY = Category(key=CBEC, label=_("Cross-border inventories"), agencies=_agencies, number=_number,
                    detail_url="ecommerce:filing")  # fmt: skip


def _submitter(organisation_id: int) -> int:
    user = User.objects.filter(organisation_id=organisation_id, is_active=True).order_by("pk").values("pk").first()
    if user is None:
        raise LookupError(f"organisation {organisation_id} has no user to record as the submitter")
    return int(user["pk"])


class Forwarded(Protocol):
    """What forwarding reads of an accepted inventory (a model instance or matching's row)."""

    @property
    def pk(self) -> Any: ...

    @property
    def sender_id(self) -> Any: ...


def inventories_forward(inventories: Iterable[Forwarded], *, now: datetime) -> list[Declaration]:
    """One filing per declarant for these accepted inventories, with its outbox rows; delivered after
    the caller's transaction commits."""
    by_sender: dict[int, list[Forwarded]] = defaultdict(list)
    for inv in inventories:
        by_sender[inv.sender_id].append(inv)
    if not by_sender:
        return []
    agencies = list(agencies_receiving(CBEC))
    filings: list[Declaration] = []
    versions: list[dict[str, Any]] = []
    for sender_id, rows in sorted(by_sender.items()):
        ids = sorted(inv.pk for inv in rows)
        # 64 random bits: unique without a counter row that two workers' transactions would queue on.
        number = f"CB{secrets.token_hex(8).upper()}"
        filings.append(Declaration(owner_id=sender_id, created_by_id=_submitter(sender_id), category=CBEC,
                                   status=DeclarationStatus.SUBMITTED, target=Target.CUSTOMS,
                                   direction=Direction.IMPORT, kind=DeclarationKind.ECOMMERCE, pre_entry_no=number,
                                   version_count=1, submitted_at=now))  # fmt: skip
        versions.append({"category": CBEC, "pre_entry_no": number, "agencies": agencies, "inventories": ids})
    Declaration.objects.bulk_create(filings)
    frozen = DeclarationVersion.objects.bulk_create([
        DeclarationVersion(declaration=filing, number=1, pre_entry_no=str(payload["pre_entry_no"]), agencies=agencies,
                           payload=payload, digest=digest(payload), submitted_by_id=filing.created_by_id)
        for filing, payload in zip(filings, versions, strict=True)
    ])  # fmt: skip
    deliveries = Delivery.objects.bulk_create([
        Delivery(version=version, agency=agency, message_id=f"{version.pre_entry_no}-v1-{agency}", next_attempt_at=now)
        for version in frozen
        for agency in agencies
    ])  # fmt: skip
    Event.objects.bulk_create([
        Event(declaration_id=v.declaration_id, version=v, kind=EventKind.SUBMITTED, at=now) for v in frozen
    ])  # fmt: skip
    ids = [delivery.pk for delivery in deliveries]
    transaction.on_commit(lambda: dispatch(ids), robust=True)
    return filings


@dataclass(frozen=True)
class Decision:
    """Customs' answer on one inventory it was sent."""

    inventory_id: int
    status: int  # ReceiptStatus: RELEASED, INSPECTION or RETURNED
    info: str = ""


def delivered_inventories(message_ids: Iterable[str], agency: str) -> dict[str, set[int]]:
    """Each message id of a cbec branch delivered to (or being delivered to) this agency → the ids of
    the inventories it carried. Customs may speak only for what it was sent."""
    rows = Delivery.objects.filter(message_id__in=set(message_ids), agency=agency, version__declaration__category=CBEC)
    return {message_id: set(payload["inventories"]) for message_id, payload in rows.values_list("message_id",
                                                                                                 "version__payload")}  # fmt: skip


@transaction.atomic
def inventories_decided(*, decisions: Sequence[Decision], at: datetime | None = None) -> int:
    """Apply customs' answers, in their order per status: inspections first, then returns, then
    releases (an inspected inventory's release comes later in the same batch or another). Answers for
    an inventory already released, returned or cancelled change nothing. Returns how many changed."""
    at = at or timezone.now()
    by_status: dict[int, list[int]] = defaultdict(list)
    info: dict[int, str] = {}
    for decision in decisions:
        by_status[decision.status].append(decision.inventory_id)
        info[decision.inventory_id] = decision.info
    changed = 0
    if by_status[ReceiptStatus.INSPECTION]:
        changed += inventories_inspect(ids=by_status[ReceiptStatus.INSPECTION], at=at)
    if by_status[ReceiptStatus.RETURNED]:
        changed += _returned(by_status[ReceiptStatus.RETURNED], info, at)
    if by_status[ReceiptStatus.RELEASED]:
        changed += inventories_release(ids=by_status[ReceiptStatus.RELEASED], at=at)
    return changed


def _returned(ids: list[int], info: dict[int, str], at: datetime) -> int:
    """Customs returned these inventories: the quota they reserved is given back, the sender told why."""
    rows = list(Inventory.objects.select_for_update().filter(
        pk__in=ids, state__in=[InventoryState.ACCEPTED, InventoryState.INSPECTION]).order_by("pk"))  # fmt: skip
    receipts = []
    for inv in rows:
        inv.state, inv.reason_code = InventoryState.RETURNED, "customs_returned"
        inv.reason = reason("customs_returned", info=info.get(inv.pk) or "-")
        receipts.append(Receipt(sender_id=inv.sender_id, guid=inv.guid, kind=MessageType.INVENTORY,
                                status=ReceiptStatus.RETURNED, code=inv.reason_code, info=inv.reason,
                                invt_no=inv.invt_no, at=at))  # fmt: skip
    Inventory.objects.bulk_update(rows, ["state", "reason_code", "reason"])
    quota_unreserve([(inv.buyer_id_number, inv.quota_year, inv.dutiable) for inv in rows if inv.quota_year])
    Receipt.objects.bulk_create(receipts)
    return len(rows)


def filing_inventories(declaration: Declaration) -> list[Inventory]:
    """The inventories a cbec filing carried (its first and only version)."""
    version = DeclarationVersion.objects.filter(declaration=declaration).order_by("number").first()
    if version is None:
        return []
    return list(Inventory.objects.filter(pk__in=version.payload.get("inventories", [])).order_by("pk"))
