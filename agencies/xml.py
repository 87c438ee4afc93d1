"""XML helpers every agency message shares: where the schemas are, loading one, and filling elements."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree

from singlewindow.untrusted import safe_xml_parser

SCHEMAS = Path(__file__).resolve().parent / "schemas"


@cache
def schema(name: str) -> etree.XMLSchema:
    """agencies/schemas/<name>.xsd, loaded once."""
    return etree.XMLSchema(etree.parse(str(SCHEMAS / f"{name}.xsd")))


MAX_RECEIPT_BYTES = 5 * 1024 * 1024


def receipts_read(body: bytes, *, name: str, error: type[Exception]) -> etree._Element:
    """An agency's batch of receipts, untrusted: at most 5 MiB, well-formed under the hardened parser, no
    DOCTYPE, valid against agencies/schemas/<name>.xsd; else `error` with the reason (kept with the
    quarantined body for operators)."""
    if len(body) > MAX_RECEIPT_BYTES:
        raise error("body larger than 5 MiB")
    try:
        root = etree.fromstring(body, safe_xml_parser())
    except etree.XMLSyntaxError as syntax:
        raise error(f"not well-formed XML: {syntax}") from None
    if root.getroottree().docinfo.doctype:
        raise error("a DOCTYPE is not allowed")
    valid = schema(name)
    if not valid.validate(root):
        raise error(f"not valid against {name}.xsd: {valid.error_log.last_error}")
    return root


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
