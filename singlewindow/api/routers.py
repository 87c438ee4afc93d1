"""The API's router: objects are addressed by their numeric id, so anything else in an id's place (letters,
non-ASCII digits such as "１２" or "١٢", which int() would take or choke on) is a 404 before any view runs."""

from __future__ import annotations

from typing import Any

from rest_framework.routers import SimpleRouter

ID = "[0-9]+"  # ASCII digits only: Python's re reads [0-9] literally


class IdRouter(SimpleRouter):
    def get_lookup_regex(self, viewset: Any, lookup_prefix: str = "") -> str:
        if not hasattr(viewset, "lookup_value_regex"):
            viewset = type(viewset.__name__, (viewset,), {"lookup_value_regex": ID})
        return super().get_lookup_regex(viewset, lookup_prefix)
