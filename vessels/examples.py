"""A cleared vessel and its crew: one definition for the demo data, the tests and the benchmarks."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import openpyxl
from django.utils import timezone

from singlewindow.spreadsheets import SafeCSVWriter, xlsx_row

from .certificate import Port, PortClearanceFacts, ReleasingAgency, certificate_number
from .people import CREW_COLUMNS, crew_template_xlsx, header_label

FAMILY_NAMES = ["WANG", "LI", "ZHANG", "SANTOS", "REYES", "KUMAR", "SHEVCHENKO", "NGUYEN", "CHEN", "GARCIA"]
GIVEN_NAMES = ["WEI", "JUN", "MARIA", "JOSE", "RAHUL", "OLEKSANDR", "MINH", "XIAOMING", "ANA", "LEI"]
RANKS = ["Master", "Chief Officer", "Second Officer", "Chief Engineer", "Bosun", "Able Seaman", "Oiler", "Cook"]
NATIONALITIES = ["CN", "PHL", "IN", "UA", "VNM", "CHN"]
PLACES = ["Shanghai", "Manila", "Mumbai", "Odesa", "Hai Phong", "Dalian"]
DOCUMENT_TYPES = ["passport", "seafarer_id", "Passport", "Seafarer's identity document"]


def example_crew_rows(count: int, *, on: date) -> list[list[object]]:
    """`count` valid crew list rows, in CREW_COLUMNS order, with documents valid on `on`."""
    rows: list[list[object]] = []
    for i in range(count):
        rows.append(
            [
                FAMILY_NAMES[i % len(FAMILY_NAMES)],
                GIVEN_NAMES[(i * 7) % len(GIVEN_NAMES)],
                RANKS[i % len(RANKS)],
                NATIONALITIES[i % len(NATIONALITIES)],
                date(1965 + i % 35, 1 + i % 12, 1 + i % 28),
                PLACES[i % len(PLACES)],
                DOCUMENT_TYPES[i % len(DOCUMENT_TYPES)],
                f"E{10000000 + i}",
                on + timedelta(days=365 + i),
            ]
        )
    return rows


def example_crew_xlsx(count: int, *, on: date) -> bytes:
    """The downloadable template, filled in with `count` crew members."""
    workbook = openpyxl.load_workbook(io.BytesIO(crew_template_xlsx()))
    sheet = workbook.worksheets[0]
    for row in example_crew_rows(count, on=on):
        sheet.append(xlsx_row(sheet, row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def example_crew_csv(count: int, *, on: date, encoding: str = "utf-8-sig") -> bytes:
    """The same list as Excel would save it as CSV (UTF-8 with BOM, or GB18030 on Chinese Windows)."""
    buffer = io.StringIO()
    writer = SafeCSVWriter(buffer)
    writer.writerow([header_label(column) for column in CREW_COLUMNS])
    for row in example_crew_rows(count, on=on):
        writer.writerow([value.isoformat() if isinstance(value, date) else value for value in row])
    return buffer.getvalue().encode(encoding)


def example_facts(*, issued_at: datetime | None = None, sequence: int = 123) -> PortClearanceFacts:
    """Emma Maersk (IMO 9321483) cleared out of Shanghai for Singapore."""
    issued_at = issued_at or datetime(2025, 3, 1, 6, 5, tzinfo=UTC)
    return PortClearanceFacts(
        number=certificate_number(port="CNSHA", issued_at=issued_at, sequence=sequence),
        vessel_name="EMMA MAERSK",
        vessel_name_zh="艾玛·马士基",
        imo_number="9321483",
        call_sign="OYGR2",
        flag_state="DNK",
        gross_tonnage=170794,
        voyage_number="509W",
        port_of_departure=Port(locode="CNSHA", name_zh="上海", name_en="Shanghai"),
        next_port_of_call=Port(locode="SGSIN", name_zh="新加坡", name_en="Singapore"),
        issued_at=issued_at,
        valid_until=issued_at + timedelta(hours=72),
        authority_zh="中华人民共和国上海海事局",
        authority_en="Shanghai Maritime Safety Administration",
        releasing_agencies=(
            ReleasingAgency(name_zh="上海海关", name_en="Shanghai Customs", released_at=issued_at - timedelta(hours=3)),
            ReleasingAgency(
                name_zh="上海出入境检验检疫局",
                name_en="Shanghai Entry-Exit Inspection and Quarantine Bureau",
                released_at=issued_at - timedelta(hours=2, minutes=20),
            ),
            ReleasingAgency(
                name_zh="上海出入境边防检查总站",
                name_en="Shanghai General Station of Exit and Entry Frontier Inspection",
                released_at=issued_at - timedelta(minutes=45),
            ),
        ),
    )


def example_call(**changes: Any) -> dict[str, Any]:
    """FAL 1 of the container ship EMMA MAERSK (IMO 9321483) leaving Shanghai for Singapore."""
    return {
        "vessel_name": "EMMA MAERSK", "vessel_name_cn": "艾玛·马士基", "imo_number": "9321483", "call_sign": "OYGR2",
        "flag_state": "DNK", "gross_tonnage": Decimal("170794"), "net_tonnage": Decimal("55396"),
        "master_name": "HANSEN LARS", "port": "CNSHA", "voyage_no": "509W",
        "expected_at": timezone.now() + timedelta(days=1), "last_port": "KRPUS", "next_port": "SGSIN",
        "berth": "洋山四期 3号泊位", "purpose_of_call": "Loading containers", "cargo_summary": "Containers", **changes,
    }  # fmt: skip


def example_parts(crew: int = 3) -> dict[str, list[dict[str, Any]]]:
    expiry = timezone.localdate() + timedelta(days=400)
    return {
        "crew": [
            {"family_name": f"CREW{i}", "given_names": "LEI", "rank_or_rating": "Able Seaman", "nationality": "CHN",
             "date_of_birth": date(1980, 1, 1 + i), "place_of_birth": "Dalian", "document_type": "seafarer_id",
             "document_number": f"E1000{i:04d}", "document_expiry": expiry}
            for i in range(crew)
        ],
        "manifest_lines": [
            {"bill_of_lading": "MAEU509W0001", "shipper": "上海远航进出口有限公司", "consignee": "ACME PTE LTD",
             "description": "Laptops", "hs_code": "8471300000", "packages": 120, "package_type": "22",
             "gross_weight": Decimal("2450.5"), "containers": "CSQU3054383", "port_of_loading": "CNSHA",
             "port_of_discharge": "SGSIN"}
        ],
        "dangerous_goods": [
            {"un_number": "1263", "shipping_name": "PAINT", "hazard_class": "3", "packing_group": "II",
             "quantity": Decimal("800"), "stowage": "030482", "bill_of_lading": "MAEU509W0001"}
        ],
        "ship_stores": [{"name": "Fuel oil", "quantity": Decimal("1200"), "unit": "t", "location": "Bunker"}],
    }  # fmt: skip
