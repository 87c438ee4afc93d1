"""Border inspection (边防检查): vessels only — the crew and passengers of a ship's arrival or
departure (agencies/vessels.py builds the message)."""

from singlewindow.choices import Agency

from ..adapters import Adapter

ADAPTER = Adapter(agency=Agency.BORDER, vessel_parts=("crew", "passengers"))
