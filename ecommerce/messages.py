"""The CEB messages this portal takes, described once: each message's elements (the real field names,
reference C2), from which the XSD in ecommerce/schemas/ceb.xsd is written (`schema_text`, a test keeps
the file equal to it) and by which a parsed message becomes a plain dict."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lxml import etree

from .choices import CEB_NS, MessageType

SCHEMA_FILE = Path(__file__).resolve().parent / "schemas" / "ceb.xsd"
NS = "{" + CEB_NS + "}"
XS = "{http://www.w3.org/2001/XMLSchema}"

# A field: (element, type, required). Types: "s<n>" text of at most n characters, "money", "qty",
# "int", "time" (yyyyMMddHHmmss), "app" (appType 1|2|3), "cur" (142), "one" (packNo 1), "mode"
# (9610|1210), "id" (buyerIdType 1), "check" (identityCheck).
Field = tuple[str, str, bool]

COMMON: list[Field] = [("guid", "guid", True), ("appType", "app", True), ("appTime", "time", True),
                       ("appStatus", "s1", True)]  # fmt: skip

ORDER_HEAD: list[Field] = [*COMMON,
    ("orderType", "s1", True), ("orderNo", "s60", True), ("ebpCode", "s18", True), ("ebpName", "s100", True),
    ("ebcCode", "s18", True), ("ebcName", "s100", True), ("goodsValue", "money", True), ("freight", "money", True),
    ("discount", "money", True), ("taxTotal", "money", True), ("acturalPaid", "money", True), ("currency", "cur", True),
    ("buyerRegNo", "s60", True), ("buyerName", "s60", True), ("buyerTelephone", "s30", True),
    ("buyerIdType", "id", True), ("buyerIdNumber", "s60", True), ("payCode", "s18", False), ("payName", "s100", False),
    ("payTransactionId", "s60", False), ("batchNumbers", "s100", False), ("consignee", "s100", True),
    ("consigneeTelephone", "s50", True), ("consigneeAddress", "s200", True), ("consigneeDistrict", "s6", False),
    ("note", "s1000", False),
]  # fmt: skip
ORDER_LIST: list[Field] = [
    ("gnum", "int", True), ("itemNo", "s30", False), ("itemName", "s250", True), ("gmodel", "s250", True),
    ("itemDescribe", "s1000", False), ("barCode", "s50", False), ("unit", "s3", True), ("qty", "qty", True),
    ("price", "money", True), ("totalPrice", "money", True), ("currency", "cur", True), ("country", "s3", True),
    ("note", "s1000", False),
]  # fmt: skip
PAYMENT_HEAD: list[Field] = [*COMMON,
    ("payCode", "s18", True), ("payName", "s100", True), ("payTransactionId", "s60", True), ("orderNo", "s60", True),
    ("ebpCode", "s18", True), ("ebpName", "s100", True), ("payerIdType", "id", True), ("payerIdNumber", "s60", True),
    ("payerName", "s60", True), ("telephone", "s50", False), ("amountPaid", "money", True), ("currency", "cur", True),
    ("payTime", "time", True), ("identityCheck", "check", False), ("note", "s1000", False),
]  # fmt: skip
WAYBILL_HEAD: list[Field] = [*COMMON,
    ("logisticsCode", "s18", True), ("logisticsName", "s100", True), ("logisticsNo", "s60", True),
    ("billNo", "s37", False), ("freight", "money", True), ("insuredFee", "money", True), ("currency", "cur", True),
    ("weight", "qty", True), ("packNo", "one", True), ("goodsInfo", "s200", False), ("consignee", "s100", True),
    ("consigneeAddress", "s200", True), ("consigneeTelephone", "s50", True), ("note", "s1000", False),
]  # fmt: skip
INVENTORY_HEAD: list[Field] = [*COMMON,
    ("orderNo", "s60", True), ("ebpCode", "s18", True), ("ebpName", "s100", True), ("ebcCode", "s18", True),
    ("ebcName", "s100", True), ("logisticsNo", "s60", True), ("logisticsCode", "s18", True),
    ("logisticsName", "s100", True), ("copNo", "s20", True), ("preNo", "s18", False), ("assureCode", "s18", True),
    ("emsNo", "s12", False), ("invtNo", "s18", False), ("ieFlag", "s1", True), ("declTime", "s8", True),
    ("customsCode", "s4", True), ("portCode", "s4", True), ("ieDate", "s8", True), ("buyerIdType", "id", True),
    ("buyerIdNumber", "s60", True), ("buyerName", "s60", True), ("buyerTelephone", "s30", True),
    ("consigneeAddress", "s200", True), ("agentCode", "s18", True), ("agentName", "s100", True),
    ("areaCode", "s18", False), ("areaName", "s100", False), ("tradeMode", "mode", True), ("trafMode", "s1", True),
    ("trafNo", "s100", False), ("voyageNo", "s32", False), ("billNo", "s37", False), ("loctNo", "s10", False),
    ("licenseNo", "s19", False), ("country", "s3", True), ("freight", "money", True), ("insuredFee", "money", True),
    ("currency", "cur", True), ("wrapType", "s1", False), ("packNo", "one", True), ("grossWeight", "qty", True),
    ("netWeight", "qty", True), ("note", "s1000", False),
]  # fmt: skip
INVENTORY_LIST: list[Field] = [
    ("gnum", "int", True), ("itemRecordNo", "s30", False), ("itemNo", "s30", True), ("itemName", "s250", False),
    ("gcode", "s10", True), ("gname", "s250", True), ("gmodel", "s250", True), ("barCode", "s50", False),
    ("country", "s3", True), ("currency", "cur", True), ("qty", "qty", True), ("unit", "s3", True),
    ("qty1", "qty", True), ("unit1", "s3", True), ("qty2", "qty", False), ("unit2", "s3", False),
    ("price", "money", True), ("totalPrice", "money", True), ("note", "s1000", False),
]  # fmt: skip
CANCEL_HEAD: list[Field] = [*COMMON,
    ("customsCode", "s4", True), ("orderNo", "s60", True), ("ebpCode", "s18", True), ("ebpName", "s100", True),
    ("ebcCode", "s18", True), ("ebcName", "s100", True), ("logisticsNo", "s60", True), ("logisticsCode", "s18", True),
    ("logisticsName", "s100", True), ("copNo", "s20", True), ("preNo", "s18", False), ("invtNo", "s18", True),
    ("buyerIdType", "id", True), ("buyerIdNumber", "s60", True), ("buyerName", "s60", True),
    ("buyerTelephone", "s30", True), ("agentCode", "s18", True), ("agentName", "s100", True),
    ("reason", "s1000", True), ("note", "s1000", False),
]  # fmt: skip
RETURN_HEAD: list[Field] = CANCEL_HEAD
RETURN_LIST: list[Field] = [("gnum", "int", True), ("gcode", "s10", True), ("gname", "s250", True),
                            ("qty", "qty", True), ("unit", "s3", True), ("note", "s1000", False)]  # fmt: skip
BASE_TRANSFER: list[Field] = [("copCode", "s18", True), ("copName", "s100", True), ("dxpMode", "s3", True),
                              ("dxpId", "s30", True), ("note", "s1000", False)]  # fmt: skip


@dataclass(frozen=True)
class Spec:
    kind: str
    root: str  # CEB311Message
    body: str  # Order
    head: str  # OrderHead; equal to body when the body is the head (CEB623's InvtCancel)
    head_fields: list[Field]
    line: str = ""  # OrderList
    line_fields: tuple[Field, ...] | list[Field] = ()


SPECS = {
    MessageType.ORDER: Spec(MessageType.ORDER, "CEB311Message", "Order", "OrderHead", ORDER_HEAD, "OrderList", ORDER_LIST),
    MessageType.PAYMENT: Spec(MessageType.PAYMENT, "CEB411Message", "Payment", "PaymentHead", PAYMENT_HEAD),
    MessageType.WAYBILL: Spec(MessageType.WAYBILL, "CEB511Message", "Logistics", "LogisticsHead", WAYBILL_HEAD),
    MessageType.INVENTORY: Spec(MessageType.INVENTORY, "CEB621Message", "Inventory", "InventoryHead", INVENTORY_HEAD,
                                "InventoryList", INVENTORY_LIST),
    MessageType.CANCEL: Spec(MessageType.CANCEL, "CEB623Message", "InvtCancel", "InvtCancel", CANCEL_HEAD),
    MessageType.RETURN: Spec(MessageType.RETURN, "CEB625Message", "InvtRefund", "InvtRefundHead", RETURN_HEAD,
                             "InvtRefundList", RETURN_LIST),
}  # fmt: skip
BY_ROOT = {NS + spec.root: spec for spec in SPECS.values()}
BATCH_ROOT = "CebBatch"

_SIMPLE = {
    "money": '<xs:restriction base="xs:decimal"><xs:minInclusive value="0"/><xs:fractionDigits value="5"/>'
    '<xs:totalDigits value="19"/></xs:restriction>',
    "qty": '<xs:restriction base="xs:decimal"><xs:minInclusive value="0"/><xs:fractionDigits value="5"/>'
    '<xs:totalDigits value="19"/></xs:restriction>',
    "int": '<xs:restriction base="xs:positiveInteger"><xs:maxInclusive value="999"/></xs:restriction>',
    "time": '<xs:restriction base="xs:string"><xs:pattern value="[0-9]{14}"/></xs:restriction>',
    "guid": '<xs:restriction base="xs:string"><xs:pattern value="[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-'
    '[0-9A-F]{12}"/></xs:restriction>',
    "app": '<xs:restriction base="xs:string"><xs:enumeration value="1"/><xs:enumeration value="2"/>'
    '<xs:enumeration value="3"/></xs:restriction>',
    "cur": '<xs:restriction base="xs:string"><xs:enumeration value="142"/></xs:restriction>',
    "one": '<xs:restriction base="xs:integer"><xs:enumeration value="1"/></xs:restriction>',
    "mode": '<xs:restriction base="xs:string"><xs:enumeration value="9610"/><xs:enumeration value="1210"/>'
    "</xs:restriction>",
    "id": '<xs:restriction base="xs:string"><xs:enumeration value="1"/></xs:restriction>',
    "check": '<xs:restriction base="xs:string"><xs:enumeration value="CHECK_PASSED"/>'
    '<xs:enumeration value="CHECK_NOT_PASSED"/></xs:restriction>',
}


def _type_name(kind: str) -> str:
    return f"T_{kind}"


def _fields(fields: list[Field] | tuple[Field, ...]) -> str:
    """xs:all: the e-port's samples do not keep one order of elements."""
    items = "".join(
        f'<xs:element name="{name}" type="ceb:{_type_name(kind)}" minOccurs="{1 if required else 0}"/>'
        for name, kind, required in fields
    )
    return f"<xs:all>{items}</xs:all>"


def schema_text() -> str:
    """The XSD of a batch and of each message, written from the field lists above."""
    kinds = sorted({kind for spec in SPECS.values() for _n, kind, _r in [*spec.head_fields, *spec.line_fields]}
                   | {kind for _n, kind, _r in BASE_TRANSFER})  # fmt: skip
    types = []
    for kind in kinds:
        body = _SIMPLE.get(kind) or (
            f'<xs:restriction base="xs:string"><xs:minLength value="1"/><xs:maxLength value="{kind[1:]}"/>'
            "</xs:restriction>"
        )
        types.append(f'<xs:simpleType name="{_type_name(kind)}">{body}</xs:simpleType>')
    elements = [f'<xs:element name="BaseTransfer">{"<xs:complexType>"}{_fields(BASE_TRANSFER)}</xs:complexType>'
                "</xs:element>"]  # fmt: skip
    roots = []
    for spec in SPECS.values():
        head = f"<xs:complexType>{_fields(spec.head_fields)}</xs:complexType>"
        if spec.head == spec.body:
            body = f'<xs:element name="{spec.body}">{head}</xs:element>'
        else:
            lines = ""
            if spec.line:
                lines = (f'<xs:element name="{spec.line}" maxOccurs="999"><xs:complexType>'
                         f"{_fields(spec.line_fields)}</xs:complexType></xs:element>")  # fmt: skip
            body = (f'<xs:element name="{spec.body}"><xs:complexType><xs:sequence>'
                    f'<xs:element name="{spec.head}">{head}</xs:element>{lines}'
                    "</xs:sequence></xs:complexType></xs:element>")  # fmt: skip
        elements.append(
            f'<xs:element name="{spec.root}"><xs:complexType><xs:sequence>{body}<xs:element ref="ceb:BaseTransfer"/>'
            '</xs:sequence><xs:attribute name="guid" type="ceb:T_guid" use="required"/>'
            '<xs:attribute name="version" type="xs:string" use="required"/></xs:complexType></xs:element>'
        )
        roots.append(f'<xs:element ref="ceb:{spec.root}"/>')
    elements.append(
        f'<xs:element name="{BATCH_ROOT}"><xs:complexType><xs:choice minOccurs="1" maxOccurs="5000">{"".join(roots)}'
        "</xs:choice></xs:complexType></xs:element>"
    )
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:ceb="{CEB_NS}" targetNamespace="{CEB_NS}" '
        'elementFormDefault="qualified">' + "".join(types) + "".join(elements) + "</xs:schema>"
    )
    return etree.tostring(etree.fromstring(text.encode()), pretty_print=True, encoding="unicode")


@cache
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA_FILE)))


@cache
def schema_in_order() -> etree.XMLSchema:
    """The schema with each xs:all read as the xs:sequence of its elements in the field lists' order: the
    same elements, types and occurrences in one of the orders xs:all allows, so whatever is valid against
    it is valid against the schema; libxml2 checks a sequence in half the time it takes for an all."""
    tree = etree.parse(str(SCHEMA_FILE))
    for group in tree.iter(XS + "all"):
        group.tag = XS + "sequence"
    return etree.XMLSchema(tree)


def batch_valid(batch: etree._Element) -> bool:
    """Whether the batch is valid against the schema: first against its in-order reading (which a batch
    written in the field lists' order passes at half the cost), and when that fails against the schema
    itself, whose answer it is (elements in another order, or a message that is not valid)."""
    return schema_in_order().validate(batch) or schema().validate(batch)


_LOCAL = len(NS)  # where an element's local name starts in its "{namespace}name" tag


def _flat(element: etree._Element) -> dict[str, str]:
    """The child elements' texts by local name (comments and processing instructions, which a schema
    allows anywhere, are not elements). A plain loop: the most a thousand messages' flattening costs."""
    values = {}
    for child in element.iterchildren(etree.Element):
        text = child.text
        values[child.tag[_LOCAL:]] = text.strip() if text else ""
    return values


def message_values(element: etree._Element, spec: Spec) -> tuple[dict[str, str], list[dict[str, str]]]:
    """A schema-valid message's head and lines as {element name: text}."""
    body = element.find(NS + spec.body)
    assert body is not None
    head = body if spec.head == spec.body else body.find(NS + spec.head)
    assert head is not None
    lines = [_flat(line) for line in body.iterchildren(NS + spec.line)] if spec.line else []
    return _flat(head), lines


def message_xml(kind: str, head: dict[str, object], lines: list[dict[str, object]] | None = None,
                *, cop_code: str = "", cop_name: str = "") -> etree._Element:  # fmt: skip
    """A message element from plain values (senders' examples, tests and the benchmark)."""
    spec = SPECS[kind]  # type: ignore[index]
    root = etree.Element(NS + spec.root, nsmap={"ceb": CEB_NS}, guid=str(head["guid"]), version="1.0")
    body = etree.SubElement(root, NS + spec.body)
    target = body if spec.head == spec.body else etree.SubElement(body, NS + spec.head)
    for name, value in head.items():
        if value is not None and value != "":
            etree.SubElement(target, NS + name).text = str(value)
    for line in lines or []:
        row = etree.SubElement(body, NS + spec.line)
        for name, value in line.items():
            if value is not None and value != "":
                etree.SubElement(row, NS + name).text = str(value)
    base = etree.SubElement(root, NS + "BaseTransfer")
    for name, value in (("copCode", cop_code), ("copName", cop_name or cop_code), ("dxpMode", "DXP"),
                        ("dxpId", f"DXPENT{cop_code}"[:30])):  # fmt: skip
        etree.SubElement(base, NS + name).text = value
    return root


def batch_bytes(messages: list[etree._Element]) -> bytes:
    batch = etree.Element(NS + BATCH_ROOT, nsmap={"ceb": CEB_NS})
    batch.extend(messages)
    return etree.tostring(batch, xml_declaration=True, encoding="UTF-8")
