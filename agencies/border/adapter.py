"""Border inspection (边防检查): vessels only — the crew and passengers of a ship's arrival or
departure (agencies/vessels.py builds the message)."""

from declarations.registry import AgencyFieldMap
from singlewindow.choices import Agency

from ..adapters import Adapter

ADAPTER = Adapter(field_map=AgencyFieldMap(agency=Agency.BORDER, elements={}), root="", namespace="")
