"""Requests whose user is signed in, for the type checker.

django-stubs types ``request.user`` as ``User | AnonymousUser``. Behind ``@login_required`` (pages) or
DRF's ``IsAuthenticated`` (the API's default permission) it is always a ``User``; these classes say so,
the way django-stubs documents it. They are annotations only: Django and DRF still build their own
request objects, nothing is checked or converted at run time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from rest_framework.request import Request

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from .models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A page's request behind ``@login_required``; ``htmx`` is set by django-htmx's middleware."""

    user: User
    htmx: HtmxDetails


class AuthenticatedRequest(Request):
    """An API request behind ``IsAuthenticated`` (the API's default permission). A viewset that reads
    ``self.request.user`` says so with ``request: AuthenticatedRequest`` in its class body."""

    user: User
