"""Every agency's vessel message: the general declaration (FAL 1) and the FAL lists that agency
receives (its adapter's vessel_parts, in its folder), from the frozen vessel declaration. One schema
(agencies/schemas/vessel.xsd, written from vessels/parts.py by `manage.py agency_schemas`) checks them
all."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from django.db import models
from lxml import etree

from declarations.fields import XSD_TYPES
from vessels.models import VesselCall
from vessels.parts import BY_KEY, CALL_FIELDS, PARTS, element_name

from .xml import fill_elements, schema

NAMESPACE = "urn:singlewindow:vessel:1"
ROOT = "VesselMessage"
DATETIME = "xs:dateTime"
SHIP_AGENCY = [("name", "Name"), ("uscc", "Uscc")]


def build_vessel_message(
    agency: str, parts: Iterable[str], payload: dict[str, Any], *, message_id: str, version: int
) -> bytes:
    ns = f"{{{NAMESPACE}}}"
    root = etree.Element(
        ns + ROOT, nsmap={None: NAMESPACE}, MessageId=message_id, PreEntryNo=payload["pre_entry_no"],
        Version=str(version), Direction=payload["direction"], Agency=agency,
    )  # fmt: skip
    fill_elements(etree.SubElement(root, ns + "GeneralDeclaration"), ns, _elements_of(CALL_FIELDS), payload["general"])
    if agency_of_record := payload.get("ship_agency"):  # who declares for the ship: the filing organisation's record
        fill_elements(etree.SubElement(root, ns + "ShipAgency"), ns, SHIP_AGENCY, agency_of_record)
    for key in parts:
        part = BY_KEY[key]
        group = etree.SubElement(root, ns + part.element)
        for row in payload.get(key, []):
            fill_elements(
                etree.SubElement(group, ns + part.row_element, No=str(row["no"])), ns, _elements_of(part.fields), row
            )
    schema("vessel").assertValid(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@cache
def _elements_of(names: tuple[str, ...]) -> list[tuple[str, str]]:
    """(field name, message element) pairs, as the goods adapters' maps give them."""
    return [(name, element_name(name)) for name in names]


def _xsd_type(field: models.Field) -> str:
    if isinstance(field, models.DateTimeField):
        return DATETIME
    for field_class, name in XSD_TYPES:
        if isinstance(field, field_class):
            return name
    return "xs:string"


def _elements(model: type[models.Model], names: tuple[str, ...], indent: str) -> str:
    return "\n".join(
        f'{indent}<xs:element name="{element_name(n)}" type="{_xsd_type(model._meta.get_field(n))}" minOccurs="0"/>'  # type: ignore[arg-type]
        for n in names
    )


def vessel_schema_text(agencies: Iterable[str]) -> str:
    lists = []
    for part in PARTS:
        lists.append(
            f'        <xs:element name="{part.element}" minOccurs="0"><xs:complexType><xs:sequence>\n'
            f'          <xs:element name="{part.row_element}" minOccurs="0" maxOccurs="unbounded">'
            f"<xs:complexType><xs:sequence>\n{_elements(part.model, part.fields, '            ')}\n"
            f'          </xs:sequence><xs:attribute name="No" type="xs:positiveInteger" use="required"/>'
            f"</xs:complexType></xs:element>\n        </xs:sequence></xs:complexType></xs:element>"
        )
    enumeration = "".join(f'<xs:enumeration value="{a}"/>' for a in agencies)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- The vessel arrival/departure message every agency at the port receives: FAL 1 and the FAL lists
     that agency needs (agencies/vessels.py). Written by `python manage.py agency_schemas`; do not edit. -->
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="{NAMESPACE}"
           xmlns="{NAMESPACE}" elementFormDefault="qualified">
  <xs:element name="{ROOT}">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="GeneralDeclaration"><xs:complexType><xs:sequence>
{_elements(VesselCall, CALL_FIELDS, "          ")}
        </xs:sequence></xs:complexType></xs:element>
        <xs:element name="ShipAgency" minOccurs="0"><xs:complexType><xs:sequence>
          <xs:element name="Name" type="xs:string"/>
          <xs:element name="Uscc" type="xs:string" minOccurs="0"/>
        </xs:sequence></xs:complexType></xs:element>
{chr(10).join(lists)}
      </xs:sequence>
      <xs:attribute name="MessageId" type="xs:string" use="required"/>
      <xs:attribute name="PreEntryNo" type="xs:string" use="required"/>
      <xs:attribute name="Version" type="xs:positiveInteger" use="required"/>
      <xs:attribute name="Direction" use="required"><xs:simpleType><xs:restriction base="xs:string">
        <xs:enumeration value="import"/><xs:enumeration value="export"/></xs:restriction></xs:simpleType></xs:attribute>
      <xs:attribute name="Agency" use="required"><xs:simpleType><xs:restriction base="xs:string">{enumeration}</xs:restriction></xs:simpleType></xs:attribute>
    </xs:complexType>
  </xs:element>
</xs:schema>
"""
