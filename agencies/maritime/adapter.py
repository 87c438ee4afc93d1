"""Maritime safety (海事): vessels only — the ship, its people and dangerous goods; issues the port
clearance once every agency has released a departure (agencies/vessels.py builds the message)."""

from singlewindow.choices import Agency

from ..adapters import Adapter

ADAPTER = Adapter(agency=Agency.MARITIME, vessel_parts=("crew", "passengers", "dangerous_goods"))
