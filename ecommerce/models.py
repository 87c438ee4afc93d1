"""The cross-border e-commerce tables: enterprises and products filed once (valid at every customs site),
the senders' public keys, every CEB message received (its guid claimed once), the order, payment and
waybill each parcel needs, its inventory (清单) with its matching state, quota and tax, the receipts each
sender reads back, and the ledgers that must stay exact under concurrency (a buyer's yearly quota, a
firm's tax guarantee), each with database constraints behind the services."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from singlewindow.models import Organisation

from .choices import (
    BookMovementKind,
    GuaranteeEntryKind,
    IdentityCheck,
    InventoryState,
    MessageType,
    ReceiptStatus,
    ReturnState,
    Role,
    TradeMode,
)

YEARLY_QUOTA = Decimal("26000")


class EnterpriseFiling(models.Model):
    """An organisation of the portal filed in one role under its customs code; "file once, valid
    everywhere": no customs site is named, every site reads this one row (Guangdong case 4)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="cbec_filings")
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    code = models.CharField(_("code (copCode)"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=200)
    filed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("enterprise filing")
        constraints = [models.UniqueConstraint(fields=["organisation", "role"], name="cbec_filing_one_per_role")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ProductFiling(models.Model):
    """A seller's product, filed once before its first sale; `positive_list` is read from
    ecommerce/reference/positive-list.json when it is filed."""

    seller = models.ForeignKey(EnterpriseFiling, on_delete=models.PROTECT, related_name="products")
    item_no = models.CharField(_("item number"), max_length=40)
    hs_code = models.CharField(_("HS code"), max_length=10)
    name = models.CharField(_("name"), max_length=250)
    model = models.CharField(_("model"), max_length=250, blank=True)
    brand = models.CharField(_("brand"), max_length=100, blank=True)
    origin = models.CharField(_("origin country"), max_length=3)
    producer = models.CharField(_("producer"), max_length=200)
    barcode = models.CharField(_("barcode"), max_length=50, blank=True)
    positive_list = models.BooleanField(_("on the positive list"), default=False)
    filed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("product filing")
        constraints = [
            models.UniqueConstraint(fields=["seller", "item_no"], name="cbec_product_once_per_seller"),
            models.CheckConstraint(condition=Q(hs_code__regex=r"^[0-9]{10}$"), name="cbec_product_hs_10_digits"),
        ]

    def __str__(self) -> str:
        return f"{self.item_no} {self.name}"


class SenderKey(models.Model):
    """A sender organisation's Ed25519 public key; its batches are signed with the private half."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="cbec_keys")
    key_id = models.CharField(max_length=16, unique=True)
    public_key = models.CharField(max_length=64)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sender key")

    def __str__(self) -> str:
        return self.key_id


class Batch(models.Model):
    """A signed batch as received: who sent it and what it cost to read."""

    sender = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    sha256 = models.CharField(max_length=64)
    messages = models.PositiveIntegerField(default=0)
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"batch {self.pk}"


class Message(models.Model):
    """A message's guid, claimed by the first message that carries it and passes its checks: a second
    message with the same guid, from anyone, is a duplicate. Only ever looked up by its guid: no other
    index, and no foreign-key constraint checked at each commit (each cost every message received;
    migration 0003): the sender is the organisation that signed in, the batch the one just written, and
    PROTECT still guards their deletion through the ORM."""

    guid = models.CharField(primary_key=True, max_length=36)
    sender = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", db_index=False,
                               db_constraint=False)  # fmt: skip
    kind = models.CharField(max_length=6, choices=MessageType.choices)
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False)
    received_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.kind} {self.guid}"


class Order(models.Model):
    """CEB311: a platform's order, unique per platform."""

    guid = models.CharField(max_length=36, unique=True)
    sender = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    ebp_code = models.CharField(max_length=18)
    ebp_name = models.CharField(max_length=100)
    ebc_code = models.CharField(max_length=18)
    ebc_name = models.CharField(max_length=100)
    order_no = models.CharField(max_length=60)
    goods_value = models.DecimalField(max_digits=14, decimal_places=2)
    freight = models.DecimalField(max_digits=14, decimal_places=2)
    discount = models.DecimalField(max_digits=14, decimal_places=2)
    tax_total = models.DecimalField(max_digits=14, decimal_places=2)
    actural_paid = models.DecimalField(max_digits=14, decimal_places=2)
    buyer_reg_no = models.CharField(max_length=60)
    buyer_name = models.CharField(max_length=60)
    buyer_id_number = models.CharField(max_length=60)
    buyer_telephone = models.CharField(max_length=30)
    pay_code = models.CharField(max_length=18)
    pay_transaction_id = models.CharField(max_length=60)
    consignee = models.CharField(max_length=100)
    consignee_telephone = models.CharField(max_length=50)
    consignee_address = models.CharField(max_length=200)
    lines = models.JSONField()  # [{gnum, itemNo, itemName, gmodel, qty, unit, price, totalPrice, country, barCode}]
    received_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ebp_code", "order_no"], name="cbec_order_once_per_platform")]

    def __str__(self) -> str:
        return self.order_no


class Payment(models.Model):
    """CEB411: what the buyer paid for an order, and who paid."""

    guid = models.CharField(max_length=36, unique=True)
    sender = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    pay_code = models.CharField(max_length=18)
    pay_transaction_id = models.CharField(max_length=60)
    ebp_code = models.CharField(max_length=18)
    order_no = models.CharField(max_length=60)
    payer_id_number = models.CharField(max_length=60)
    payer_name = models.CharField(max_length=60)
    amount_paid = models.DecimalField(max_digits=14, decimal_places=2)
    identity_check = models.CharField(max_length=20, choices=IdentityCheck.choices, blank=True)
    received_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pay_code", "pay_transaction_id"], name="cbec_payment_once"),
            models.UniqueConstraint(fields=["ebp_code", "order_no"], name="cbec_payment_once_per_order"),
        ]

    def __str__(self) -> str:
        return self.pay_transaction_id


class Waybill(models.Model):
    """CEB511: a carrier's waybill. Its number is the carrier's for six months: the current row holds it
    (partial unique index); a reuse after six months first retires the old row."""

    guid = models.CharField(max_length=36, unique=True)
    sender = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    logistics_code = models.CharField(max_length=18)
    logistics_name = models.CharField(max_length=100)
    logistics_no = models.CharField(max_length=60)
    bill_no = models.CharField(max_length=37, blank=True)
    freight = models.DecimalField(max_digits=14, decimal_places=2)
    weight = models.DecimalField(max_digits=12, decimal_places=4)
    consignee = models.CharField(max_length=100)
    consignee_telephone = models.CharField(max_length=50)
    consignee_address = models.CharField(max_length=200)
    current = models.BooleanField(default=True)
    received_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["logistics_code", "logistics_no"], condition=Q(current=True), name="cbec_waybill_current_once"
            )
        ]

    def __str__(self) -> str:
        return self.logistics_no


class Inventory(models.Model):
    """CEB621: the inventory list (清单) customs decides, with its matching state, quota and tax."""

    guid = models.CharField(max_length=36, unique=True)
    sender = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    cop_no = models.CharField(max_length=20)
    invt_no = models.CharField(_("inventory number"), max_length=18, blank=True)
    trade_mode = models.CharField(_("mode"), max_length=4, choices=TradeMode.choices)
    ebp_code = models.CharField(max_length=18)
    ebp_name = models.CharField(max_length=100)
    ebc_code = models.CharField(max_length=18)
    ebc_name = models.CharField(max_length=100)
    order_no = models.CharField(max_length=60)
    logistics_code = models.CharField(max_length=18)
    logistics_no = models.CharField(max_length=60)
    agent_code = models.CharField(max_length=18)
    assure_code = models.CharField(max_length=18)
    ems_no = models.CharField(max_length=12, blank=True)
    customs_code = models.CharField(max_length=4)
    port_code = models.CharField(max_length=4)
    buyer_id_number = models.CharField(max_length=60)
    buyer_name = models.CharField(max_length=60)
    freight = models.DecimalField(max_digits=14, decimal_places=2)
    insured_fee = models.DecimalField(max_digits=14, decimal_places=2)
    gross_weight = models.DecimalField(max_digits=12, decimal_places=4)
    net_weight = models.DecimalField(max_digits=12, decimal_places=4)
    lines = models.JSONField()  # [{gnum, itemNo, gcode, gname, gmodel, barCode, country, qty, unit, price, totalPrice}]
    dutiable = models.DecimalField(_("dutiable value"), max_digits=14, decimal_places=2)
    state = models.CharField(_("state"), max_length=16, choices=InventoryState.choices, default=InventoryState.WAITING)
    reason_code = models.CharField(max_length=40, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    deadline = models.DateTimeField()  # waiting ends here: returned with what is still missing
    quota_year = models.PositiveSmallIntegerField(null=True)
    full_tax = models.BooleanField(default=False)  # one indivisible item above the per-transaction limit
    tariff = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))
    vat = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))
    consumption_tax = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))
    tax = models.DecimalField(_("tax"), max_digits=14, decimal_places=2, default=Decimal(0))
    awaiting_guarantee = models.BooleanField(default=False)
    received_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True)
    released_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("inventory")
        verbose_name_plural = _("inventories")
        indexes = [
            models.Index(fields=["ebp_code", "order_no"]),
            models.Index(fields=["logistics_code", "logistics_no"]),
            models.Index(fields=["buyer_id_number"]),
            models.Index(fields=["state", "deadline"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(gross_weight__gte=F("net_weight")), name="cbec_gross_ge_net"),
            # One live inventory per order: a second is refused until the first is cancelled or returned.
            models.UniqueConstraint(
                fields=["ebp_code", "order_no"],
                condition=Q(state__in=["waiting", "accepted", "inspection", "released"]),
                name="cbec_inventory_live_once_per_order",
            ),
        ]

    def __str__(self) -> str:
        return self.invt_no or self.guid


class Receipt(models.Model):
    """The answer to one message (or to a batch that could not be read): what the sender reads back."""

    # Read by sender through the (sender, id) index below: no index of its own, and, as a message's, no
    # constraint checked at each commit for each of a batch's thousand receipts (migration 0003).
    sender = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", db_index=False,
                               db_constraint=False)  # fmt: skip
    guid = models.CharField(max_length=36, blank=True)  # blank: the batch as a whole
    kind = models.CharField(max_length=6, choices=MessageType.choices)
    status = models.SmallIntegerField(choices=ReceiptStatus.choices)
    code = models.CharField(max_length=40, blank=True)
    info = models.CharField(max_length=500, blank=True)
    invt_no = models.CharField(max_length=18, blank=True)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["sender", "id"]), models.Index(fields=["guid"])]

    def __str__(self) -> str:
        return f"{self.status} {self.guid}"

    @classmethod
    def answer(cls, *, sender_id: int, guid: str, kind: str, status: int, at: datetime, code: str = "",
               info: str = "", invt_no: str = "") -> Receipt:  # fmt: skip
        """A receipt not yet saved, built from its values in the fields' order (a model built from keywords
        costs twice as much, and a batch answers a thousand messages)."""
        values: Any = (None, sender_id, guid, kind, status, code, info, invt_no, at)
        return cls(*values)


class QuotaLedger(models.Model):
    """A buyer's calendar year (Asia/Shanghai): reserved by accepted inventories, used by released ones.
    Changed only by conditional UPDATEs (ecommerce/quota.py); the constraint is the last word."""

    buyer_id_number = models.CharField(max_length=60)
    year = models.PositiveSmallIntegerField()
    reserved = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))
    used = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["buyer_id_number", "year"], name="cbec_quota_one_row_per_buyer_year"),
            models.CheckConstraint(condition=Q(reserved__gte=0) & Q(used__gte=0), name="cbec_quota_not_negative"),
            models.CheckConstraint(
                condition=Q(reserved__lte=YEARLY_QUOTA - F("used")), name="cbec_quota_within_yearly_limit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.buyer_id_number} {self.year}"


class Guarantee(models.Model):
    """A firm's bank guarantee for release before tax (先放后征): each release draws its tax, the
    periodic tax payment restores it; a release waits while the balance cannot cover it."""

    assure_code = models.CharField(_("guaranteeing firm's code"), max_length=18, unique=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="cbec_guarantees")
    amount = models.DecimalField(_("guaranteed amount"), max_digits=14, decimal_places=2)
    balance = models.DecimalField(_("balance"), max_digits=14, decimal_places=2)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(balance__gte=0) & Q(balance__lte=F("amount")), name="cbec_guarantee_range"
            )
        ]

    def __str__(self) -> str:
        return self.assure_code


class GuaranteeEntry(models.Model):
    guarantee = models.ForeignKey(Guarantee, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=10, choices=GuaranteeEntryKind.choices)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    balance_after = models.DecimalField(max_digits=14, decimal_places=2)
    inventory = models.ForeignKey(Inventory, null=True, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(_("payment reference"), max_length=60, blank=True)  # a tax payment's
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["guarantee", "id"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"


class Return(models.Model):
    """CEB625: a return applied for within 30 days of release; completed when the goods are back within 45."""

    guid = models.CharField(max_length=36, unique=True)
    inventory = models.ForeignKey(Inventory, on_delete=models.PROTECT, related_name="returns")
    state = models.CharField(max_length=10, choices=ReturnState.choices, default=ReturnState.APPLIED)
    applied_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return self.guid


class AccountBook(models.Model):
    """A bonded warehouse's account book (电子账册, emsNo) for bonded (1210) cross-border imports: goods
    enter it by product and quantity, each accepted 1210 inventory draws it down (ecommerce/bonded.py)."""

    ems_no = models.CharField(_("account book number"), max_length=12, unique=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="cbec_books")
    customs_code = models.CharField(_("customs office"), max_length=4)
    opened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("account book")

    def __str__(self) -> str:
        return self.ems_no


class BookStock(models.Model):
    """What the warehouse holds of one product (the seller's item number) on one book. Changed only by
    conditional UPDATEs; the constraint is the last word."""

    book = models.ForeignKey(AccountBook, on_delete=models.CASCADE, related_name="stock")
    item_no = models.CharField(_("item number"), max_length=40)
    name = models.CharField(_("name"), max_length=250, blank=True)
    quantity = models.DecimalField(_("quantity in stock"), max_digits=19, decimal_places=5, default=Decimal(0))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["book", "item_no"], name="cbec_stock_one_row_per_item"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="cbec_stock_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.book_id} {self.item_no}"


class BookMovement(models.Model):
    """One change to a book's stock: goods entered, drawn by an inventory, or given back."""

    book = models.ForeignKey(AccountBook, on_delete=models.CASCADE, related_name="movements")
    item_no = models.CharField(_("item number"), max_length=40)
    kind = models.CharField(max_length=10, choices=BookMovementKind.choices)
    quantity = models.DecimalField(max_digits=19, decimal_places=5)
    inventory = models.ForeignKey(Inventory, null=True, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(_("entry reference"), max_length=60, blank=True)  # the entry's document
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["book", "id"])]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="cbec_movement_positive")]

    def __str__(self) -> str:
        return f"{self.kind} {self.item_no} {self.quantity}"
