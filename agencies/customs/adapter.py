"""Customs (海关): the customs declaration message (报关单)."""

from ..adapters import Adapter
from .fields import FIELD_MAP

ADAPTER = Adapter(
    field_map=FIELD_MAP,
    root="DecMessage",
    namespace="urn:singlewindow:customs:declaration:1",
    groups={"header": "DecHead", "line": "DecList", "container": "DecContainer"},
)
