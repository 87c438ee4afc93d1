"""What cross-border e-commerce tells credit (`credit.services`, with plain values: USCC, agency code),
as customs' records on the declaration path:

- an inventory returned because its documents disagree (false data: buyer, seller, lines, payment,
  consignee, payer, HS code) — a record for its declarant;
- an attempt past a buyer's limits (over 5,000 yuan a transaction, or the buyer's yearly 26,000) — a
  record for its declarant;
- a guarantee exhausted (a release had to wait for its balance) — a record for the guaranteeing firm,
  once per exhaustion (a tax payment that restores it starts the next one).

Each record's id is the inventory's guid or the guarantee's exhaustion, so nothing is recorded twice.
A record credit refuses (a firm without a valid USCC) is logged and changes nothing else."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from credit.choices import Channel, Outcome, RecordKind
from credit.models import CreditRecord
from credit.services import records_add
from singlewindow.choices import Agency
from singlewindow.models import Organisation

from .choices import GuaranteeEntryKind, MessageType, ReceiptStatus
from .models import Guarantee, Inventory, Receipt

log = logging.getLogger(__name__)

FALSE_DATA = {"buyer_mismatch", "seller_mismatch", "line_mismatch", "payment_mismatch", "payment_amount",
              "consignee_mismatch", "payer_not_buyer", "product_hs"}  # fmt: skip
OVER_LIMIT = {"over_transaction_limit", "over_yearly_quota"}
SUMMARY = {"false": "跨境电商零售进口清单因申报数据不符被退单（{code}）：{info}",
           "limit": "跨境电商零售进口清单超出个人交易限值被退单（{code}）：{info}",
           "guarantee": "跨境电商税款担保{code}额度用尽，放行待补足"}  # fmt: skip


def _push(rows: list[dict[str, Any]]) -> int:
    if not rows:
        return 0
    try:
        with transaction.atomic():
            stored, errors = records_add(agency=Agency.CUSTOMS, rows=rows, channel=Channel.DECLARATION)
    except Exception:  # credit must never undo the batch that caused the record
        log.exception("e-commerce credit records could not be stored")
        return 0
    if errors:
        log.warning("e-commerce credit records refused: %s", errors[:5])
    return stored


def returns_recorded(receipts: Iterable[Receipt]) -> int:
    """The batch's inventory receipts that returned an inventory for false data or over a limit."""
    returned = {r.guid: r for r in receipts
                if r.kind == MessageType.INVENTORY and r.status == ReceiptStatus.RETURNED
                and r.code in FALSE_DATA | OVER_LIMIT}  # fmt: skip
    if not returned:
        return 0
    senders = dict(Inventory.objects.filter(guid__in=list(returned)).values_list("guid", "sender_id"))
    usccs = dict(Organisation.objects.filter(pk__in=set(senders.values())).exclude(uscc="").values_list("pk", "uscc"))
    today = timezone.localdate()
    rows = [
        {"uscc": usccs[senders[guid]], "record_id": f"CBEC-{guid}", "kind": RecordKind.PERFORMANCE,
         "outcome": Outcome.ADVERSE, "decided_at": today, "legal_basis": "海关总署公告2018年第194号",
         "summary": SUMMARY["false" if r.code in FALSE_DATA else "limit"].format(code=r.code, info=r.info)[:500]}
        for guid, r in returned.items() if senders.get(guid) in usccs
    ]  # fmt: skip
    return _push(rows)


def guarantee_exhausted(*, guarantee: Guarantee, at: datetime | None = None) -> int:
    """A release could not be covered by the guarantee: one record per exhaustion."""
    episode = guarantee.entries.filter(kind=GuaranteeEntryKind.RESTORED).count()
    record_id = f"CBEC-GUARANTEE-{guarantee.pk}-{episode}"
    if CreditRecord.objects.filter(source_agency=Agency.CUSTOMS, record_id=record_id).exists():
        return 0
    uscc = Organisation.objects.filter(pk=guarantee.organisation_id).values_list("uscc", flat=True).first()
    if not uscc:
        return 0
    return _push([{"uscc": uscc, "record_id": record_id, "kind": RecordKind.PERFORMANCE, "outcome": Outcome.ADVERSE,
                   "decided_at": timezone.localdate(at), "legal_basis": "海关总署公告2018年第194号",
                   "summary": SUMMARY["guarantee"].format(code=guarantee.assure_code)}])  # fmt: skip
