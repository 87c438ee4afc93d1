"""The one table: every data item a firm fills, in the order and groups the form shows them.

Labels come from the model fields; which agencies receive an item comes from the registry.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import cache, cached_property

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .choices import CodeList, Direction
from .models import Container, Declaration, GoodsLine


class Required(Enum):
    ALWAYS = "always"
    IMPORT = "import"
    EXPORT = "export"
    OPTIONAL = "optional"

    def applies(self, direction: str) -> bool:
        return (
            self is Required.ALWAYS
            or (self is Required.IMPORT and direction == Direction.IMPORT)
            or (self is Required.EXPORT and direction == Direction.EXPORT)
        )


# Reference sets that are not CodeList entries.
COUNTRY = "country"
CURRENCY = "currency"
HS = "hs"


@dataclass(frozen=True)
class FieldSpec:
    key: str
    group: str
    required: Required = Required.ALWAYS
    reference: str | None = None
    prefilled: bool = False

    @cached_property
    def section(self) -> str:
        return self.key.split(".", 1)[0]

    @cached_property
    def name(self) -> str:
        return self.key.split(".", 1)[1]

    @cached_property
    def model_field(self) -> models.Field:
        model = {"header": Declaration, "line": GoodsLine, "container": Container}[self.section]
        return model._meta.get_field(self.name)  # type: ignore[return-value]

    @property
    def label(self) -> str | Promise:
        return self.model_field.verbose_name


GROUPS: dict[str, Promise] = {
    "parties": _("Parties"),
    "transport": _("Transport"),
    "trade": _("Trade and value"),
    "packages": _("Packages and weights"),
    "confirmations": _("Customs confirmations"),
    "inspection": _("Inspection and quarantine"),
    "line": _("Goods lines"),
    "container": _("Containers"),
}

R = Required
ONE_TABLE: tuple[FieldSpec, ...] = (
    FieldSpec("header.domestic_party_name", "parties", prefilled=True),
    FieldSpec("header.domestic_party_uscc", "parties", prefilled=True),
    FieldSpec("header.domestic_party_customs_code", "parties", prefilled=True),
    FieldSpec("header.domestic_party_inspection_code", "parties", prefilled=True),
    FieldSpec("header.overseas_party_name", "parties"),
    FieldSpec("header.overseas_party_aeo_code", "parties", R.OPTIONAL),
    FieldSpec("header.user_unit_name", "parties", R.OPTIONAL, prefilled=True),
    FieldSpec("header.user_unit_uscc", "parties", R.OPTIONAL, prefilled=True),
    FieldSpec("header.customs_office", "transport", reference=CodeList.CUSTOMS_OFFICES),
    FieldSpec("header.port_customs", "transport", reference=CodeList.CUSTOMS_OFFICES),
    FieldSpec("header.transport_mode", "transport", reference=CodeList.TRANSPORT_MODES),
    FieldSpec("header.means_of_transport", "transport", R.OPTIONAL),
    FieldSpec("header.voyage_no", "transport", R.OPTIONAL),
    FieldSpec("header.bill_of_lading", "transport"),
    FieldSpec("header.import_export_date", "transport", R.IMPORT),
    FieldSpec("header.port_of_loading", "transport", reference=CodeList.PORTS),
    FieldSpec("header.port_of_discharge", "transport", reference=CodeList.PORTS),
    FieldSpec("header.entry_exit_port", "transport", reference=CodeList.PORTS),
    FieldSpec("header.goods_location", "transport", R.OPTIONAL),
    FieldSpec("header.trade_mode", "trade", reference=CodeList.TRADE_MODES),
    FieldSpec("header.levy_nature", "trade", reference=CodeList.LEVY_NATURES),
    FieldSpec("header.record_no", "trade", R.OPTIONAL),
    FieldSpec("header.licence_no", "trade", R.OPTIONAL),
    FieldSpec("header.contract_no", "trade"),
    FieldSpec("header.trade_country", "trade", reference=COUNTRY),
    FieldSpec("header.departure_country", "trade", reference=COUNTRY),
    FieldSpec("header.incoterms", "trade", reference=CodeList.INCOTERMS),
    FieldSpec("header.freight", "trade", R.OPTIONAL),
    FieldSpec("header.insurance", "trade", R.OPTIONAL),
    FieldSpec("header.other_charges", "trade", R.OPTIONAL),
    FieldSpec("header.charges_currency", "trade", R.OPTIONAL, reference=CURRENCY),
    FieldSpec("header.package_type", "packages", reference=CodeList.PACKAGE_TYPES),
    FieldSpec("header.packages", "packages"),
    FieldSpec("header.gross_weight", "packages"),
    FieldSpec("header.net_weight", "packages"),
    FieldSpec("header.wood_packaging", "packages", R.OPTIONAL),
    FieldSpec("header.marks_and_remarks", "packages", R.OPTIONAL),
    FieldSpec("header.special_relationship", "confirmations", R.OPTIONAL),
    FieldSpec("header.price_influence", "confirmations", R.OPTIONAL),
    FieldSpec("header.royalty_payment", "confirmations", R.OPTIONAL),
    FieldSpec("header.inspection_authority", "inspection", reference=CodeList.INSPECTION_AUTHORITIES),
    FieldSpec("header.destination_authority", "inspection", reference=CodeList.INSPECTION_AUTHORITIES),
    FieldSpec("header.certificate_authority", "inspection", R.OPTIONAL, reference=CodeList.INSPECTION_AUTHORITIES),
    FieldSpec("line.hs_code", "line", reference=HS),
    FieldSpec("line.name", "line"),
    FieldSpec("line.model", "line"),
    FieldSpec("line.declared_quantity", "line"),
    FieldSpec("line.declared_unit", "line", reference=CodeList.UNITS),
    FieldSpec("line.legal_quantity", "line"),
    FieldSpec("line.legal_unit", "line", reference=CodeList.UNITS),
    FieldSpec("line.unit_price", "line"),
    FieldSpec("line.total_price", "line"),
    FieldSpec("line.currency", "line", reference=CURRENCY),
    FieldSpec("line.origin_country", "line", R.IMPORT, reference=COUNTRY),
    FieldSpec("line.destination_country", "line", R.EXPORT, reference=COUNTRY),
    FieldSpec("line.duty_mode", "line", reference=CodeList.DUTY_MODES),
    FieldSpec("line.purpose", "line", R.IMPORT, reference=CodeList.PURPOSES),
    FieldSpec("line.production_batch", "line", R.OPTIONAL),
    FieldSpec("line.un_number", "line", R.OPTIONAL),
    FieldSpec("line.licence_no", "line", R.OPTIONAL),
    FieldSpec("line.licence_line", "line", R.OPTIONAL),
    FieldSpec("container.number", "container"),
    FieldSpec("container.size_type", "container", reference=CodeList.CONTAINER_TYPES),
    FieldSpec("container.lcl", "container", R.OPTIONAL),
)

BY_KEY: dict[str, FieldSpec] = {spec.key: spec for spec in ONE_TABLE}
HEADER_FIELDS = tuple(spec.name for spec in ONE_TABLE if spec.section == "header")
LINE_FIELDS = tuple(spec.name for spec in ONE_TABLE if spec.section == "line")
CONTAINER_FIELDS = tuple(spec.name for spec in ONE_TABLE if spec.section == "container")


@cache
def specs_for(keys: frozenset[str], section: str) -> list[FieldSpec]:
    """The specs of one section that are among these keys, in form order (do not mutate)."""
    return [spec for spec in ONE_TABLE if spec.section == section and spec.key in keys]


# Identifiers typed in capitals whatever the clerk's caps lock says.
CODE_FIELDS = {
    "domestic_party_uscc",
    "user_unit_uscc",
    "domestic_party_customs_code",
    "domestic_party_inspection_code",
    "overseas_party_aeo_code",
    "bill_of_lading",
    "record_no",
    "licence_no",
    "voyage_no",
    "hs_code",
    "un_number",
    "number",
}


def normalise(spec: FieldSpec, value: object) -> object:
    """Strip text; upper-case codes and identifiers."""
    if isinstance(value, str):
        value = value.strip()
        if spec.reference or spec.name in CODE_FIELDS:
            value = value.upper()
    return value


XSD_TYPES: list[tuple[type[models.Field], str]] = [
    (models.DecimalField, "xs:decimal"),
    (models.PositiveIntegerField, "xs:nonNegativeInteger"),
    (models.BooleanField, "xs:boolean"),
    (models.DateField, "xs:date"),
]


def xsd_type(spec: FieldSpec) -> str:
    """The XML Schema type of a field; text as "Text<max length>" (the schema defines those)."""
    field = spec.model_field
    for field_class, name in XSD_TYPES:
        if isinstance(field, field_class):
            return name
    return f"Text{field.max_length}" if field.max_length else "xs:string"
