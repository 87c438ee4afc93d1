"""The e-commerce pages: the public traceability page and the buyer's quota lookup (no login: a
consumer proves what they may see by what they type), and the customs officers' inventory list."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from . import selectors


def trace(request: HttpRequest) -> HttpResponse:
    """By order number, waybill number, or ID number with the buyer's name (that buyer's items only,
    masked)."""
    q = {key: request.GET.get(key, "")[:60] for key in ("order_no", "logistics_no", "id_number", "name")}
    asked = any(q.values())
    items = selectors.trace_facts(selectors.inventories_traced(**q)) if asked else []
    return render(request, "ecommerce/trace.html", {"q": q, "asked": asked, "items": items})


@require_http_methods(["GET", "POST"])
def quota(request: HttpRequest) -> HttpResponse:
    """A buyer's quota this year, for who gives their ID number, name and one of their order numbers
    (POST, so none of it lands in logs or history); nothing is said when they do not agree."""
    state = None
    asked = request.method == "POST"
    if asked:
        state = selectors.buyer_quota(id_number=request.POST.get("id_number", "")[:60],
                                      name=request.POST.get("name", "")[:60],
                                      order_no=request.POST.get("order_no", "")[:60])  # fmt: skip
    return render(request, "ecommerce/quota.html", {"asked": asked, "state": state})


@login_required
def inventories(request: HttpRequest) -> HttpResponse:
    """Customs officers: inventories with their matching state, quota year and tax."""
    if not selectors.is_customs_officer(request.user):  # type: ignore[arg-type]
        raise Http404
    rows = selectors.inventories_for_officer(request.user)[:200]  # type: ignore[arg-type]
    return render(request, "ecommerce/inventories.html", {"inventories": rows})


@login_required
def filing(request: HttpRequest, pk: int) -> HttpResponse:
    """One batch of inventories sent to customs (a cbec filing): its declarant's users and customs
    officers see it; anyone else gets 404."""
    found = selectors.cbec_filing(request.user, pk)  # type: ignore[arg-type]
    if found is None:
        raise Http404
    declaration, inventories, deliveries = found
    return render(request, "ecommerce/filing.html",
                  {"declaration": declaration, "inventories": inventories, "deliveries": deliveries})  # fmt: skip
