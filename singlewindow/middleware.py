"""Portal-wide middleware: malformed requests refused before any view, and the second factor asked of the
roles that need one before anything else."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _

from .api.exceptions import error_response
from .api.parsers import MAX_DEPTH, nesting_depth
from .second_factor import confirmed_device, second_factor_required

Handler = Callable[[HttpRequest], HttpResponse]


class RefuseMalformedRequestMiddleware:
    """Refused before any view: a NUL character in the path or the query string (400: no page or API takes
    one, and PostgreSQL would refuse it in a query: a 500), a JSON body nested deeper than any request
    needs (400: parsing it would exhaust Python's recursion, whichever parser a view uses), and a JSON body
    larger than DATA_UPLOAD_MAX_MEMORY_SIZE (413 on the API; a page answers Django's 400).

    Installed after LocaleMiddleware, so the refusal is in the request's language, and before anything
    that reads the path or the body. The API (/api/) is answered in its one error shape."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        api = request.path.startswith("/api/")
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            message = _("The address holds a character no page takes.")
            if api:
                return error_response(status=400, code="parse_error", message=message)
            return HttpResponseBadRequest(message)
        if "json" in (request.content_type or ""):
            try:
                body = request.body
            except RequestDataTooBig:
                if not api:
                    raise
                size = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
                message = _("The request body is too large: at most %(size)s.") % {"size": size}
                return error_response(status=413, code="request_too_large", message=message)
            if nesting_depth(body) > MAX_DEPTH:
                message = _("JSON parse error - nested more than %(n)d levels deep.") % {"n": MAX_DEPTH}
                return error_response(status=400, code="parse_error", message=message)
        return self.get_response(request)


# What a signed-in user who still owes the second factor may reach: the second factor's own pages, log
# out, the language switch and static files.
EXEMPT_URL_NAMES = ("second_factor_verify", "second_factor_enrol", "logout", "set_language")


class SecondFactorMiddleware:
    """Sends an agency officer or platform administrator whose session is not verified by a one-time code
    to verify one (or to enrol an app, the first time) before any other page; the API answers 403.
    Installed after django-otp's OTPMiddleware, which tells whether the session is verified."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated or user.is_verified() or not second_factor_required(user):  # type: ignore[attr-defined]
            return self.get_response(request)
        exempt = {reverse(name) for name in EXEMPT_URL_NAMES}
        if request.path in exempt or request.path.startswith(f"/{settings.STATIC_URL.lstrip('/')}"):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            message = _("Verify your one-time code on the portal's pages first.")
            return error_response(status=403, code="second_factor_required", message=message)
        step = "second_factor_verify" if confirmed_device(user) else "second_factor_enrol"
        return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
