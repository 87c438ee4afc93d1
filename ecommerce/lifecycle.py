"""An accepted inventory's life after matching: inspection and release (customs' decision), release
before tax against the guaranteeing firm's bank guarantee (先放后征: each release draws its tax; while
the balance cannot cover it the release waits; the periodic tax payment restores the balance and lets
the waiting releases go, oldest first), cancellation before release (CEB623: the quota reservation is
given back) and returns (CEB625 within 30 days of release, goods back within 45: the tax is not levied
— a guarantee drawn for it is restored — and the buyer's quota is given back)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from singlewindow.errors import DomainError
from singlewindow.models import Organisation

from .bonded import books_give_back
from .choices import GuaranteeEntryKind, InventoryState, MessageType, ReceiptStatus, ReturnState
from .credit_records import guarantee_exhausted
from .models import Guarantee, GuaranteeEntry, Inventory, Receipt, Return
from .quota import quota_restore, quota_unreserve, quota_use
from .reasons import reason

if TYPE_CHECKING:
    from .receiving import Incoming

RETURN_APPLY_DAYS = timedelta(days=30)
RETURN_ARRIVE_DAYS = timedelta(days=45)


class LifecycleRefused(DomainError):
    status_code = 400

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(reason(code, **params))
        self.code = code


def refuse_unknown(items: Sequence[Incoming], sender: Organisation) -> None:
    """A cancellation or return must name an inventory its sender declared (by invtNo)."""
    asked = [i for i in items if i.refusal is None and i.kind in (MessageType.CANCEL, MessageType.RETURN)]
    if not asked:
        return
    known = set(
        Inventory.objects.filter(sender=sender, invt_no__in=[i.head["invtNo"] for i in asked]).values_list(
            "invt_no", flat=True
        )
    )
    for item in asked:
        if item.head["invtNo"] not in known:
            item.refusal = ("unknown_inventory", {"no": item.head["invtNo"]})


def _answer(inv: Inventory, kind: str, guid: str, status: int, now: datetime, code: str = "") -> Receipt:
    return Receipt(sender_id=inv.sender_id, guid=guid, kind=kind, status=status, code=code,
                   info=reason(code) if code else "", invt_no=inv.invt_no, at=now)  # fmt: skip


def _quota(inv: Inventory) -> tuple[str, int, Decimal]:
    assert inv.quota_year is not None
    return inv.buyer_id_number, inv.quota_year, inv.dutiable


def cancellations(items: Sequence[Incoming], sender: object, now: datetime) -> list[Receipt]:
    """CEB623: an inventory not yet released is cancelled and its reservation given back."""
    if not items:
        return []
    rows = {inv.invt_no: inv for inv in Inventory.objects.select_for_update().filter(
        invt_no__in=[i.head["invtNo"] for i in items]).order_by("pk")}  # fmt: skip
    receipts, unreserve = [], []
    for item in items:
        inv = rows[item.head["invtNo"]]
        if inv.state not in (InventoryState.ACCEPTED, InventoryState.INSPECTION):
            receipts.append(_answer(inv, MessageType.CANCEL, item.guid, ReceiptStatus.RETURNED, now, "not_cancellable"))
            continue
        unreserve.append(_quota(inv))
        inv.state = InventoryState.CANCELLED
        inv.save(update_fields=["state"])
        receipts.append(_answer(inv, MessageType.CANCEL, item.guid, ReceiptStatus.ACCEPTED, now))
    quota_unreserve(unreserve)
    books_give_back([rows[i.head["invtNo"]] for i in items if rows[i.head["invtNo"]].state == InventoryState.CANCELLED])
    return receipts


def returns_applied(items: Sequence[Incoming], sender: object, now: datetime) -> list[Receipt]:
    """CEB625: a return of a released inventory, within 30 days of its release (whole inventories)."""
    if not items:
        return []
    rows = {inv.invt_no: inv for inv in Inventory.objects.filter(invt_no__in=[i.head["invtNo"] for i in items])}
    receipts = []
    for item in items:
        inv = rows[item.head["invtNo"]]
        on_time = inv.released_at is not None and now - inv.released_at <= RETURN_APPLY_DAYS
        if inv.state != InventoryState.RELEASED or not on_time or inv.returns.exists():
            receipts.append(_answer(inv, MessageType.RETURN, item.guid, ReceiptStatus.RETURNED, now, "not_returnable"))
            continue
        Return.objects.create(guid=item.guid, inventory=inv, applied_at=now)
        receipts.append(_answer(inv, MessageType.RETURN, item.guid, ReceiptStatus.ACCEPTED, now))
    return receipts


@transaction.atomic
def return_goods_arrived(*, inventory: Inventory, at: datetime | None = None) -> Return:
    """The goods are back at the supervision site: within 45 days of release the tax is not levied and
    the buyer's quota is restored; later, the return is refused and the tax stands."""
    at = at or timezone.now()
    inv = Inventory.objects.select_for_update().get(pk=inventory.pk)
    applied = Return.objects.select_for_update().get(inventory=inv, state=ReturnState.APPLIED)
    assert inv.released_at is not None
    if at - inv.released_at > RETURN_ARRIVE_DAYS:
        applied.state = ReturnState.REFUSED
        applied.save(update_fields=["state"])
        return applied
    applied.state, applied.completed_at = ReturnState.COMPLETED, at
    applied.save(update_fields=["state", "completed_at"])
    quota_restore([_quota(inv)])
    books_give_back([inv])  # a bonded inventory's goods go back on its account book
    guarantee = Guarantee.objects.select_for_update().filter(assure_code=inv.assure_code).first()
    if guarantee is not None and GuaranteeEntry.objects.filter(inventory=inv, kind=GuaranteeEntryKind.DRAWN).exists():
        _restore(guarantee, inv.tax, inventory=inv)
    inv.state = InventoryState.GOODS_RETURNED
    inv.save(update_fields=["state"])
    Receipt.objects.create(sender_id=inv.sender_id, guid=applied.guid, kind=MessageType.RETURN,
                           status=ReceiptStatus.CONCLUDED, invt_no=inv.invt_no, at=at)  # fmt: skip
    return applied


@transaction.atomic
def inventories_inspect(*, ids: Iterable[int], at: datetime | None = None) -> int:
    """Customs orders an inspection (receipt 500); the release follows by inventories_release."""
    at = at or timezone.now()
    rows = list(Inventory.objects.select_for_update().filter(pk__in=list(ids), state=InventoryState.ACCEPTED))
    Inventory.objects.filter(pk__in=[r.pk for r in rows]).update(state=InventoryState.INSPECTION)
    Receipt.objects.bulk_create([_answer(r, MessageType.INVENTORY, r.guid, ReceiptStatus.INSPECTION, at) for r in rows])
    return len(rows)


def _draw(guarantee: Guarantee, amount: Decimal, inventory: Inventory) -> bool:
    """Draw a release's tax from the balance, if it covers it (a conditional UPDATE)."""
    drawn = Guarantee.objects.filter(pk=guarantee.pk, balance__gte=amount).update(balance=F("balance") - amount)
    if drawn:
        guarantee.balance -= amount
        GuaranteeEntry.objects.create(guarantee=guarantee, kind=GuaranteeEntryKind.DRAWN, amount=amount,
                                      balance_after=guarantee.balance, inventory=inventory)  # fmt: skip
    return bool(drawn)


def _restore(guarantee: Guarantee, amount: Decimal, *, inventory: Inventory | None = None,
             kind: str = GuaranteeEntryKind.RESTORED, reference: str = "") -> None:  # fmt: skip
    amount = min(amount, guarantee.amount - guarantee.balance)
    Guarantee.objects.filter(pk=guarantee.pk).update(balance=F("balance") + amount)
    guarantee.balance += amount
    GuaranteeEntry.objects.create(guarantee=guarantee, kind=kind, amount=amount, balance_after=guarantee.balance,
                                  inventory=inventory, reference=reference)  # fmt: skip


@transaction.atomic
def inventories_release(*, ids: Iterable[int], at: datetime | None = None) -> int:
    """Customs releases accepted (or inspected) inventories, oldest first. One whose guaranteeing firm
    lodged a guarantee draws its tax from it, or waits (awaiting_guarantee) when the balance cannot
    cover it; the buyer's reservation becomes used quota; receipt 800. Returns how many were released."""
    at = at or timezone.now()
    rows = list(Inventory.objects.select_for_update().filter(
        pk__in=list(ids), state__in=[InventoryState.ACCEPTED, InventoryState.INSPECTION]).order_by("accepted_at", "pk"))  # fmt: skip
    guarantees = {g.assure_code: g for g in Guarantee.objects.select_for_update().filter(
        assure_code__in={r.assure_code for r in rows}).order_by("pk")}  # fmt: skip
    released: list[Inventory] = []
    for inv in rows:
        guarantee = guarantees.get(inv.assure_code)
        if guarantee is not None and inv.tax and not _draw(guarantee, inv.tax, inv):
            guarantee_exhausted(guarantee=guarantee, at=at)  # a credit record, once per exhaustion
            inv.awaiting_guarantee = True
            inv.save(update_fields=["awaiting_guarantee"])
            continue
        inv.state, inv.released_at, inv.awaiting_guarantee = InventoryState.RELEASED, at, False
        released.append(inv)
    Inventory.objects.bulk_update(released, ["state", "released_at", "awaiting_guarantee"])
    quota_use([_quota(inv) for inv in released])
    Receipt.objects.bulk_create(
        [_answer(r, MessageType.INVENTORY, r.guid, ReceiptStatus.RELEASED, at) for r in released]
    )
    return len(released)


@transaction.atomic
def guarantee_lodge(*, organisation: Organisation, assure_code: str, amount: Decimal) -> Guarantee:
    guarantee = Guarantee.objects.create(organisation=organisation, assure_code=assure_code, amount=amount,
                                         balance=amount)  # fmt: skip
    GuaranteeEntry.objects.create(guarantee=guarantee, kind=GuaranteeEntryKind.OPENED, amount=amount,
                                  balance_after=amount)  # fmt: skip
    return guarantee


@transaction.atomic
def guarantee_tax_paid(*, assure_code: str, amount: Decimal, at: datetime | None = None, reference: str = "") -> int:
    """The periodic tax payment restores the guarantee; releases waiting for it go, oldest first.
    Returns how many were released."""
    guarantee = Guarantee.objects.select_for_update().get(assure_code=assure_code)
    _restore(guarantee, amount, reference=reference)
    waiting = Inventory.objects.filter(assure_code=assure_code, awaiting_guarantee=True,
                                       state__in=[InventoryState.ACCEPTED, InventoryState.INSPECTION])  # fmt: skip
    return inventories_release(ids=list(waiting.order_by("accepted_at", "pk").values_list("pk", flat=True)), at=at)
