"""Every agency message's XSD, written from the agencies' folders (`python manage.py agency_schemas`).

The committed files in agencies/schemas/ are what adapters and the simulator validate against;
a test checks they still match the field maps and the FAL lists.
"""

from __future__ import annotations

from licensing.choices import LICENCE_APPLICATION

from .adapters import adapters
from .goods import goods_schema_text
from .licences import licence_application_schema_text
from .vessels import vessel_schema_text
from .xml import SCHEMAS


def write_schemas() -> list[str]:
    vessel = SCHEMAS / "vessel.xsd"
    vessel.write_text(vessel_schema_text(a.agency for a in adapters() if a.vessel_parts), encoding="utf-8")
    written = [str(vessel)]
    licence = SCHEMAS / "licence_application.xsd"
    licence.write_text(
        licence_application_schema_text(a.agency for a in adapters() if LICENCE_APPLICATION in a.takes),
        encoding="utf-8",
    )
    written.append(str(licence))
    for adapter in adapters():
        if adapter.goods is None:
            continue
        path = SCHEMAS / f"{adapter.agency}.xsd"
        path.write_text(goods_schema_text(adapter.goods), encoding="utf-8")
        written.append(str(path))
    return written
