"""Vessel arrival and departure clearance (S5), a client of the declarations spine: a ship agency's
call is a Declaration of category "vessel" with the IMO FAL data in this app's tables, frozen, numbered
and fanned out by declarations.pipeline; the port clearance certificate (国际航行船舶出口岸许可证) is
issued when every agency has released a departure. What the spine needs to know is registered in
apps.py: the category, the manifest rule on goods declarations, the clearance listener, the manifest
offer on the goods form and the notification kind.
"""
