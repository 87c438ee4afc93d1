"""Credit pages: the public page (S9 publication: no login, anyone finds an enterprise and reads its
class), a firm's own records with objection and repair, and an agency's objections and repairs to decide."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from singlewindow.choices import OrganisationKind
from singlewindow.errors import DomainError
from singlewindow.requests import AuthenticatedHttpRequest

from . import appeals
from .selectors import PUBLIC_HITS, appeals_to_decide, own_records, public_lookup


@require_GET
def public_credit(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    entries = public_lookup(query=query)
    return render(request, "credit/public.html", {"query": query, "entries": entries, "limit": PUBLIC_HITS})


def _enterprise_uscc(request: AuthenticatedHttpRequest) -> str:
    org = request.user.organisation
    if org is None or org.kind != OrganisationKind.ENTERPRISE or not org.uscc:
        raise Http404
    return org.uscc


@login_required
def own_credit(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The firm's adverse records: object to one in force, or apply to repair one whose time has come."""
    uscc = _enterprise_uscc(request)
    if request.method == "POST":
        file = appeals.objection_file if request.POST.get("kind") == "objection" else appeals.repair_apply
        try:
            file(user=request.user, record_id=_int(request.POST.get("record")), reason=request.POST.get("reason", ""))
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Filed. The agency that sent the record will answer."))
        return redirect("credit:own")
    return render(request, "credit/own.html", {"records": own_records(uscc=uscc)})


@login_required
def appeals_to_answer(request: AuthenticatedHttpRequest) -> HttpResponse:
    """An agency's open objections and repairs of records it sent, oldest due first, to decide."""
    org = request.user.organisation
    if org is None or org.kind != OrganisationKind.AGENCY or not org.agency:
        raise Http404
    if request.method == "POST":
        try:
            appeals.appeal_decide(
                user=request.user,
                appeal_id=_int(request.POST.get("appeal")),
                accept=request.POST.get("accept") == "yes",
                decision=request.POST.get("decision", ""),
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Decided. The enterprise's credit class is updated."))
        return redirect("credit:appeals")
    return render(
        request,
        "credit/appeals.html",
        {"appeals": appeals_to_decide(agency=org.agency), "today": timezone.localdate()},
    )


def _int(value: str | None) -> int:
    if not value or not value.isascii() or not value.isdigit():
        raise Http404
    return int(value)
