"""Writes to the e-commerce filings: an enterprise files itself in a role (once, valid at every customs
site), a seller files its products, a sender registers the public key its batches are signed with;
customs records a firm's periodic tax payment on its guarantee. Keyword-only, one transaction each,
FilingRefused (a DomainError) on refusal."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from singlewindow.errors import DomainError
from singlewindow.models import Organisation, User
from singlewindow.services import audit_record
from singlewindow.signatures import KeyTextError, key_id, public_key

from . import lifecycle
from .catalogue import on_positive_list
from .choices import EcommerceAction, Role
from .models import EnterpriseFiling, Guarantee, ProductFiling, SenderKey
from .selectors import is_customs_officer


class FilingRefused(DomainError):
    status_code = 400

    def __init__(self, message: str, *, field: str = "", code: str = "invalid") -> None:
        super().__init__(message)
        self.field, self.code = field, code


@transaction.atomic
def enterprise_file(*, organisation: Organisation, role: str, code: str, name: str = "",
                    user: User | None = None) -> EnterpriseFiling:  # fmt: skip
    """File the organisation in a role under its code (copCode, at most 18 characters); once per role."""
    if role not in Role.values:
        raise FilingRefused(_("Choose a role."), field="role")
    code = code.strip().upper()
    if not code or len(code) > 18 or not code.isalnum():
        raise FilingRefused(_("The code is 1 to 18 letters and digits."), field="code")
    try:
        with transaction.atomic():
            filing = EnterpriseFiling.objects.create(organisation=organisation, role=role, code=code,
                                                     name=name or organisation.name)  # fmt: skip
    except IntegrityError:
        raise FilingRefused(_("This code, or this role of your organisation, is already filed."), field="code",
                            code="duplicate") from None  # fmt: skip
    audit_record(actor=user, action=EcommerceAction.ENTERPRISE_FILED, obj=filing, after={"role": role, "code": code})
    return filing


@transaction.atomic
def product_file(*, seller: EnterpriseFiling, item_no: str, hs_code: str, name: str, origin: str, producer: str,
                 model: str = "", brand: str = "", barcode: str = "", user: User | None = None) -> ProductFiling:  # fmt: skip
    """A seller's product, once before its first sale; whether it is on the positive list is read now."""
    if seller.role != Role.SELLER:
        raise FilingRefused(_("Only a filed seller files products."), field="seller", code="not_seller")
    if not (len(hs_code) == 10 and hs_code.isdigit()):
        raise FilingRefused(_("The HS code has 10 digits."), field="hs_code")
    if not item_no.strip() or not name.strip() or not producer.strip() or len(origin) != 3:
        raise FilingRefused(_("Give the item number, name, producer and origin country (3 characters)."),
                            field="item_no")  # fmt: skip
    try:
        with transaction.atomic():
            product = ProductFiling.objects.create(
                seller=seller, item_no=item_no.strip(), hs_code=hs_code, name=name, model=model, brand=brand,
                origin=origin.upper(), producer=producer, barcode=barcode, positive_list=on_positive_list(hs_code))  # fmt: skip
    except IntegrityError:
        raise FilingRefused(_("This item number is already filed."), field="item_no", code="duplicate") from None
    audit_record(
        actor=user, action=EcommerceAction.PRODUCT_FILED, obj=product, after={"item_no": item_no, "hs": hs_code}
    )
    return product


@transaction.atomic
def sender_key_add(*, organisation: Organisation, public_key_text: str, user: User | None = None) -> SenderKey:
    """Register a public key (base64 of the raw 32 bytes) the organisation's batches will be signed with."""
    try:
        public_key(public_key_text)
    except (KeyTextError, ValueError):
        raise FilingRefused(_("The key is the base64 of a 32-byte Ed25519 public key."), field="public_key") from None
    try:
        with transaction.atomic():
            key = SenderKey.objects.create(organisation=organisation, key_id=key_id(public_key_text),
                                           public_key=public_key_text.strip())  # fmt: skip
    except IntegrityError:
        raise FilingRefused(_("This key is already registered."), field="public_key", code="duplicate") from None
    audit_record(actor=user, action=EcommerceAction.SENDER_KEY_ADDED, obj=key, after={"key_id": key.key_id})
    return key


@transaction.atomic
def guarantee_payment_record(*, guarantee: Guarantee, amount: Decimal, reference: str, user: User) -> int:
    """Customs records the firm's periodic tax payment: the guarantee is restored by the amount (at most
    what was drawn) and the releases waiting for its balance go, oldest first. Returns how many went."""
    if not is_customs_officer(user):
        raise FilingRefused(_("Only customs records a tax payment."), code="not_customs")
    guarantee = Guarantee.objects.select_for_update().get(pk=guarantee.pk)
    drawn = guarantee.amount - guarantee.balance
    if amount <= 0 or amount > drawn:
        raise FilingRefused(_("The payment must be more than zero and at most what was drawn (%(drawn)s yuan).")
                            % {"drawn": drawn}, field="amount")  # fmt: skip
    reference = reference.strip()
    if not reference or len(reference) > 60:
        raise FilingRefused(_("Give the payment's reference (at most 60 characters)."), field="reference")
    released = lifecycle.guarantee_tax_paid(assure_code=guarantee.assure_code, amount=amount, reference=reference)
    audit_record(actor=user, action=EcommerceAction.GUARANTEE_TAX_PAID, obj=guarantee,
                 after={"amount": str(amount), "reference": reference, "released": released})  # fmt: skip
    return released
