"""The licence application message the issuing department receives (agencies whose adapter `takes` the
category, commerce): the application's items and its goods lines, from the frozen application. One
schema (agencies/schemas/licence_application.xsd, written from licensing's models by `manage.py
agency_schemas`) checks them all. Each goods line carries `LineNo`, `HsCode` and `Quantity`, which the
simulator's rules read as they read a goods declaration's lines."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from lxml import etree

from declarations.fields import XSD_TYPES
from licensing.applications import FIELDS, LINE_FIELDS
from licensing.choices import LicenceKind
from licensing.models import LicenceApplication, LicenceApplicationLine

from .xml import fill_elements, schema

NAMESPACE = "urn:singlewindow:licence-application:1"
ROOT = "LicenceApplicationMessage"


def element_name(field: str) -> str:
    """trade_mode → TradeMode, hs_code → HsCode."""
    return "".join(part.capitalize() for part in field.split("_"))


APPLICATION_ELEMENTS = [(name, element_name(name)) for name in FIELDS]
LINE_ELEMENTS = [(name, element_name(name)) for name in LINE_FIELDS]


def build_licence_application_message(agency: str, payload: dict[str, Any], *, message_id: str, version: int) -> bytes:
    ns = f"{{{NAMESPACE}}}"
    root = etree.Element(
        ns + ROOT, nsmap={None: NAMESPACE}, MessageId=message_id, PreEntryNo=payload["pre_entry_no"],
        Version=str(version), Kind=payload["kind"], Direction=payload["direction"], Agency=agency,
    )  # fmt: skip
    fill_elements(etree.SubElement(root, ns + "Application"), ns, APPLICATION_ELEMENTS, payload["application"])
    for line in payload["lines"]:
        fill_elements(etree.SubElement(root, ns + "Line", LineNo=str(line["line_no"])), ns, LINE_ELEMENTS, line)
    schema("licence_application").assertValid(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _xsd_type(field: models.Field) -> str:
    for field_class, name in XSD_TYPES:
        if isinstance(field, field_class):
            return name
    return "xs:string"


def _elements(model: type[models.Model], pairs: list[tuple[str, str]], indent: str) -> str:
    return "\n".join(
        f'{indent}<xs:element name="{element}" type="{_xsd_type(model._meta.get_field(name))}" minOccurs="0"/>'  # type: ignore[arg-type]
        for name, element in pairs
    )


def _enumeration(values: Iterable[str]) -> str:
    return "".join(f'<xs:enumeration value="{value}"/>' for value in values)


def licence_application_schema_text(agencies: Iterable[str]) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- The licence application message the issuing department receives: the application's items and its goods
     lines (agencies/licences.py). Written by `python manage.py agency_schemas`; do not edit. -->
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="{NAMESPACE}"
           xmlns="{NAMESPACE}" elementFormDefault="qualified">
  <xs:element name="{ROOT}">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="Application"><xs:complexType><xs:sequence>
{_elements(LicenceApplication, APPLICATION_ELEMENTS, "          ")}
        </xs:sequence></xs:complexType></xs:element>
        <xs:element name="Line" minOccurs="1" maxOccurs="999"><xs:complexType><xs:sequence>
{_elements(LicenceApplicationLine, LINE_ELEMENTS, "          ")}
        </xs:sequence><xs:attribute name="LineNo" type="xs:positiveInteger" use="required"/></xs:complexType></xs:element>
      </xs:sequence>
      <xs:attribute name="MessageId" type="xs:string" use="required"/>
      <xs:attribute name="PreEntryNo" type="xs:string" use="required"/>
      <xs:attribute name="Version" type="xs:positiveInteger" use="required"/>
      <xs:attribute name="Kind" use="required"><xs:simpleType><xs:restriction base="xs:string">{_enumeration(LicenceKind.values)}</xs:restriction></xs:simpleType></xs:attribute>
      <xs:attribute name="Direction" use="required"><xs:simpleType><xs:restriction base="xs:string">
        <xs:enumeration value="import"/><xs:enumeration value="export"/></xs:restriction></xs:simpleType></xs:attribute>
      <xs:attribute name="Agency" use="required"><xs:simpleType><xs:restriction base="xs:string">{_enumeration(agencies)}</xs:restriction></xs:simpleType></xs:attribute>
    </xs:complexType>
  </xs:element>
</xs:schema>
"""
