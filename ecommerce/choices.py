"""Names of the cross-border e-commerce app, once: sender roles, CEB message types, receipt statuses
(the e-port's `returnStatus` codes), an inventory's state, supervision modes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

CEB_NS = "http://www.chinaport.gov.cn/ceb"
CURRENCY_CNY = "142"  # the only currency a CBEC message may use


class Role(models.TextChoices):
    """What an enterprise files itself as (one filing per role); its code is the `copCode` its messages use."""

    PLATFORM = "platform", _("E-commerce platform")
    SELLER = "seller", _("E-commerce seller")
    PAYMENT = "payment", _("Payment firm")
    LOGISTICS = "logistics", _("Logistics firm")
    DECLARANT = "declarant", _("Inventory declarant")


class MessageType(models.TextChoices):
    ORDER = "CEB311", _("Order (CEB311)")
    PAYMENT = "CEB411", _("Payment (CEB411)")
    WAYBILL = "CEB511", _("Waybill (CEB511)")
    INVENTORY = "CEB621", _("Inventory (CEB621)")
    CANCEL = "CEB623", _("Inventory cancellation (CEB623)")
    RETURN = "CEB625", _("Return (CEB625)")
    BATCH = "batch", _("Batch")  # a receipt for a batch that could not be read at all


class ReceiptStatus(models.IntegerChoices):
    """The e-port's return statuses this portal sends (a subset of the real list)."""

    DECLARING = 2, _("Declaring (awaiting the other documents)")
    RETURNED = 100, _("Returned by customs")
    ACCEPTED = 120, _("Accepted by customs")
    INSPECTION = 500, _("Inspection")
    RELEASED = 800, _("Released")
    CONCLUDED = 899, _("Concluded")


class InventoryState(models.TextChoices):
    WAITING = "waiting", _("Waiting for order, payment or waybill")
    RETURNED = "returned", _("Returned")
    ACCEPTED = "accepted", _("Accepted")
    INSPECTION = "inspection", _("Inspection")
    RELEASED = "released", _("Released")
    CANCELLED = "cancelled", _("Cancelled")
    GOODS_RETURNED = "goods_returned", _("Goods returned")
    WITHDRAWN = "withdrawn", _("Withdrawn by its declarant")


class TradeMode(models.TextChoices):
    DIRECT = "9610", _("Direct purchase (9610)")
    BONDED = "1210", _("Bonded (1210)")


class IdentityCheck(models.TextChoices):
    """What a payment firm reports of the buyer (CEB411 `identityCheck`, this portal's extension)."""

    PASSED = "CHECK_PASSED", _("Buyer's identity verified")
    NOT_PASSED = "CHECK_NOT_PASSED", _("Buyer's identity not verified")
    NONE = "", _("Not reported")


class ReturnState(models.TextChoices):
    APPLIED = "applied", _("Applied, goods not back yet")
    COMPLETED = "completed", _("Goods back, tax not levied, quota restored")
    REFUSED = "refused", _("Refused")


class GuaranteeEntryKind(models.TextChoices):
    DRAWN = "drawn", _("Drawn by a release")
    RESTORED = "restored", _("Restored by tax paid")
    OPENED = "opened", _("Guarantee lodged")


class BookMovementKind(models.TextChoices):
    """What moves a bonded (1210) account book's stock of one product."""

    ENTRY = "entry", pgettext_lazy("account book movement", "Entered the warehouse")
    DRAWN = "drawn", pgettext_lazy("account book movement", "Drawn by an inventory")
    RESTORED = "restored", pgettext_lazy("account book movement", "Given back (cancelled or returned)")


class EcommerceAction(models.TextChoices):
    """What the audit trail records about filings, sender keys, guarantees and bonded account books."""

    ENTERPRISE_FILED = "ecommerce.enterprise_filed", _("Enterprise filed")
    PRODUCT_FILED = "ecommerce.product_filed", _("Product filed")
    SENDER_KEY_ADDED = "ecommerce.sender_key_added", _("Sender key registered")
    GUARANTEE_TAX_PAID = "ecommerce.guarantee_tax_paid", _("Tax payment recorded")
    BOOK_OPENED = "ecommerce.book_opened", _("Account book opened")
    BOOK_ENTRY = "ecommerce.book_entry", _("Goods entered on the account book")
