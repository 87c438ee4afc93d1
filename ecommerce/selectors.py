"""Reads of the e-commerce tables, each scoped: a sender reads its own receipts and filings, a customs
officer the inventories, a consumer only what the trace page and the quota lookup prove they may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from declarations import codelists
from declarations.choices import CodeList
from declarations.models import Declaration, Delivery
from singlewindow.choices import Agency, OrganisationKind
from singlewindow.models import User

from .choices import InventoryState
from .forwarding import CBEC, filing_inventories
from .models import EnterpriseFiling, Inventory, Order, ProductFiling, Receipt, Waybill
from .quota import QuotaState, quota_state, quota_year

SHOWN_STATES = [InventoryState.ACCEPTED, InventoryState.INSPECTION, InventoryState.RELEASED,
                InventoryState.GOODS_RETURNED]  # fmt: skip


def receipts_of(user: User) -> QuerySet[Receipt]:
    return Receipt.objects.filter(sender_id=user.organisation_id or 0).order_by("id")


def filings_of(user: User) -> QuerySet[EnterpriseFiling]:
    return EnterpriseFiling.objects.filter(organisation_id=user.organisation_id or 0).order_by("role")


def products_of(user: User) -> QuerySet[ProductFiling]:
    return ProductFiling.objects.filter(seller__organisation_id=user.organisation_id or 0).order_by("item_no")


def is_customs_officer(user: User) -> bool:
    org = user.organisation
    return org is not None and org.kind == OrganisationKind.AGENCY and org.agency == Agency.CUSTOMS


def inventories_for_officer(user: User) -> QuerySet[Inventory]:
    """The inventories delivered to customs (accepted by matching, whatever customs did next), for a
    customs officer; nothing for anyone else: inventories go to no other agency, and one still waiting
    for its documents or returned by matching never reached customs."""
    if not is_customs_officer(user):
        return Inventory.objects.none()
    return Inventory.objects.filter(accepted_at__isnull=False).order_by("-received_at")


def cbec_filing(user: User, pk: int) -> tuple[Declaration, list[Inventory], list[Delivery]] | None:
    """A batch of inventories sent to customs, with its inventories and its branches, for the
    declarant's users and customs officers; None for anyone else."""
    declaration = Declaration.objects.filter(pk=pk, category=CBEC).first()
    if declaration is None or not (declaration.owner_id == user.organisation_id or is_customs_officer(user)):
        return None
    deliveries = list(Delivery.objects.filter(version__declaration=declaration).order_by("agency"))
    return declaration, filing_inventories(declaration), deliveries


@dataclass(frozen=True)
class TracedItem:
    """One line of a released (or accepted) inventory, as the public trace page shows it."""

    facts: list[tuple[str, str]]


def _mask_name(name: str) -> str:
    return name[:1] + "*" * max(len(name) - 1, 1)


def _mask_id(number: str) -> str:
    return number[:3] + "*" * max(len(number) - 7, 0) + number[-4:]


def inventories_traced(*, order_no: str = "", logistics_no: str = "", id_number: str = "",
                       name: str = "") -> list[Inventory]:  # fmt: skip
    """The inventories a consumer may trace: by order number, by waybill number, or by ID number together
    with the buyer's name (then only that buyer's). Anything else finds nothing."""
    rows = Inventory.objects.filter(state__in=SHOWN_STATES)
    if order_no:
        rows = rows.filter(order_no=order_no.strip())
    elif logistics_no:
        rows = rows.filter(logistics_no=logistics_no.strip())
    elif id_number and name:
        rows = rows.filter(buyer_id_number=id_number.strip().upper(), buyer_name=name.strip())
    else:
        return []
    return list(rows.order_by("received_at")[:50])


def _named(reference: str, code: str) -> str:
    """What a consumer reads for a code of the messages: its name in the portal's code list, in the active
    language, or the code itself when the list does not hold it."""
    return codelists.name(reference, code) or code


def trace_facts(inventories: list[Inventory]) -> list[TracedItem]:
    """Each line's facts (at least the 18 of Guangdong's page), the buyer masked."""
    products = {
        (p.seller.code, p.item_no): p
        for p in ProductFiling.objects.filter(seller__code__in={i.ebc_code for i in inventories}).select_related(
            "seller"
        )
    }
    waybills = {(w.logistics_code, w.logistics_no): w for w in Waybill.objects.filter(
        logistics_no__in={i.logistics_no for i in inventories}, current=True)}  # fmt: skip
    items = []
    for inv in inventories:
        carrier = waybills.get((inv.logistics_code, inv.logistics_no))
        for line in inv.lines:
            product = products.get((inv.ebc_code, line["itemNo"]))
            inspected = _("Inspected") if inv.state == InventoryState.INSPECTION else _("Not selected for inspection")
            items.append(TracedItem([
                (_("Name"), line["gname"]), (_("Quantity"), f'{line["qty"]}'),
                (_("Unit"), _named(CodeList.UNITS, line["unit"])),
                (_("Item number"), line["itemNo"]), (_("Declared origin"), line["country"]),
                (_("Producer"), product.producer if product else ""),
                (_("Port of entry"), _named(CodeList.CUSTOMS_OFFICES, inv.port_code)),
                (_("HS code"), line["gcode"]), (_("Brand"), product.brand if product else ""),
                (_("Model"), line["gmodel"]), (_("Barcode"), line.get("barCode", "")),
                (_("Seller"), inv.ebc_name), (_("Platform"), inv.ebp_name),
                (_("Carrier"), carrier.logistics_name if carrier else inv.logistics_code),
                (_("Order number"), inv.order_no), (_("Waybill number"), inv.logistics_no),
                (_("Inventory number"), inv.invt_no), (_("Mode"), str(inv.get_trade_mode_display())),
                (_("Customs office"), _named(CodeList.CUSTOMS_OFFICES, inv.customs_code)),
                (_("State"), str(inv.get_state_display())),
                (_("Release date"), timezone.localdate(inv.released_at).isoformat() if inv.released_at else ""),
                (_("Inspection result"), inspected),
                (_("Buyer"), _mask_name(inv.buyer_name)), (_("Buyer's ID number"), _mask_id(inv.buyer_id_number)),
            ]))  # fmt: skip
    return items


def buyer_quota(*, id_number: str, name: str, order_no: str, at: datetime | None = None) -> QuotaState | None:
    """The year's quota of a buyer who proves who they are by three facts only they hold together: ID
    number, name and the number of one of their orders. None when they do not agree."""
    number = id_number.strip().upper()
    if not (number and name.strip() and order_no.strip()):
        return None
    if not Order.objects.filter(buyer_id_number=number, buyer_name=name.strip(), order_no=order_no.strip()).exists():
        return None
    return quota_state(number, quota_year(at or timezone.now()))
