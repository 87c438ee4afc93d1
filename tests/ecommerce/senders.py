"""Senders of cross-border messages for tests: a platform, a seller with filed products, a payment firm,
a logistics firm and a declarant, each an organisation of the portal with its filing and its own key."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from lxml import etree

from ecommerce import receiving, services
from ecommerce.choices import MessageType, Role
from ecommerce.examples import Parties
from ecommerce.messages import batch_bytes
from ecommerce.models import EnterpriseFiling, Receipt
from singlewindow.choices import OrganisationKind
from singlewindow.models import Organisation
from singlewindow.signatures import development_private_text, private_key, public_text, sign, signing_key_id

from .. import factories

ROLES = {Role.PLATFORM: "platform", Role.SELLER: "seller", Role.PAYMENT: "payment", Role.LOGISTICS: "logistics",
         Role.DECLARANT: "declarant"}  # fmt: skip


@dataclass
class Sender:
    organisation: Organisation
    filing: EnterpriseFiling
    private: str

    def signed(self, body: bytes) -> dict[str, str]:
        key = private_key(self.private)
        return {"key_id": signing_key_id(key), "signature": sign(body, key)}

    def send(self, *messages: etree._Element, now: Any = None) -> list[Receipt]:
        body = batch_bytes(list(messages))
        return receiving.batch_receive(sender=self.organisation, body=body, now=now, **self.signed(body)).receipts


@dataclass
class World:
    parties: Parties
    senders: dict[str, Sender] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Sender:
        try:
            return self.__dict__["senders"][name]
        except KeyError:
            raise AttributeError(name) from None


def make_sender(role: str, code: str) -> Sender:
    kind = OrganisationKind.PLATFORM if role == Role.PLATFORM else OrganisationKind.ENTERPRISE
    org = factories.enterprise(kind=kind)
    factories.clerk(org)  # who posts its batches (and is recorded as submitting its inventories to customs)
    filing = services.enterprise_file(organisation=org, role=role, code=code)
    private = development_private_text(f"cbec-{code}")
    services.sender_key_add(organisation=org, public_key_text=public_text(private))
    return Sender(org, filing, private)


def file_products(seller: EnterpriseFiling) -> None:
    for item_no, hs, name in (("SKU-MILK-1", "1901101000", "婴幼儿配方奶粉"), ("SKU-PERF-1", "3303000000", "香水"),
                              ("SKU-WATCH-1", "9102110000", "机械手表"), ("SKU-RIFLE-1", "9303201000", "猎枪")):  # fmt: skip
        services.product_file(seller=seller, item_no=item_no, hs_code=hs, name=name, origin="116",
                              producer="Morinaga Milk Industry", brand="森永", model="900g", barcode="4901234567894")  # fmt: skip


def world_make() -> World:
    """Every sender filed with its key, the seller's products filed: the world each e-commerce test starts in."""
    from ecommerce.examples import Parties

    parties = Parties()
    w = World(parties)
    for role, attr in ROLES.items():
        w.senders[attr] = make_sender(role, getattr(parties, attr))
    file_products(w.seller.filing)
    return w


def inventories_racing(world: World, parcels: list[dict[str, Any]]) -> None:
    """Each parcel's inventory sent by the declarant from its own thread and connection, all at the same
    moment (real PostgreSQL: a transactional test)."""
    barrier = threading.Barrier(len(parcels))

    def declare(parcel: dict[str, Any]) -> None:
        try:
            barrier.wait()
            world.declarant.send(parcel[MessageType.INVENTORY])
        finally:
            connection.close()

    threads = [threading.Thread(target=declare, args=(parcel,)) for parcel in parcels]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
