"""The API's pages: 50 rows unless the client asks for 1 to 200 (`page_size`); a malformed page or page size
is refused on its parameter (400), a page past the last one is a 404 naming the last page."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

NUMBER = re.compile("[0-9]{1,18}")  # ASCII digits only (int() takes "１２" too), within what a page can be


class PageSizePagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not NUMBER.fullmatch(raw) or not 1 <= int(raw) <= self.max_page_size:
            raise exceptions.ValidationError(
                {
                    self.page_size_query_param: _("Give a number of rows per page from 1 to %(max)d.")
                    % {"max": self.max_page_size}
                },
                code="invalid",
            )
        return int(raw)

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any] | None:
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and raw not in self.last_page_strings and not (NUMBER.fullmatch(raw) and int(raw) >= 1):
            raise exceptions.ValidationError(
                {self.page_query_param: _("Give a page number from 1 (or “last”).")}, code="invalid"
            )
        try:
            return super().paginate_queryset(queryset, request, view)
        except exceptions.NotFound:
            last = self.django_paginator_class(queryset, self.get_page_size(request)).num_pages
            raise exceptions.NotFound(
                _("There is no page %(page)s: the last page is %(last)d.") % {"page": raw, "last": last}
            ) from None

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "The page, from 1 (default 1). A page past the last one: 404 not_found, naming "
                "the last page (the first page of an empty list is an empty page).",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page, 1 to {self.max_page_size} (default {self.page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size, "default": self.page_size},
            },
        ]
