"""The goods declaration message: one agency's shape of it (GoodsMessage, in the agency's folder), how
a frozen goods declaration becomes it, and its XSD (`manage.py agency_schemas`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from lxml import etree

from declarations.fields import BY_KEY, xsd_type
from declarations.registry import AgencyFieldMap

from .xml import fill_elements, schema


@dataclass(frozen=True)
class GoodsMessage:
    field_map: AgencyFieldMap
    root: str  # the message's root element
    namespace: str
    groups: dict[str, str] = field(default_factory=dict)  # section ("header", "line", "container") → element

    @property
    def agency(self) -> str:
        return self.field_map.agency

    @property
    def schema(self) -> etree.XMLSchema:
        return schema(self.agency)

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


def build_goods_message(message: GoodsMessage, payload: dict[str, Any], *, message_id: str, version: int) -> bytes:
    """The agency's XML for a frozen goods declaration, checked by its XSD."""
    ns = f"{{{message.namespace}}}"
    root = etree.Element(
        ns + message.root,
        nsmap={None: message.namespace},
        MessageId=message_id,
        PreEntryNo=payload["pre_entry_no"],
        Version=str(version),
        Direction=payload["direction"],
    )
    sections = message.elements_by_section
    fill_elements(etree.SubElement(root, ns + message.groups["header"]), ns, sections["header"], payload["header"])
    for line in payload["lines"]:
        element = etree.SubElement(root, ns + message.groups["line"], LineNo=str(line["line_no"]))
        fill_elements(element, ns, sections["line"], line)
    for container in payload["containers"]:
        fill_elements(etree.SubElement(root, ns + message.groups["container"]), ns, sections["container"], container)
    risk = payload.get("risk")
    if risk:  # the risk lane chosen at freeze (credit/lanes.py): every agency receiving the goods sees it
        element = etree.SubElement(root, ns + "Risk")
        etree.SubElement(element, ns + "CreditClass").text = risk["credit_class"]
        etree.SubElement(element, ns + "ReleaseMode").text = risk["release_mode"]
        etree.SubElement(element, ns + "Inspect").text = "true" if risk["inspect"] else "false"
    licences = payload.get("licences")
    if licences:  # the licences cited and what each line writes off (licensing/writeoff.py), as DecMessage does
        element = etree.SubElement(root, ns + "Licences")
        for document in licences["documents"]:
            etree.SubElement(element, ns + "LicenseDocu", DocuCode=document["code"], CertCode=document["number"])
        for use in licences["lines"]:
            etree.SubElement(
                element,
                ns + "GoodsLimit",
                GoodsNo=str(use["line_no"]),
                LicenceNo=use["licence_no"],
                LicWrtofDetailNo=str(use["licence_line"]),
                LicWrtofQty=use["quantity"],
                LicWrtofQtyUnit=use["unit"],
                LicWrtofLeft=use["left"],
            )
    message.schema.assertValid(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def goods_schema_text(message: GoodsMessage) -> str:
    sections: dict[str, list[str]] = {"header": [], "line": [], "container": []}
    lengths = {1, 3, 20, 30}  # the risk lane's codes; the licences' codes, units and numbers
    for key, path in message.field_map.elements.items():
        element_type = xsd_type(BY_KEY[key])
        if element_type.startswith("Text"):
            lengths.add(int(element_type[4:]))
        sections[key.split(".", 1)[0]].append(
            f'          <xs:element name="{path.split("/", 1)[1]}" type="{element_type}" minOccurs="0"/>'
        )

    def group(section: str, occurs: str, line_no: bool = False) -> str:
        attribute = (
            '\n        <xs:attribute name="LineNo" type="xs:positiveInteger" use="required"/>' if line_no else ""
        )
        return (
            f'    <xs:element name="{message.groups[section]}"{occurs}>\n      <xs:complexType>\n        <xs:sequence>\n'
            + "\n".join(sections[section])
            + f"\n        </xs:sequence>{attribute}\n      </xs:complexType>\n    </xs:element>"
        )

    text_types = "\n".join(
        f'  <xs:simpleType name="Text{n}"><xs:restriction base="xs:string"><xs:maxLength value="{n}"/>'
        f"</xs:restriction></xs:simpleType>"
        for n in sorted(lengths)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- The {message.agency} declaration message. Written from agencies/{message.agency}/fields.py by
     `python manage.py agency_schemas`; do not edit by hand. -->
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="{message.namespace}"
           xmlns="{message.namespace}" elementFormDefault="qualified">
{text_types}
  <xs:element name="{message.root}">
    <xs:complexType>
      <xs:sequence>
{group("header", "")}
{group("line", ' minOccurs="1" maxOccurs="999"', line_no=True)}
{group("container", ' minOccurs="0" maxOccurs="999"')}
      <xs:element name="Risk" minOccurs="0">
        <xs:complexType>
          <xs:sequence>
            <xs:element name="CreditClass" type="Text30"/>
            <xs:element name="ReleaseMode" type="Text30"/>
            <xs:element name="Inspect" type="xs:boolean"/>
          </xs:sequence>
        </xs:complexType>
      </xs:element>
      <xs:element name="Licences" minOccurs="0">
        <xs:complexType>
          <xs:sequence>
            <xs:element name="LicenseDocu" maxOccurs="99">
              <xs:complexType>
                <xs:attribute name="DocuCode" type="Text1" use="required"/>
                <xs:attribute name="CertCode" type="Text20" use="required"/>
              </xs:complexType>
            </xs:element>
            <xs:element name="GoodsLimit" maxOccurs="999">
              <xs:complexType>
                <xs:attribute name="GoodsNo" type="xs:positiveInteger" use="required"/>
                <xs:attribute name="LicenceNo" type="Text20" use="required"/>
                <xs:attribute name="LicWrtofDetailNo" type="xs:positiveInteger" use="required"/>
                <xs:attribute name="LicWrtofQty" type="xs:decimal" use="required"/>
                <xs:attribute name="LicWrtofQtyUnit" type="Text3" use="required"/>
                <xs:attribute name="LicWrtofLeft" type="xs:decimal" use="required"/>
              </xs:complexType>
            </xs:element>
          </xs:sequence>
        </xs:complexType>
      </xs:element>
      </xs:sequence>
      <xs:attribute name="MessageId" type="xs:string" use="required"/>
      <xs:attribute name="PreEntryNo" type="xs:string" use="required"/>
      <xs:attribute name="Version" type="xs:positiveInteger" use="required"/>
      <xs:attribute name="Direction" use="required">
        <xs:simpleType><xs:restriction base="xs:string">
          <xs:enumeration value="import"/><xs:enumeration value="export"/>
        </xs:restriction></xs:simpleType>
      </xs:attribute>
    </xs:complexType>
  </xs:element>
</xs:schema>
"""
