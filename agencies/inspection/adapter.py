"""Inspection and quarantine (检验检疫): the inspection declaration message (报检单), and of a vessel's
call the cargo, the stores and the people (for health)."""

from singlewindow.choices import Agency

from ..adapters import Adapter
from ..goods import GoodsMessage
from .fields import FIELD_MAP

ADAPTER = Adapter(
    agency=Agency.INSPECTION,
    goods=GoodsMessage(
        field_map=FIELD_MAP,
        root="InspMessage",
        namespace="urn:singlewindow:inspection:declaration:1",
        groups={"header": "InspHead", "line": "InspGoods", "container": "InspContainer"},
    ),
    vessel_parts=("manifest_lines", "ship_stores", "crew", "passengers"),
)
