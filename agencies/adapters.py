"""The one small interface every agency adapter offers, and the registry of adapters.

An adapter knows one agency's message: how the frozen declaration becomes that agency's XML, which
schema checks it, and how the agency's references to its own elements map back to one-table fields.
Sending and receipt parsing are the same for every agency (agencies/delivery.py, agencies/receipts.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from lxml import etree

from declarations.registry import AgencyFieldMap

SCHEMAS = Path(__file__).resolve().parent / "schemas"


@dataclass(frozen=True)
class Adapter:
    field_map: AgencyFieldMap
    root: str  # the message's root element
    namespace: str
    groups: dict[str, str] = field(default_factory=dict)  # section ("header", "line", "container") → element

    @property
    def agency(self) -> str:
        return self.field_map.agency

    @cached_property
    def schema(self) -> etree.XMLSchema:
        return etree.XMLSchema(etree.parse(str(SCHEMAS / f"{self.agency}.xsd")))

    @cached_property
    def elements_by_section(self) -> dict[str, list[tuple[str, str]]]:
        """section → [(one-table field name, element name)] in the map's order."""
        out: dict[str, list[tuple[str, str]]] = {"header": [], "line": [], "container": []}
        for key, path in self.field_map.elements.items():
            section, name = key.split(".", 1)
            out[section].append((name, path.split("/", 1)[1]))
        return out

    @cached_property
    def field_for_element(self) -> dict[str, str]:
        """The agency's element path ("DecHead/GrossWet") → the one-table field name ("gross_weight")."""
        return {path: key.split(".", 1)[1] for key, path in self.field_map.elements.items()}

    @property
    def goods(self) -> bool:
        """Whether the agency takes goods declarations (border inspection and maritime safety take
        vessels only)."""
        return bool(self.field_map.elements)

    def build_message(self, payload: dict[str, Any], *, message_id: str, version: int) -> bytes:
        """The agency's XML for a frozen declaration (DeclarationVersion.payload), checked by its XSD."""
        if payload.get("category") == "vessel":
            from .vessels import build_vessel_message

            return build_vessel_message(self.agency, payload, message_id=message_id, version=version)
        ns = f"{{{self.namespace}}}"
        root = etree.Element(
            ns + self.root,
            nsmap={None: self.namespace},
            MessageId=message_id,
            PreEntryNo=payload["pre_entry_no"],
            Version=str(version),
            Direction=payload["direction"],
        )
        fill_elements(
            etree.SubElement(root, ns + self.groups["header"]),
            ns,
            self.elements_by_section["header"],
            payload["header"],
        )
        for line in payload["lines"]:
            element = etree.SubElement(root, ns + self.groups["line"], LineNo=str(line["line_no"]))
            fill_elements(element, ns, self.elements_by_section["line"], line)
        for container in payload["containers"]:
            fill_elements(
                etree.SubElement(root, ns + self.groups["container"]),
                ns,
                self.elements_by_section["container"],
                container,
            )
        self.schema.assertValid(root)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def fill_elements(parent: etree._Element, ns: str, elements: list[tuple[str, str]], values: dict[str, Any]) -> None:
    """One child element per (field, element) pair with a value; booleans as true/false. Goods and
    vessel messages alike."""
    for name, element in elements:
        value = values.get(name)
        if value is None or value == "":
            continue
        etree.SubElement(parent, ns + element).text = (
            ("true" if value else "false") if isinstance(value, bool) else str(value)
        )


_adapters: dict[str, Adapter] = {}


def register(adapter: Adapter) -> None:
    _adapters[adapter.agency] = adapter


def adapter_for(agency: str) -> Adapter:
    return _adapters[agency]


def adapters() -> list[Adapter]:
    return [_adapters[name] for name in sorted(_adapters)]
