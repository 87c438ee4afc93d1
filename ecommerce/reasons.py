"""Why a message was returned (receipt status 100) or is still waiting: one code each, with its sentence
in the active language. Receipts store the code and the sentence as it read when it was written."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

REASONS = {
    "signature": _("The batch is not signed with a key registered for your organisation."),
    "malformed": _("The batch is not well-formed XML: %(detail)s"),
    "too_large": _("The batch is larger than %(mb)d MB."),
    "dtd": _("The batch declares a DTD or entities, which are not allowed."),
    "wrong_root": _("A batch is a ceb:CebBatch element in the namespace http://www.chinaport.gov.cn/ceb."),
    "schema": _("The message does not follow its schema: %(detail)s"),
    "guid_mismatch": _("The message's guid attribute and its head's guid differ."),
    "duplicate_guid": _("A message with this guid was already received."),
    "app_type": _("A cancellation or a return is only sent as a new message (appType 1)."),
    "amend_unknown": _("There is no %(kind)s %(no)s of yours to change or delete."),
    "amend_decided": _(
        "Inventory %(no)s is already decided: it can no longer be changed or deleted. Cancel it by CEB623 "
        "before its release, or return it by CEB625 after."
    ),
    "amended": _("Changed: this message replaces the earlier one."),
    "withdrawn": _("Deleted: the earlier message is withdrawn."),
    "book_unknown": _("Account book %(no)s is not an account book of the seller or the declarant."),
    "book_short": _("Account book %(no)s holds %(left)s of item %(item)s, less than the %(qty)s declared."),
    "not_yours": _("The message names %(code)s as its %(role)s, which is not a filing of your organisation."),
    "actural_paid": _("acturalPaid must equal goodsValue + freight + taxTotal − discount."),
    "goods_value": _("goodsValue must equal the sum of the lines' totalPrice."),
    "total_price": _("Line %(gnum)s: totalPrice must equal price × qty."),
    "gnum": _("Lines must be numbered 1, 2, 3… in order."),
    "weights": _("grossWeight must not be less than netWeight."),
    "ems_no": _("A bonded (1210) inventory names its account book (emsNo)."),
    "order_exists": _("The platform already sent order %(no)s."),
    "payment_exists": _("A payment for this order or transaction was already received."),
    "waybill_reused": _("Waybill %(no)s was used by this carrier within the last six months."),
    "inventory_exists": _("An inventory for this order is already being decided or was released."),
    "missing": _("Not received within the matching window: %(missing)s."),
    "buyer_mismatch": _("The inventory's buyer is not the order's buyer."),
    "seller_mismatch": _("The inventory's seller is not the order's seller."),
    "line_mismatch": _("Inventory line %(gnum)s is not a line of the order (item, quantity and price)."),
    "payment_mismatch": _("The payment is not the order's (payment firm or transaction)."),
    "payment_amount": _("The amount paid (%(paid)s) is not the order's actual paid amount (%(due)s)."),
    "consignee_mismatch": _("The waybill's consignee is not the order's (name, telephone and address)."),
    "payer_not_buyer": _(
        "The payer is not the buyer and the payment firm did not report the buyer's identity checked."
    ),
    "product_not_filed": _("Item %(item)s is not a product the seller has filed."),
    "product_hs": _("Item %(item)s is filed under HS code %(filed)s, not %(given)s."),
    "not_positive_list": _("HS code %(hs)s is not on the positive list of cross-border retail imports."),
    "over_transaction_limit": _("The inventory's value %(value)s yuan is above the 5,000 yuan limit per transaction."),
    "over_yearly_quota": _("The buyer's yearly limit of 26,000 yuan would be exceeded (%(left)s yuan left this year)."),
    "unknown_inventory": _("No inventory %(no)s of this declarant."),
    "not_cancellable": _("Only an inventory that is not released can be cancelled; return a released one."),
    "not_returnable": _("Only a released inventory can be returned, within 30 days of its release."),
    "customs_returned": _("Returned by customs: %(info)s"),
}

MISSING = {"order": _("order (CEB311)"), "payment": _("payment (CEB411)"), "waybill": _("waybill (CEB511)")}


def reason(reason_code: str, /, **params: Any) -> str:
    """The sentence for a code, in the active language, at most 500 characters."""
    return (str(REASONS[reason_code]) % params if params else str(REASONS[reason_code]))[:500]


def missing_text(missing: list[str]) -> str:
    return _missing_text(tuple(missing), get_language())


@lru_cache(maxsize=64)
def _missing_text(missing: tuple[str, ...], language: str | None) -> str:
    """Once per language and combination: a batch names the missing documents of a thousand inventories."""
    return ", ".join(str(MISSING[m]) for m in missing)
