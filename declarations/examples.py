"""A complete, valid import declaration: one definition for the demo data, the tests and the benchmarks."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone
from pypdf import PdfWriter

GOODS = [
    ("8471300000", "便携式电脑", "ThinkPad X1 Carbon Gen 12", "001"),
    ("8443321000", "激光打印机", "HP LaserJet Pro 4003dn", "001"),
    ("8517130000", "智能手机", "Fairphone 5 256GB", "001"),
    ("8528521000", "液晶显示器", "Dell U2724D 27 inch", "001"),
    ("9018901000", "医用超声探头", "Siemens ACUSON C5-1", "007"),
    ("8504401400", "电源适配器", "Delta ADP-65 65W", "007"),
    ("8536690000", "插座", "Schneider EXXACT 16A", "007"),
    ("8473302000", "电脑内存条", "Kingston DDR5 32GB", "007"),
]


def example_header() -> dict[str, Any]:
    return {
        "overseas_party_name": "ACME Industrial GmbH",
        "customs_office": "2200",
        "port_customs": "2200",
        "transport_mode": "2",
        "means_of_transport": "COSCO SHIPPING ARIES",
        "voyage_no": "042E",
        "bill_of_lading": "COSU6234567890",
        "import_export_date": timezone.localdate() - timedelta(days=1),
        "port_of_loading": "DEHAM",
        "port_of_discharge": "CNSHA",
        "entry_exit_port": "CNSHA",
        "goods_location": "洋山深水港四期码头",
        "trade_mode": "0110",
        "levy_nature": "101",
        "contract_no": "YH-2026-0815",
        "trade_country": "DEU",
        "departure_country": "DEU",
        "incoterms": "CIF",
        "package_type": "22",
        "packages": 120,
        "gross_weight": Decimal("2450.500"),
        "net_weight": Decimal("2200.000"),
        "marks_and_remarks": "N/M",
        "inspection_authority": "310000",
        "destination_authority": "310000",
    }


def example_line(index: int) -> dict[str, Any]:
    hs_code, name, model, unit = GOODS[index % len(GOODS)]
    quantity = Decimal(10 + index)
    price = Decimal("125.5000") + index
    return {
        "hs_code": hs_code,
        "name": name,
        "model": model,
        "declared_quantity": quantity,
        "declared_unit": unit,
        "legal_quantity": quantity,
        "legal_unit": unit,
        "unit_price": price,
        "total_price": (quantity * price).quantize(Decimal("0.01")),
        "currency": "EUR",
        "origin_country": "DEU",
        "destination_country": "CHN",
        "duty_mode": "1",
        "purpose": "11",
    }


def example_containers() -> list[dict[str, Any]]:
    return [{"number": "CSQU3054383", "size_type": "45G1", "lcl": False}]


def blank_pdf(title: str = "document") -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
