"""Inspection and quarantine (检验检疫): the inspection declaration message (报检单)."""

from ..adapters import Adapter
from .fields import FIELD_MAP

ADAPTER = Adapter(
    field_map=FIELD_MAP,
    root="InspMessage",
    namespace="urn:singlewindow:inspection:declaration:1",
    groups={"header": "InspHead", "line": "InspGoods", "container": "InspContainer"},
)
