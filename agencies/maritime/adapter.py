"""Maritime safety (海事): vessels only — the ship, its people and dangerous goods; issues the port
clearance once every agency has released a departure (agencies/vessels.py builds the message)."""

from declarations.registry import AgencyFieldMap
from singlewindow.choices import Agency

from ..adapters import Adapter

ADAPTER = Adapter(field_map=AgencyFieldMap(agency=Agency.MARITIME, elements={}), root="", namespace="")
