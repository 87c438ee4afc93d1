"""Customs (海关): the customs declaration message (报关单), of a vessel's call the cargo and what
is dutiable, and the cross-border inventories (清单) once matched (agencies/cbec.py)."""

from ecommerce.forwarding import CBEC
from singlewindow.choices import Agency

from ..adapters import Adapter
from ..goods import GoodsMessage
from .fields import FIELD_MAP

ADAPTER = Adapter(
    agency=Agency.CUSTOMS,
    goods=GoodsMessage(
        field_map=FIELD_MAP,
        root="DecMessage",
        namespace="urn:singlewindow:customs:declaration:1",
        groups={"header": "DecHead", "line": "DecList", "container": "DecContainer"},
    ),
    vessel_parts=("manifest_lines", "ship_stores", "crew_effects", "dangerous_goods"),
    takes=(CBEC,),
)
