"""The public credit page (S9 publication): no login, anyone finds an enterprise and reads its class."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .selectors import PUBLIC_HITS, public_lookup


@require_GET
def public_credit(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    entries = public_lookup(query=query)
    return render(request, "credit/public.html", {"query": query, "entries": entries, "limit": PUBLIC_HITS})
