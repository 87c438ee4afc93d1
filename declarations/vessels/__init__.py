"""Vessel arrival and departure clearance (S5): the parts that need no database tables.

Ship identifiers, the FAL5 crew list and FAL6 passenger list imports, and the port clearance
certificate (国际航行船舶出口岸许可证) with the token its public verification page checks. The
models, pages and agency fan-out that use them live beside, in the declarations app.
"""
