"""One error shape for the whole API: {"errors": [{"field", "code", "message"}]}.

Field paths are the ones validation uses ("gross_weight", "lines[2].hs_code"), so an ERP sees the same
path whether a value failed to parse or failed a business rule. Every other refusal (DRF's exceptions:
401, 403, 404, 405, 406, 415, 429, a body that is not JSON) comes in the same shape, with DRF's code
(not_authenticated, not_found, method_not_allowed, throttled, parse_error…) and a localised message; the
headers DRF sets (WWW-Authenticate, Retry-After, Allow) are kept. Middleware refusing a request before any
view answers API paths in the same shape (`error_response`).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils.translation import pgettext
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ..errors import DomainError


def flatten(detail: Any, path: str = "") -> list[dict[str, str]]:
    if isinstance(detail, dict):
        out = []
        for key, value in detail.items():
            if isinstance(key, int):  # a list serializer's errors, keyed by row
                out += flatten(value, f"{path}[{key}]")
                continue
            name = "" if key == "non_field_errors" else str(key)
            out += flatten(value, f"{path}.{name}" if path and name else path or name)
        return out
    if isinstance(detail, list):
        if detail and all(isinstance(item, exceptions.ErrorDetail) for item in detail):
            return [{"field": path, "code": item.code or "invalid", "message": str(item)} for item in detail]
        out = []
        for index, item in enumerate(detail):
            if item:
                out += flatten(item, f"{path}[{index}]")
        return out
    return [{"field": path, "code": getattr(detail, "code", "invalid") or "invalid", "message": str(detail)}]


def not_found() -> exceptions.NotFound:
    """The one 404 of the API, whatever was looked for: Django's names the model ("No Declaration matches
    the given query.") and is not translated."""
    return exceptions.NotFound(pgettext("API error", "Not found."))


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        return Response({"errors": exc.problems()}, status=exc.status_code)
    if isinstance(exc, Http404) or (
        isinstance(exc, exceptions.NotFound) and str(exc.detail) == str(exceptions.NotFound.default_detail)
    ):
        exc = not_found()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.APIException):
        response.data = {"errors": flatten(exc.detail)}
    return response


def error_response(*, status: int, code: str, message: str, field: str = "") -> HttpResponse:
    """A refusal in the API's shape, for middleware answering before any view (rendered as DRF renders)."""
    body = JSONRenderer().render({"errors": [{"field": field, "code": code, "message": message}]})
    return HttpResponse(body, status=status, content_type="application/json")
