"""Each agency's message XSD, written from its field map (`python manage.py agency_schemas`).

The committed files in agencies/schemas/ are what adapters and the simulator validate against;
a test checks they still match the field maps.
"""

from __future__ import annotations

from declarations.fields import BY_KEY, xsd_type

from .adapters import SCHEMAS, Adapter


def _type(key: str) -> str:
    return xsd_type(BY_KEY[key])


def schema_text(adapter: Adapter) -> str:
    sections = {"header": [], "line": [], "container": []}  # type: dict[str, list[str]]
    lengths = set()
    for key, path in adapter.field_map.elements.items():
        xsd_type = _type(key)
        if xsd_type.startswith("Text"):
            lengths.add(int(xsd_type[4:]))
        sections[key.split(".", 1)[0]].append(
            f'          <xs:element name="{path.split("/", 1)[1]}" type="{xsd_type}" minOccurs="0"/>'
        )

    def group(section: str, occurs: str, line_no: bool = False) -> str:
        attribute = (
            '\n        <xs:attribute name="LineNo" type="xs:positiveInteger" use="required"/>' if line_no else ""
        )
        return (
            f'    <xs:element name="{adapter.groups[section]}"{occurs}>\n      <xs:complexType>\n        <xs:sequence>\n'
            + "\n".join(sections[section])
            + f"\n        </xs:sequence>{attribute}\n      </xs:complexType>\n    </xs:element>"
        )

    text_types = "\n".join(
        f'  <xs:simpleType name="Text{n}"><xs:restriction base="xs:string"><xs:maxLength value="{n}"/>'
        f"</xs:restriction></xs:simpleType>"
        for n in sorted(lengths)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- The {adapter.agency} declaration message. Written from agencies/{adapter.agency}/fields.py by
     `python manage.py agency_schemas`; do not edit by hand. -->
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="{adapter.namespace}"
           xmlns="{adapter.namespace}" elementFormDefault="qualified">
{text_types}
  <xs:element name="{adapter.root}">
    <xs:complexType>
      <xs:sequence>
{group("header", "")}
{group("line", ' minOccurs="1" maxOccurs="999"', line_no=True)}
{group("container", ' minOccurs="0" maxOccurs="999"')}
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


def write_schemas() -> list[str]:
    from .adapters import adapters
    from .vessels import vessel_schema_text

    vessel = SCHEMAS / "vessel.xsd"
    vessel.write_text(vessel_schema_text(), encoding="utf-8")
    written = [str(vessel)]
    for adapter in adapters():
        if not adapter.goods:
            continue
        path = SCHEMAS / f"{adapter.agency}.xsd"
        path.write_text(schema_text(adapter), encoding="utf-8")
        written.append(str(path))
    return written
