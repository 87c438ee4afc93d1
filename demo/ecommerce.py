"""Demo data for cross-border e-commerce: a platform, a seller (its products filed, a bonded account book
with stock), a payment firm, a logistics firm and a declarant (its tax guarantee lodged), one login each;
their signed batches bring five parcels through 三单对碰: four released (one bonded, drawn from the
book), one accepted and waiting for the guarantee's balance (customs records a tax payment and it goes),
and one inventory waiting for its waybill (the sweep returns it once the matching window has passed).
The same on PostgreSQL and on SQLite (`make run`): the channel's PostgreSQL statements have ORM fallbacks."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from lxml import etree

from ecommerce import bonded, lifecycle, receiving, services
from ecommerce.choices import MessageType, Role
from ecommerce.examples import Parcel, Parties, parcel_messages
from ecommerce.messages import batch_bytes
from ecommerce.models import EnterpriseFiling, Inventory
from singlewindow.choices import OrganisationKind
from singlewindow.choices import Role as UserRole
from singlewindow.models import Organisation, User
from singlewindow.signatures import development_private_text, private_key, public_text, sign, signing_key_id

PARTIES = Parties()
# role, code, organisation name, English name, USCC body (check character added by the caller), login, name
FIRMS = [
    (Role.PLATFORM, PARTIES.platform, "跨境优选电子商务平台有限公司", "Kuajing Youxuan E-commerce Platform Co., Ltd.",
     "91440115MA5CB0E1K", "cbec_platform", "黄丽"),
    (Role.SELLER, PARTIES.seller, "森永海外旗舰店（香港）有限公司", "Morinaga Overseas Flagship Store (HK) Ltd.",
     "91440115MA5CB0E2L", "cbec_seller", "何静"),
    (Role.PAYMENT, PARTIES.payment, "南沙跨境支付有限公司", "Nansha Cross-border Payment Co., Ltd.",
     "91440115MA5CB0E3M", "cbec_payment", "罗军"),
    (Role.LOGISTICS, PARTIES.logistics, "南沙国际物流有限公司", "Nansha International Logistics Co., Ltd.",
     "91440115MA5CB0E4N", "cbec_logistics", "梁勇"),
    (Role.DECLARANT, PARTIES.declarant, "南沙跨境报关服务有限公司", "Nansha Cross-border Customs Services Co., Ltd.",
     "91440115MA5CB0E5P", "cbec_declarant", "冯敏"),
]  # fmt: skip
PRODUCTS = [("SKU-MILK-1", "1901101000", "婴幼儿配方奶粉", "900g"), ("SKU-PERF-1", "3303000000", "香水", "50ml")]
EMS_NO = "T5165W000001"  # the account book examples.py names for a bonded parcel
SENDER = {MessageType.ORDER: Role.PLATFORM, MessageType.PAYMENT: Role.PAYMENT, MessageType.WAYBILL: Role.LOGISTICS,
          MessageType.INVENTORY: Role.DECLARANT}  # fmt: skip


def _send(org: Organisation, code: str, messages: list[etree._Element]) -> None:
    body = batch_bytes(messages)
    key = private_key(development_private_text(f"cbec-{code}"))
    receiving.batch_receive(sender=org, body=body, key_id=signing_key_id(key), signature=sign(body, key))


def create(*, make_uscc: Callable[[str], str], password: str) -> list[tuple[str, str]]:
    """Idempotent (nothing is added once the platform is filed); returns the logins (username, organisation)."""
    logins = [(username, name) for _r, _c, name, _e, _b, username, _d in FIRMS]
    if EnterpriseFiling.objects.filter(code=PARTIES.platform).exists():
        return logins
    orgs: dict[str, Organisation] = {}
    for role, code, name, name_en, body, username, display in FIRMS:
        org, _ = Organisation.objects.get_or_create(
            uscc=make_uscc(body),
            defaults={"kind": OrganisationKind.ENTERPRISE, "name": name, "name_en": name_en,
                      "address": "广东省广州市南沙区", "contact_name": "跨境业务部", "phone": "020-3468 0000"},
        )  # fmt: skip
        orgs[role] = org
        if not User.objects.filter(username=username).exists():
            user = User(username=username, organisation=org, role=UserRole.DECLARANT, first_name=display,
                        email=f"{username}@demo.singlewindow.example")  # fmt: skip
            user.set_password(password)
            user.save()
        services.enterprise_file(organisation=org, role=role, code=code, name=name)
        services.sender_key_add(organisation=org, public_key_text=public_text(development_private_text(f"cbec-{code}")))
    seller = EnterpriseFiling.objects.get(code=PARTIES.seller)
    for item_no, hs_code, name, model in PRODUCTS:
        services.product_file(seller=seller, item_no=item_no, hs_code=hs_code, name=name, origin="392",
                              producer="森永乳业株式会社", brand="森永", model=model, barcode="4902720123456")  # fmt: skip
    book = bonded.book_open(organisation=orgs[Role.SELLER], ems_no=EMS_NO, customs_code="5165")
    bonded.book_entry_record(book=book, item_no="SKU-MILK-1", quantity=Decimal(200), name="婴幼儿配方奶粉",
                             reference="QDRQ516526000001")  # fmt: skip
    lifecycle.guarantee_lodge(organisation=orgs[Role.DECLARANT], assure_code=PARTIES.declarant, amount=Decimal(120))
    parcels = [Parcel("CBEC-DEMO-001", "SF2026120500001"), Parcel("CBEC-DEMO-002", "SF2026120500002"),
               Parcel("CBEC-DEMO-003", "SF2026120500003"),
               Parcel("CBEC-DEMO-004", "SF2026120500004", trade_mode="1210", buyer_id="440106199203154321",
                      buyer_name="陈晓"),
               Parcel("CBEC-DEMO-005", "SF2026120500005", buyer_id="440106199203154321", buyer_name="陈晓")]  # fmt: skip
    waiting = parcel_messages(Parcel("CBEC-DEMO-006", "SF2026120500006"))
    for kind, role in SENDER.items():
        found = [parcel_messages(p)[kind] for p in parcels]
        if kind != MessageType.WAYBILL:
            found.append(waiting[kind])  # the sixth parcel's waybill never comes
        _send(orgs[role], EnterpriseFiling.objects.get(organisation=orgs[role], role=role).code, found)
    accepted = dict(Inventory.objects.filter(order_no__startswith="CBEC-DEMO-").values_list("order_no", "pk"))
    # Four releases draw 4 × 28.21 of the 120-yuan guarantee; the fifth waits for a tax payment.
    lifecycle.inventories_release(ids=[accepted[f"CBEC-DEMO-00{n}"] for n in (1, 2, 3, 4)])
    lifecycle.inventories_release(ids=[accepted["CBEC-DEMO-005"]])
    return logins
