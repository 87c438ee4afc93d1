"""XML helpers every agency message shares: where the schemas are, loading one, and filling elements."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree

SCHEMAS = Path(__file__).resolve().parent / "schemas"


@cache
def schema(name: str) -> etree.XMLSchema:
    """agencies/schemas/<name>.xsd, loaded once."""
    return etree.XMLSchema(etree.parse(str(SCHEMAS / f"{name}.xsd")))


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
