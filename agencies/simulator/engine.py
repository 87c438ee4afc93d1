"""The simulated agencies' logic: configuration, decisions, receipts, and the state they share.

Everything that changes at run time (the configuration, counts, pending receipts and the random
generator) lives in one Engine behind one lock, so the HTTP threads and the sender thread never see
half an update, and a seeded configuration makes the same decisions for the same sequence of messages.
"""

from __future__ import annotations

import copy
import heapq
import itertools
import json
import logging
import os
import random
import re
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from lxml import etree

from singlewindow.signatures import (
    KeyTextError,
    development_private_text,
    key_id,
    private_key,
    public_key,
    public_text,
    verify,
)

log = logging.getLogger(__name__)

RECEIPT_NS = "urn:singlewindow:receipt:1"
BATCH_NS = "urn:singlewindow:batch:1"  # several messages in one request (protocol section 1)
SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"
MAX_MESSAGE_BYTES = 5 * 1024 * 1024
MAX_BATCH = 1000  # the receipt schema's limit per <Receipts>
DEFAULT_PORTAL_URL = "http://127.0.0.1:8000/api/v1/agency-gateway/receipts/"
# Every agency the portal has a folder for (agencies/<agency>/adapter.py): the simulator imports nothing
# of the portal, so it reads the folders.
DEFAULT_AGENCIES = tuple(sorted(p.parent.name for p in Path(__file__).resolve().parents[1].glob("*/adapter.py")))
DECISIONS = ("release", "reject", "inspect", "hold")
DUTY_RATE = Decimal("0.13")
# The simulator's own exchange rates, yuan per unit of each currency, fixed so that a run is repeatable: an
# assumption of this stand-in agency, not a published rate (a real customs system converts at the rate it
# publishes for the month). Duties are 13 % of the goods value converted to yuan at these rates; a line
# with no currency is taken to be in yuan. Goods wholly in a currency missing here are assessed in that
# currency; a line in such a currency among lines in others is left out of a yuan assessment.
CNY_PER_UNIT = {
    "CNY": Decimal("1"), "USD": Decimal("7.10"), "EUR": Decimal("7.80"), "GBP": Decimal("9.20"),
    "JPY": Decimal("0.048"), "HKD": Decimal("0.91"), "KRW": Decimal("0.0052"), "SGD": Decimal("5.40"),
    "AUD": Decimal("4.70"), "CAD": Decimal("5.20"), "CHF": Decimal("8.10"), "RUB": Decimal("0.080"),
}  # fmt: skip
LINE_CODES = ("CodeTS", "HsCode")  # the commodity code of a goods line (customs, inspection, commerce)
LINE_CURRENCIES = ("TradeCurr", "Currency")  # the currency of a goods line's value (customs, inspection)
LINE_QUANTITIES = ("GQty", "Qty", "Quantity")  # a goods line's declared (or applied-for) quantity
LINE_TOTALS = ("DeclTotal", "GoodsTotalVal")  # a goods line's value, the basis of the duties
ENVELOPE_START = f'<?xml version="1.0" encoding="UTF-8"?>\n<Receipts xmlns="{RECEIPT_NS}">'.encode()
# Cross-border inventories (protocol section 6): one message carries many inventories, each answered on
# its own in the e-port's statuses, sent to the portal's cbec gateway beside the receipts one.
CBEC_RECEIPT_NS = "urn:singlewindow:cbec-receipt:1"
CBEC_ENVELOPE_START = f'<?xml version="1.0" encoding="UTF-8"?>\n<InventoryReceipts xmlns="{CBEC_RECEIPT_NS}">'.encode()
CBEC_STATUSES = {"release": ["800"], "inspect": ["500", "800"], "reject": ["100"], "hold": ["500"]}
SECTIONS = ("header", "line", "container")  # a prefix the protocol's example paths carry; ignored
# Receipt ids, agency names and message ids end up in Token64 elements of receipt.xsd.
TOKEN = re.compile(r"[A-Za-z0-9_.:\-]{1,64}")
# Agency names also name schema files and URL segments, and "<agency>-<32 hex>" must fit 64 characters.
AGENCY_NAME = re.compile(r"[a-z0-9_\-]{1,31}")

AGENCY_DEFAULTS: dict[str, Any] = {
    "delay_ms": 0,
    "down": False,
    "error_ratio": 0.0,
    "timeout_ratio": 0.0,
    "timeout_seconds": 30.0,
    "duplicate_ratio": 0.0,
    "reorder": False,
    "rules": [],
    "default": "release",
    "payment": "paid",
}
RULE_KEYS = {"hs_chapter", "max_quantity", "field", "equals", "ratio", "decision", "reason", "report_field"}
# "portal_key_ids" is what GET shows of the keys: a configuration read and PUT back keeps the keys it had.
TOP_KEYS = {"portal_url", "portal_public_keys", "portal_key_ids", "keys", "seed", "agencies"}


class ConfigError(ValueError):
    """A configuration the simulator refuses: PUT /_sim/config answers 400, start-up exits."""


class InvalidMessage(ValueError):
    """A message the agency refuses for good (answer 400: the portal does not retry)."""


# --- configuration -------------------------------------------------------------------------------


def env_defaults() -> tuple[str, list[str]]:
    """The portal URL and public keys from the environment: what a configuration leaves out. Unset,
    the keys are the published development ones (as the portal's are)."""
    keys = [key.strip() for key in os.environ.get("PORTAL_PUBLIC_KEY", "").split(",") if key.strip()]
    return (
        os.environ.get("PORTAL_RECEIPTS_URL") or DEFAULT_PORTAL_URL,
        keys or [public_text(development_private_text("portal"))],
    )


def agency_key_default(agency: str) -> str:
    """An agency's private key: AGENCY_<AGENCY>_PRIVATE_KEY, or its development key."""
    return os.environ.get(f"AGENCY_{agency.upper()}_PRIVATE_KEY") or development_private_text(agency)


def default_config() -> dict[str, Any]:
    """Every agency accepts and releases at once; customs assesses duties first."""
    return normalise_config({"agencies": {name: {} for name in DEFAULT_AGENCIES}})


def load_config(path: str | Path | None) -> dict[str, Any]:
    if not path:
        return default_config()
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ConfigError(f"cannot read {path}: {error}") from None
    return normalise_config(data)


def normalise_config(data: Any) -> dict[str, Any]:
    """Check a configuration and fill in every default, so the rest of the code never guesses and a
    typo (an unknown key) is refused instead of silently doing nothing."""
    if not isinstance(data, dict):
        raise ConfigError("the configuration must be a JSON object")
    _no_unknown(data, TOP_KEYS, "configuration")
    portal_url, portal_keys = env_defaults()
    portal_url = data.get("portal_url") or portal_url
    portal_keys = data.get("portal_public_keys") or portal_keys
    if not isinstance(portal_url, str) or not portal_url.startswith(("http://", "https://")):
        raise ConfigError("portal_url must be an http:// or https:// URL")
    if not isinstance(portal_keys, list) or not all(isinstance(key, str) for key in portal_keys):
        raise ConfigError("portal_public_keys must be a list of keys")
    keys = data.get("keys") or {}
    if not isinstance(keys, dict) or not all(isinstance(key, str) for key in keys.values()):
        raise ConfigError("keys must map agencies to their private keys")
    seed = data.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int | str)):
        raise ConfigError("seed must be an integer or a string")
    agencies = data.get("agencies")
    if not isinstance(agencies, dict) or not agencies:
        raise ConfigError("agencies must be an object naming at least one agency")
    return {
        "portal_url": portal_url,
        "portal_public_keys": _public_keys(portal_keys),
        "keys": {name: _private_key(name, keys.get(name) or agency_key_default(name)) for name in agencies},
        "seed": seed,
        "agencies": {name: _agency_config(name, value) for name, value in agencies.items()},
    }


def _public_keys(texts: list[str]) -> dict[str, Ed25519PublicKey]:
    try:
        return {key_id(text): public_key(text) for text in texts}
    except KeyTextError as error:
        raise ConfigError(f"portal_public_keys: {error}") from None


def _private_key(agency: str, text: str) -> Ed25519PrivateKey:
    try:
        return private_key(text)
    except KeyTextError as error:
        raise ConfigError(f"keys.{agency}: {error}") from None


def public_config(config: dict[str, Any]) -> dict[str, Any]:
    """The configuration as GET /_sim/config shows it: key ids only, never the agencies' private keys,
    which anyone who can reach the control API could otherwise use to sign receipts the portal trusts."""
    shown = {key: value for key, value in config.items() if key not in ("keys", "portal_public_keys")}
    shown["portal_key_ids"] = sorted(config["portal_public_keys"])
    return shown


def _no_unknown(data: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)} (allowed: {', '.join(sorted(allowed))})")


def _ratio(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ConfigError(f"{where} must be a number from 0 to 1")
    return float(value)


def _flag(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{where} must be true or false")
    return value


def _decision(value: Any, where: str) -> str:
    if value not in DECISIONS:
        raise ConfigError(f"{where} must be one of {', '.join(DECISIONS)}")
    return str(value)


def _agency_config(name: str, data: Any) -> dict[str, Any]:
    if not AGENCY_NAME.fullmatch(name):
        raise ConfigError(f"agency name {name!r} must be 1-31 characters a-z, 0-9, _ or -")
    if not isinstance(data, dict):
        raise ConfigError(f"agencies.{name} must be an object")
    where = f"agencies.{name}"
    _no_unknown(data, {*AGENCY_DEFAULTS, "duties"}, where)
    out = {**AGENCY_DEFAULTS, "duties": name == "customs", **data}
    for key in ("delay_ms", "timeout_seconds"):
        value = out[key]
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ConfigError(f"{where}.{key} must be a number ≥ 0")
    for key in ("error_ratio", "timeout_ratio", "duplicate_ratio"):
        out[key] = _ratio(out[key], f"{where}.{key}")
    for key in ("down", "reorder", "duties"):
        out[key] = _flag(out[key], f"{where}.{key}")
    if name == "inspection" and out["duties"]:
        raise ConfigError("agencies.inspection.duties: inspection never assesses duties")
    out["default"] = _decision(out["default"], f"{where}.default")
    if out["payment"] not in ("paid", "guaranteed"):
        raise ConfigError(f"{where}.payment must be paid or guaranteed")
    if not isinstance(out["rules"], list):
        raise ConfigError(f"{where}.rules must be a list")
    out["rules"] = [_rule(rule, f"{where}.rules[{i}]") for i, rule in enumerate(out["rules"])]
    return out


def _rule(data: Any, where: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ConfigError(f"{where} must be an object")
    _no_unknown(data, RULE_KEYS, where)
    rule = dict(data)
    rule["decision"] = _decision(rule.get("decision"), f"{where}.decision")
    if not {"hs_chapter", "max_quantity", "field", "ratio"} & set(rule):
        raise ConfigError(f"{where} needs a condition: hs_chapter, max_quantity, field (with equals) or ratio")
    if "max_quantity" in rule:
        _quantity(rule["max_quantity"], f"{where}.max_quantity")  # kept as given: the configuration is shown as JSON
    if "hs_chapter" in rule:
        chapter = rule["hs_chapter"]
        if not isinstance(chapter, str) or not chapter.isdigit() or len(chapter) < 2:
            raise ConfigError(f'{where}.hs_chapter must be a string of 2 (or more) digits, e.g. "02"')
    if "field" in rule:
        if not isinstance(rule["field"], str) or not _path_parts(rule["field"]):
            raise ConfigError(f'{where}.field must be an element path, e.g. "DecHead/TradeCountry"')
        if "report_field" not in rule and not TOKEN.fullmatch(".".join(_path_parts(rule["field"]))):
            raise ConfigError(f"{where}.field cannot be named in a receipt's <Field>; give report_field")
        if not isinstance(rule.get("equals"), str):
            raise ConfigError(f"{where}: field needs equals (a string)")
    elif "equals" in rule:
        raise ConfigError(f"{where}: equals needs field")
    if "ratio" in rule:
        rule["ratio"] = _ratio(rule["ratio"], f"{where}.ratio")
    if "reason" in rule and (not isinstance(rule["reason"], str) or len(rule["reason"]) > 500):
        raise ConfigError(f"{where}.reason must be a string of at most 500 characters")
    if "report_field" in rule and (
        not isinstance(rule["report_field"], str) or not TOKEN.fullmatch(rule["report_field"])
    ):
        raise ConfigError(f"{where}.report_field must be 1-64 characters A-Z a-z 0-9 _ . : -")
    return rule


def _quantity(value: Any, where: str) -> Decimal:
    try:
        quantity = Decimal(str(value)) if not isinstance(value, bool) and isinstance(value, int | float | str) else None
    except InvalidOperation:
        quantity = None
    if quantity is None or not quantity.is_finite() or quantity < 0:
        raise ConfigError(f'{where} must be a number ≥ 0 (a string such as "10000" keeps decimals exact)')
    return quantity


def _random(seed: int | str | None) -> random.Random:
    """The simulation's dice: reproducible with a seed, and not used for anything secret."""
    return random.Random(seed)  # noqa: S311


# --- messages ------------------------------------------------------------------------------------


def portal_signed(body: bytes, key_id_header: str | None, signature: str | None, keys: dict[str, Any]) -> bool:
    """Whether the portal signed `body` with one of the keys the agency holds for it."""
    key = keys.get(key_id_header or "")
    return key is not None and verify(body, signature, key)


def parse_message(body: bytes) -> etree._Element:
    """Parse someone else's XML without expanding entities, reading DTDs or touching the network, and
    refuse any DOCTYPE outright (billion laughs, external entities)."""
    if len(body) > MAX_MESSAGE_BYTES:
        raise InvalidMessage("message larger than 5 MiB")
    if b"<!DOCTYPE" in body:
        raise InvalidMessage("a DOCTYPE is not allowed")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as error:
        raise InvalidMessage(f"not well-formed XML: {error}") from None
    if root.getroottree().docinfo.doctype:  # e.g. a UTF-16 body the byte check above cannot see
        raise InvalidMessage("a DOCTYPE is not allowed")
    return root


def _localname(element: etree._Element) -> str:
    tag = element.tag  # "{namespace}Name" or "Name"; a comment's or processing instruction's is not a str
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _path_parts(path: str) -> list[str]:
    """ "DecHead/TradeCountry" (or the protocol example's "header/DecHead/TradeCountry") → element names."""
    parts = [part for part in path.strip().split("/") if part]
    if len(parts) > 1 and parts[0] in SECTIONS:
        parts = parts[1:]
    return parts


def elements_at(root: etree._Element, path: str) -> list[etree._Element]:
    """The elements at a path of local names below the root (namespaces ignored, every match kept, so a
    goods-line path such as "DecList/OriginCountry" looks at every line)."""
    found = [root]
    for part in _path_parts(path):
        found = [child for element in found for child in element if _localname(child) == part]
    return found


def _child_text(element: etree._Element, names: Iterable[str]) -> tuple[str, str]:
    """(element name, stripped text) of the first child named one of `names`, or ("", "")."""
    wanted = set(names)
    for child in element:
        if _localname(child) in wanted:
            return _localname(child), (child.text or "").strip()
    return "", ""


@dataclass(frozen=True)
class GoodsLine:
    line_no: str
    group: str  # the element's name: DecList, InspGoods
    code_element: str  # CodeTS, HsCode
    code: str
    total: Decimal
    quantity: Decimal = Decimal(0)
    quantity_element: str = ""  # GQty, Qty, Quantity
    currency: str = ""  # of `total` (ISO 4217); "": not stated


def goods_lines(root: etree._Element) -> list[GoodsLine]:
    """The root's children that carry a LineNo: the goods lines, whatever the agency calls them."""
    lines = []
    for element in root:
        if not isinstance(element.tag, str) or element.get("LineNo") is None:
            continue
        code_element, code = _child_text(element, LINE_CODES)
        quantity_element, quantity = _child_text(element, LINE_QUANTITIES)
        lines.append(
            GoodsLine(
                element.get("LineNo"), _localname(element), code_element, code,
                _decimal(_child_text(element, LINE_TOTALS)[1]), _decimal(quantity), quantity_element,
                _child_text(element, LINE_CURRENCIES)[1].upper(),
            )
        )  # fmt: skip
    return lines


def _decimal(text: str) -> Decimal:
    try:
        value = Decimal(text or "0")
    except InvalidOperation:
        return Decimal(0)
    return value if value.is_finite() else Decimal(0)


def goods_text(line_numbers: list[str]) -> str:
    """ "1,2" for a few lines; runs of three or more become "4-9" so 999 lines still fit the 500
    characters of <Goods>."""
    numbers = sorted({int(n) for n in line_numbers if n.isdigit()})
    parts: list[str] = []
    start = 0
    while start < len(numbers):
        end = start
        while end + 1 < len(numbers) and numbers[end + 1] == numbers[end] + 1:
            end += 1
        if end - start >= 2:
            parts.append(f"{numbers[start]}-{numbers[end]}")
        else:
            parts.extend(str(n) for n in numbers[start : end + 1])
        start = end + 1
    return ",".join(parts)[:500]


# --- decisions and receipts ----------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    kind: str  # release, reject, inspect, hold
    reason: str = ""
    field: str = ""  # the agency's element, as receipt.xsd allows it: "DecHead.TradeCountry"
    goods: str = ""  # the lines an inspection is ordered on


def decide(agency: dict[str, Any], root: etree._Element, lines: list[GoodsLine], rng: random.Random) -> Decision:
    """The first rule whose conditions all hold decides; a ratio is drawn only when the rule's other
    conditions hold, so adding a ratio rule does not shift the random draws of unrelated messages. No rule
    holds: a declaration the portal's risk lane selected is inspected, anything else gets the default."""
    all_goods = goods_text([line.line_no for line in lines])
    for rule in agency["rules"]:
        goods, field_name, reasons = all_goods, "", []
        if "hs_chapter" in rule:
            chapter = rule["hs_chapter"]
            matching = [line for line in lines if line.code.startswith(chapter)]
            if not matching:
                continue
            goods = goods_text([line.line_no for line in matching])
            field_name = f"{matching[0].group}.{matching[0].code_element}"
            reasons.append(f"goods in HS chapter {chapter} (lines {goods})")
        if "max_quantity" in rule:
            limit = Decimal(str(rule["max_quantity"]))
            over = [line for line in lines if line.quantity > limit]
            if not over:
                continue
            goods = goods_text([line.line_no for line in over])
            field_name = f"{over[0].group}.{over[0].quantity_element}"
            reasons.append(f"quantity above {limit} (lines {goods})")
        if "field" in rule:
            values = [(element.text or "").strip() for element in elements_at(root, rule["field"])]
            if rule["equals"] not in values:
                continue
            field_name = ".".join(_path_parts(rule["field"]))
            reasons.append(f"{'/'.join(_path_parts(rule['field']))} is {rule['equals']}")
        if "ratio" in rule:
            if rng.random() >= rule["ratio"]:
                continue
            reasons.append("random check")
        return Decision(
            kind=rule["decision"],
            reason=rule.get("reason") or f"{rule['decision']}: {'; '.join(reasons)}"[:500],
            field=rule.get("report_field") or field_name,
            goods=goods,
        )
    # The portal's risk lane (credit/lanes.py) selected the declaration for inspection: the agency honours it.
    if "true" in [(element.text or "").strip() for element in elements_at(root, "Risk/Inspect")]:
        klass = "".join((element.text or "").strip() for element in elements_at(root, "Risk/CreditClass"))
        return Decision(
            kind="inspect", reason=f"inspect: selected by risk lane (credit class {klass})", goods=all_goods
        )
    return Decision(
        kind=agency["default"], reason=f"{agency['default']}: the agency's default decision", goods=all_goods
    )


def statuses(decision: str, duties: bool) -> list[str]:
    """The receipts each decision produces, in the agency's order (protocol section 3)."""
    paying = ["duties_assessed", "payment"] if duties else []
    return {
        "release": ["received", "accepted", *paying, "released"],
        "reject": ["received", "rejected"],
        "inspect": ["received", "accepted", "inspection_ordered", "inspection_result", *paying, "released"],
        "hold": ["received", "accepted", "held"],
    }[decision]


def duties_assessed(lines: list[GoodsLine]) -> tuple[Decimal, str]:
    """(amount, currency): 13 % of the declared goods value in yuan at CNY_PER_UNIT, rounded half up to the
    fen as money is; in the goods' own currency when they are all in one the table lacks."""
    currencies = {line.currency or "CNY" for line in lines}
    only = next(iter(currencies)) if len(currencies) == 1 else ""
    if only and only not in CNY_PER_UNIT and re.fullmatch(r"[A-Z]{3}", only):
        value, currency = sum((line.total for line in lines), Decimal(0)), only
    else:
        rated = [line.total * CNY_PER_UNIT[line.currency or "CNY"] for line in lines
                 if (line.currency or "CNY") in CNY_PER_UNIT]  # fmt: skip
        value, currency = sum(rated, Decimal(0)), "CNY"
    return (value * DUTY_RATE).quantize(Decimal("0.01"), ROUND_HALF_UP), currency


def build_receipt(
    *,
    agency: str,
    message_id: str,
    sequence: int,
    issued_at: datetime,
    status: str,
    decision: Decision,
    duties: Decimal,
    payment: str,
    duties_currency: str = "CNY",
) -> tuple[str, bytes]:
    """(receipt id, one serialised <Receipt>) with the elements in receipt.xsd's order. Written as text, every
    value escaped (the simulator runs on the portal's own cores in the benchmarks: an lxml tree a receipt cost
    four times as much); tests/simulator read them back against the XSD."""
    receipt_id = receipt_id_new(agency)
    parts = [
        RECEIPT_START,
        _element("ReceiptId", receipt_id),
        _element("Agency", agency),
        _element("MessageId", message_id),
        _element("Sequence", str(sequence)),
        _element("IssuedAt", issued_at.isoformat(timespec="microseconds")),
        _element("Status", status),
    ]
    if status in ("rejected", "held"):
        parts.append(_element("Reason", decision.reason))
        if decision.field:
            parts.append(_element("Field", decision.field))
    if status in ("inspection_ordered", "inspection_result"):
        result = _element("Result", "passed") if status == "inspection_result" else ""
        parts.append(f"<Inspection>{_element('Goods', decision.goods)}{result}</Inspection>")
    if status == "duties_assessed":
        parts.append(f'<Duties currency="{escape(duties_currency, _QUOTE)}">{escape(str(duties))}</Duties>')
    if status == "payment":
        parts.append(_element("Payment", payment))
    parts.append("</Receipt>")
    return receipt_id, "".join(parts).encode()


RECEIPT_START = f'<Receipt xmlns="{RECEIPT_NS}">'


def receipt_id_new(agency: str) -> str:
    """A receipt's id: the agency and 128 random bits."""
    return f"{agency}-{os.urandom(16).hex()}"


_QUOTE = {'"': "&quot;"}


def _element(name: str, text: str) -> str:
    return f"<{name}>{escape(text)}</{name}>"


def envelope(bodies: Iterable[bytes], channel: str = "") -> bytes:
    """One <Receipts> request body from serialised <Receipt> elements (each repeats the namespace
    declaration, which is harmless and saves re-parsing them); for the cbec channel <InventoryReceipts>."""
    if channel == "cbec":
        return CBEC_ENVELOPE_START + b"".join(bodies) + b"</InventoryReceipts>"
    return ENVELOPE_START + b"".join(bodies) + b"</Receipts>"


def build_cbec_receipt(*, agency: str, message_id: str, guid: str, status: str, info: str,
                       issued_at: datetime) -> bytes:  # fmt: skip
    """One serialised <InventoryReceipt> (cbec_receipt.xsd)."""
    ns = f"{{{CBEC_RECEIPT_NS}}}"
    receipt = etree.Element(ns + "InventoryReceipt", nsmap={None: CBEC_RECEIPT_NS})
    for name, text in (("Agency", agency), ("MessageId", message_id), ("Guid", guid), ("Status", status),
                       ("Info", info[:400]), ("IssuedAt", issued_at.isoformat(timespec="microseconds"))):  # fmt: skip
        if text:
            etree.SubElement(receipt, ns + name).text = text
    return etree.tostring(receipt, encoding="UTF-8")


def cbec_portal_url(portal_url: str) -> str:
    """The cbec gateway beside the receipts gateway the configuration names."""
    return portal_url.replace("/agency-gateway/receipts/", "/agency-gateway/cbec-receipts/")


# --- schemas -------------------------------------------------------------------------------------


class Schemas:
    """Message schemas, found by the message's namespace among the files in agencies/schemas/ (each
    file's targetNamespace: an agency's goods message, the vessel message…), read the first time such a
    message arrives and then kept. A message whose namespace no file declares (a category without a
    published schema) gets well-formedness checks only; the directory is looked at again next time,
    since the schemas are generated while we run. lxml keeps a validator's error log on the object,
    hence one validation at a time per schema."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._lock = threading.Lock()
        self._loaded: dict[str, tuple[str, etree.XMLSchema, threading.Lock]] = {}

    def _find(self, namespace: str) -> Path | None:
        for path in sorted(self._directory.glob("*.xsd")):
            if etree.parse(str(path)).getroot().get("targetNamespace") == namespace:
                return path
        return None

    def error(self, agency: str, root: etree._Element) -> str | None:
        """Why the message is invalid, or None if it is valid (or there is no schema for it)."""
        namespace = etree.QName(root).namespace or ""
        with self._lock:
            entry = self._loaded.get(namespace)
            if entry is None:
                path = self._find(namespace)
                if path is None:
                    return None
                entry = (path.name, etree.XMLSchema(etree.parse(str(path))), threading.Lock())
                self._loaded[namespace] = entry
        name, schema, lock = entry
        with lock:
            if schema.validate(root):
                return None
            return f"not valid against {name}: {schema.error_log.last_error}"


# --- the shared state ----------------------------------------------------------------------------


@dataclass
class Pending:
    """One receipt waiting for its time to be sent."""

    receipt_id: str
    message_id: str
    agency: str  # whose key signs it
    body: bytes
    generation: int  # reset() bumps the engine's; an older batch is dropped instead of retried
    duplicate: bool = False  # send once more, in the batch after the one that carried it
    channel: str = ""  # "cbec": an answer on a cross-border inventory (its own envelope and gateway)


@dataclass(frozen=True)
class Answer:
    """What the HTTP handler should answer, and how long to hang first (a simulated timeout)."""

    status: int
    body: dict[str, Any]
    wait_seconds: float = 0.0


class Engine:
    """The simulator's state. Configuration objects are never changed in place, only replaced, so a
    request that took a snapshot of `config` keeps a consistent view without holding the lock."""

    def __init__(self, config: dict[str, Any], schemas: Schemas | None = None) -> None:
        self.config = config
        self.schemas = schemas or Schemas(SCHEMAS)
        self._lock = threading.Lock()
        self._rng = _random(self.config.get("seed"))
        self._counts: dict[str, int] = {}
        self._received: dict[str, int] = {}
        self._queue: list[tuple[float, int, Pending]] = []
        self._order = itertools.count()
        self._generation = 0

    # control API

    def replace_config(self, data: Any) -> None:
        """Replace the whole configuration at once (and restart the random sequence from its seed)."""
        config = normalise_config(data)
        with self._lock:
            self.config = config
            self._rng = _random(config.get("seed"))

    def reset(self) -> None:
        """Forget counts and pending receipts (also a batch the sender is retrying); reseed."""
        with self._lock:
            self._counts.clear()
            self._received.clear()
            self._queue.clear()
            self._generation += 1
            self._rng = _random(self.config.get("seed"))

    def counts(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)

    def received(self) -> dict[str, int]:
        with self._lock:
            return dict(self._received)

    # messages

    def handle_message(
        self, agency: str, message_id: str | None, key_id_header: str | None, signature_header: str | None, body: bytes
    ) -> Answer:
        arrived = time.monotonic()
        issued_base = datetime.now().astimezone()
        with self._lock:
            config = self.config
            if message_id:
                self._received[message_id] = self._received.get(message_id, 0) + 1
        settings = config["agencies"].get(agency)
        if refused := self._refused(agency, settings, config, key_id_header, signature_header, body):
            return refused
        assert settings is not None
        if not message_id or not TOKEN.fullmatch(message_id):
            return Answer(400, {"error": "X-Message-Id must be 1-64 characters A-Z a-z 0-9 _ . : -"})
        with self._lock:
            if settings["timeout_ratio"] and self._rng.random() < settings["timeout_ratio"]:
                return Answer(503, {"error": f"{agency} timed out"}, wait_seconds=settings["timeout_seconds"])
            if settings["error_ratio"] and self._rng.random() < settings["error_ratio"]:
                return Answer(500, {"error": f"{agency} failed (simulated)"})
        try:
            root = parse_message(body)
        except InvalidMessage as error:
            return Answer(400, {"error": str(error)})
        return self._take(agency, settings, message_id, root, arrived, issued_base)

    def handle_batch(
        self, agency: str, batch_id: str | None, key_id_header: str | None, signature_header: str | None, body: bytes
    ) -> Answer:
        """A <MessageBatch> (protocol section 1, "Batches"): signed once, each <Item> answered on its own as
        a single message would be (207); the simulated faults (down, errors, hangs) hit the whole request."""
        arrived = time.monotonic()
        issued_base = datetime.now().astimezone()
        config = self.config
        settings = config["agencies"].get(agency)
        if refused := self._refused(agency, settings, config, key_id_header, signature_header, body):
            return refused
        assert settings is not None
        if not batch_id or not TOKEN.fullmatch(batch_id):
            return Answer(400, {"error": "X-Batch-Id must be 1-64 characters A-Z a-z 0-9 _ . : -"})
        try:
            root = parse_message(body)
        except InvalidMessage as error:
            return Answer(400, {"error": str(error)})
        items = [element for element in root if _localname(element) == "Item"]
        if etree.QName(root).text != f"{{{BATCH_NS}}}MessageBatch" or not 0 < len(items) <= MAX_BATCH:
            return Answer(400, {"error": f"a batch is a MessageBatch of 1 to {MAX_BATCH} Item elements"})
        with self._lock:
            for item in items:
                message_id = item.get("MessageId") or ""
                self._received[message_id] = self._received.get(message_id, 0) + 1
            if settings["timeout_ratio"] and self._rng.random() < settings["timeout_ratio"]:
                return Answer(503, {"error": f"{agency} timed out"}, wait_seconds=settings["timeout_seconds"])
            if settings["error_ratio"] and self._rng.random() < settings["error_ratio"]:
                return Answer(500, {"error": f"{agency} failed (simulated)"})
        answers = []
        for item in items:
            message_id = item.get("MessageId") or ""
            messages = [element for element in item if isinstance(element.tag, str)]
            if not TOKEN.fullmatch(message_id):
                answer = Answer(400, {"error": "MessageId must be 1-64 characters A-Z a-z 0-9 _ . : -"})
            elif len(messages) != 1:
                answer = Answer(400, {"error": "an Item holds exactly one message"})
            else:  # a copy of its own, so its schema sees it as a document's root
                answer = self._take(agency, settings, message_id, copy.deepcopy(messages[0]), arrived, issued_base)
            why = {"error": answer.body["error"]} if "error" in answer.body else {}
            answers.append({"message_id": message_id, "status": answer.status, **why})
        return Answer(207, {"batch_id": batch_id, "items": answers})

    @staticmethod
    def _refused(
        agency: str,
        settings: dict[str, Any] | None,
        config: dict[str, Any],
        key_id_header: str | None,
        signature_header: str | None,
        body: bytes,
    ) -> Answer | None:
        """What a request to an unknown or down agency, or not signed by the portal, is answered (a single
        message and a batch alike); None when it may go on."""
        if settings is None:
            return Answer(404, {"error": f"unknown agency {agency!r}"})
        if settings["down"]:
            return Answer(503, {"error": f"{agency} is down"})
        if not portal_signed(body, key_id_header, signature_header, config["portal_public_keys"]):
            return Answer(401, {"error": "missing or wrong X-Signature, or an unknown X-Key-Id"})
        return None

    def _take(
        self,
        agency: str,
        settings: dict[str, Any],
        message_id: str,
        root: etree._Element,
        arrived: float,
        issued_base: datetime,
    ) -> Answer:
        """One signed message that got through: checked against its schema, then processed once."""
        problem = self.schemas.error(agency, root)
        if problem:
            return Answer(400, {"error": problem})
        if root.get("MessageId") not in (None, message_id):
            return Answer(400, {"error": "X-Message-Id and the message's MessageId differ"})
        if _localname(root) == "InventoryBatchMessage":
            return self._inventories(agency, settings, message_id, root, arrived, issued_base)
        lines = goods_lines(root)
        with self._lock:
            if message_id in self._counts:
                return Answer(200, {"message_id": message_id, "status": "already received"})
            self._counts[message_id] = 1
            decision = decide(settings, root, lines, self._rng)
            self._schedule(agency, settings, message_id, decision, lines, arrived, issued_base)
        return Answer(202, {"message_id": message_id, "status": "accepted", "decision": decision.kind})

    def _inventories(self, agency: str, settings: dict[str, Any], message_id: str, root: etree._Element,
                     arrived: float, issued_base: datetime) -> Answer:  # fmt: skip
        """A batch of cross-border inventories: each decided by the agency's rules on its own (its items
        are its goods lines, its elements the fields), each answer `delay_ms` after the one before it for
        that inventory (800 released, 500 inspection then 800, 100 returned with the reason)."""
        inventories = [element for element in root if _localname(element) == "Inventory"]
        decided = []
        with self._lock:
            if message_id in self._counts:
                return Answer(200, {"message_id": message_id, "status": "already received"})
            self._counts[message_id] = 1
            for inventory in inventories:
                decided.append(
                    (inventory.get("Guid", ""), decide(settings, inventory, goods_lines(inventory), self._rng))
                )
            delay_ms = settings["delay_ms"]
            for guid, decision in decided:
                for i, status in enumerate(CBEC_STATUSES[decision.kind]):
                    body = build_cbec_receipt(agency=agency, message_id=message_id, guid=guid, status=status,
                                              info=decision.reason if status == "100" else "",
                                              issued_at=issued_base + timedelta(milliseconds=delay_ms * (i + 1)))  # fmt: skip
                    item = Pending(receipt_id_new(agency), message_id, agency, body, self._generation,
                                   channel="cbec")  # fmt: skip
                    heapq.heappush(self._queue, (arrived + delay_ms * (i + 1) / 1000, next(self._order), item))
        kinds = sorted({decision.kind for _guid, decision in decided})
        return Answer(202, {"message_id": message_id, "status": "accepted", "inventories": len(decided),
                            "decisions": kinds})  # fmt: skip

    def _schedule(
        self,
        agency: str,
        settings: dict[str, Any],
        message_id: str,
        decision: Decision,
        lines: list[GoodsLine],
        arrived: float,
        issued_base: datetime,
    ) -> None:
        """Queue a message's receipts: each `delay_ms` after the previous one, or all at the last one's
        time in reverse order when reordering. IssuedAt follows the agency's order either way (a
        microsecond apart at least, so it increases even without a delay). Called with the lock held."""
        delay_ms = settings["delay_ms"]
        paying = bool(settings["duties"] and lines)  # a vessel's call carries no goods lines to tax
        duties, currency = duties_assessed(lines) if paying else (Decimal(0), "CNY")
        items = []
        names = statuses(decision.kind, paying)
        for i, status in enumerate(names):
            receipt_id, body = build_receipt(
                agency=agency,
                message_id=message_id,
                sequence=i + 1,
                issued_at=issued_base + timedelta(milliseconds=delay_ms * (i + 1), microseconds=i),
                status=status,
                decision=decision,
                duties=duties,
                duties_currency=currency,
                payment=settings["payment"],
            )
            duplicate = bool(settings["duplicate_ratio"]) and self._rng.random() < settings["duplicate_ratio"]
            items.append(Pending(receipt_id, message_id, agency, body, self._generation, duplicate))
        if settings["reorder"]:
            due = [arrived + delay_ms * len(names) / 1000] * len(names)
            items.reverse()
        else:
            due = [arrived + delay_ms * (i + 1) / 1000 for i in range(len(names))]
        for when, item in zip(due, items, strict=True):
            heapq.heappush(self._queue, (when, next(self._order), item))

    # the sender's side

    def take_due(self, limit: int = MAX_BATCH) -> list[Pending]:
        """Everything due now (across messages and agencies), oldest first, up to `limit`."""
        now = time.monotonic()
        taken: list[Pending] = []
        with self._lock:
            while self._queue and self._queue[0][0] <= now and len(taken) < limit:
                taken.append(heapq.heappop(self._queue)[2])
        return taken

    def sent(self, batch: list[Pending]) -> None:
        """A batch reached the portal: queue the copies of the receipts chosen to be duplicated."""
        now = time.monotonic()
        with self._lock:
            for item in batch:
                if item.duplicate and item.generation == self._generation:
                    copy = Pending(item.receipt_id, item.message_id, item.agency, item.body, item.generation,
                                   channel=item.channel)  # fmt: skip
                    heapq.heappush(self._queue, (now, next(self._order), copy))

    def current(self, batch: list[Pending]) -> bool:
        """False once reset() has forgotten the batch's receipts."""
        with self._lock:
            return bool(batch) and batch[0].generation == self._generation

    def destination(self) -> tuple[str, dict[str, Ed25519PrivateKey]]:
        """(portal URL, each agency's private key) as configured right now."""
        with self._lock:
            return self.config["portal_url"], self.config["keys"]
