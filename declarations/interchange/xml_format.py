"""The ERP interchange XML: <Declarations> of <Declaration> elements whose children are the one
table's fields by catalogue name. Its XSD is written from the catalogue (`python manage.py
interchange_schema`), committed in declarations/schemas/, and served at /declarations/interchange/schema.xsd."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from django.utils.translation import gettext as _
from lxml import etree

from singlewindow.untrusted import stream_xml

from ..fields import ONE_TABLE, xsd_type
from .records import SETTINGS, Record, Row, text, too_many

NAMESPACE = "urn:singlewindow:declarations:1"
NS = f"{{{NAMESPACE}}}"
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "declarations.xsd"
GROUPS = {"header": ("Header", None), "line": ("Lines", "Line"), "container": ("Containers", "Container")}


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def read(data: bytes, *, max_bytes: int, max_declarations: int) -> list[Record]:
    """The file's declarations, read one at a time: more than max_declarations stops the reading there."""
    wrong_root = _('The XML file is not a declarations file: its root must be <Declarations xmlns="%(ns)s">.') % {
        "ns": NAMESPACE
    }
    elements = stream_xml(
        data, max_bytes=max_bytes, root_tag=NS + "Declarations", tag=NS + "Declaration", wrong_root=wrong_root
    )
    records = []
    for number, element in enumerate(elements, start=1):
        if number > max_declarations:
            raise too_many(max_declarations)
        where = _("declaration %(n)d") % {"n": number}
        settings = {name: element.get(name, "") for name in SETTINGS}
        record = Record(where=where, settings=settings, header={})
        for group in element.iterchildren(tag=etree.Element):
            name = _local(group)
            if name == "Header":
                record.header = {_local(child): child.text or "" for child in group.iterchildren(tag=etree.Element)}
            elif name in ("Lines", "Containers"):
                rows = record.lines if name == "Lines" else record.containers
                label = _("goods line %(n)d") if name == "Lines" else _("container %(n)d")
                for i, row in enumerate(group.iterchildren(tag=etree.Element), start=1):
                    values = {_local(child): child.text or "" for child in row.iterchildren(tag=etree.Element)}
                    rows.append(Row(f"{where}, {label % {'n': i}}", values))
            else:
                record.header[name] = group.text or ""  # reported as an unknown field by convert()
        records.append(record)
    return records


def write(records: Iterable[tuple[dict[str, str], dict, list[dict], list[dict]]]) -> bytes:
    """records: (settings, header, lines, containers) with model values."""
    root = etree.Element(NS + "Declarations", nsmap={None: NAMESPACE})
    for settings, header, lines, containers in records:
        element = etree.SubElement(root, NS + "Declaration", {k: v for k, v in settings.items() if v})
        _fill(etree.SubElement(element, NS + "Header"), "header", header)
        group = etree.SubElement(element, NS + "Lines")
        for line in lines:
            _fill(etree.SubElement(group, NS + "Line"), "line", line)
        if containers:
            group = etree.SubElement(element, NS + "Containers")
            for container in containers:
                _fill(etree.SubElement(group, NS + "Container"), "container", container)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _fill(parent: etree._Element, section: str, values: dict) -> None:
    for spec in ONE_TABLE:
        if spec.section == section and values.get(spec.name) not in (None, ""):
            etree.SubElement(parent, NS + spec.name).text = text(values[spec.name])


def schema_text() -> str:
    lengths: set[int] = set()

    def elements(section: str) -> str:
        out = []
        for spec in ONE_TABLE:
            if spec.section != section:
                continue
            kind = xsd_type(spec)
            if kind.startswith("Text"):
                lengths.add(int(kind[4:]))
            out.append(f'          <xs:element name="{spec.name}" type="{kind}" minOccurs="0"/>')
        return "\n".join(out)

    header, line, container = elements("header"), elements("line"), elements("container")
    text_types = "\n".join(
        f'  <xs:simpleType name="Text{n}"><xs:restriction base="xs:string"><xs:maxLength value="{n}"/>'
        f"</xs:restriction></xs:simpleType>"
        for n in sorted(lengths)
    )

    def enumeration(name: str, values: Iterable[str], use: str = "optional") -> str:
        items = "".join(f'<xs:enumeration value="{v}"/>' for v in values)
        return (
            f'      <xs:attribute name="{name}" use="{use}"><xs:simpleType><xs:restriction base="xs:string">'
            f"{items}</xs:restriction></xs:simpleType></xs:attribute>"
        )

    from .records import SETTING_CHOICES

    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- Declarations exchanged with firms' own systems (ERP): import and export. Written from
     declarations/fields.py by `python manage.py interchange_schema`; do not edit by hand.
     Every field is optional here (a draft may be partial); the portal's validation says what a
     submission needs. Decimals use a full stop; dates are YYYY-MM-DD; booleans true/false. -->
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="{NAMESPACE}"
           xmlns="{NAMESPACE}" elementFormDefault="qualified">
{text_types}
  <xs:complexType name="Header"><xs:sequence>
{header}
  </xs:sequence></xs:complexType>
  <xs:complexType name="Line"><xs:sequence>
{line}
  </xs:sequence></xs:complexType>
  <xs:complexType name="Container"><xs:sequence>
{container}
  </xs:sequence></xs:complexType>
  <xs:element name="Declarations">
    <xs:complexType><xs:sequence>
      <xs:element name="Declaration" minOccurs="0" maxOccurs="unbounded">
        <xs:complexType>
          <xs:sequence>
            <xs:element name="Header" type="Header"/>
            <xs:element name="Lines"><xs:complexType><xs:sequence>
              <xs:element name="Line" type="Line" minOccurs="0" maxOccurs="unbounded"/>
            </xs:sequence></xs:complexType></xs:element>
            <xs:element name="Containers" minOccurs="0"><xs:complexType><xs:sequence>
              <xs:element name="Container" type="Container" minOccurs="0" maxOccurs="unbounded"/>
            </xs:sequence></xs:complexType></xs:element>
          </xs:sequence>
          <xs:attribute name="reference" type="Text50" use="required"/>
          <xs:attribute name="enterprise" type="Text18"/>
{enumeration("direction", SETTING_CHOICES["direction"].values, "required")}
{enumeration("kind", SETTING_CHOICES["kind"].values)}
{enumeration("target", SETTING_CHOICES["target"].values)}
        </xs:complexType>
      </xs:element>
    </xs:sequence></xs:complexType>
  </xs:element>
</xs:schema>
"""
