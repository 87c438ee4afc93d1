"""The one small interface every agency adapter offers, and the registry of adapters.

An agency's folder (agencies/<agency>/adapter.py) holds all that agency knows: for goods, its field map
and message shape (GoodsMessage); for vessels, the FAL lists it receives. How a frozen filing becomes a
message is one builder per category (goods.py, vessels.py; another app may register its own), so the
adapter never asks which category it has. Sending and receipt parsing are the same for every agency
(agencies/delivery.py, agencies/recording.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from declarations.choices import GOODS
from ecommerce.forwarding import CBEC
from licensing.choices import LICENCE_APPLICATION
from vessels.choices import VESSEL

from .cbec import build_inventory_batch_message
from .goods import GoodsMessage, build_goods_message
from .licences import build_licence_application_message
from .vessels import build_vessel_message


@dataclass(frozen=True)
class Adapter:
    agency: str
    goods: GoodsMessage | None = None  # None: the agency takes no goods declarations
    vessel_parts: tuple[str, ...] = ()  # the FAL lists it receives beside FAL 1; (): it takes no vessels
    takes: tuple[str, ...] = ()  # other categories it receives whole (a builder below makes their messages)

    @property
    def categories(self) -> tuple[str, ...]:
        return (*((GOODS,) if self.goods else ()), *((VESSEL,) if self.vessel_parts else ()), *self.takes)

    @property
    def field_for_element(self) -> dict[str, str]:
        """The agency's element path ("DecHead/GrossWet") → the one-table field name ("gross_weight")."""
        return self.goods.field_for_element if self.goods else {}

    def build_message(self, payload: dict[str, Any], *, message_id: str, version: int) -> bytes:
        """The agency's XML for a frozen filing (DeclarationVersion.payload), checked by its XSD. A
        KeyError when nobody builds this category's messages for this agency."""
        build = _builders[payload.get("category", GOODS)]
        return build(self, payload, message_id, version)


Builder = Callable[[Adapter, dict[str, Any], str, int], bytes]  # (adapter, payload, message id, version)


def _goods(adapter: Adapter, payload: dict[str, Any], message_id: str, version: int) -> bytes:
    if adapter.goods is None:
        raise KeyError(f"{adapter.agency} takes no goods declarations")
    return build_goods_message(adapter.goods, payload, message_id=message_id, version=version)


def _vessel(adapter: Adapter, payload: dict[str, Any], message_id: str, version: int) -> bytes:
    if not adapter.vessel_parts:
        raise KeyError(f"{adapter.agency} takes no vessel declarations")
    return build_vessel_message(adapter.agency, adapter.vessel_parts, payload, message_id=message_id, version=version)


def _licence_application(adapter: Adapter, payload: dict[str, Any], message_id: str, version: int) -> bytes:
    if LICENCE_APPLICATION not in adapter.takes:
        raise KeyError(f"{adapter.agency} takes no licence applications")
    return build_licence_application_message(adapter.agency, payload, message_id=message_id, version=version)


def _inventory_batch(adapter: Adapter, payload: dict[str, Any], message_id: str, version: int) -> bytes:
    if CBEC not in adapter.takes:
        raise KeyError(f"{adapter.agency} takes no cross-border inventories")
    return build_inventory_batch_message(adapter.agency, payload, message_id=message_id, version=version)


_adapters: dict[str, Adapter] = {}
_builders: dict[str, Builder] = {GOODS: _goods, VESSEL: _vessel, LICENCE_APPLICATION: _licence_application,
                                 CBEC: _inventory_batch}  # fmt: skip


def register(adapter: Adapter) -> None:
    if adapter.agency in _adapters:
        raise ValueError(f"an adapter for {adapter.agency!r} is already registered")
    _adapters[adapter.agency] = adapter


def register_builder(category: str, build: Builder) -> None:
    """How a category's frozen filing becomes an agency's message (agencies/apps.py, or another app's
    ready() for a category of its own)."""
    if category in _builders:
        raise ValueError(f"a message builder for {category!r} is already registered")
    _builders[category] = build


def adapter_for(agency: str) -> Adapter:
    return _adapters[agency]


def adapters() -> list[Adapter]:
    return list(_adapters.values())
