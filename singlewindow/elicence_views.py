"""The enterprise electronic licence's pages: the licence with its administrators and agents' grants, the
QR code that shows it, and the page an agency officer's scan of that code opens. Thin: every decision is
in singlewindow/elicence.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import elicence
from .certificates import qr_data_uri
from .choices import Matter
from .errors import DomainError
from .forms import AdministratorForm, GrantForm
from .models import User
from .requests import AuthenticatedHttpRequest


@login_required
def elicence_page(request: AuthenticatedHttpRequest, **forms: object) -> HttpResponse:
    """The licence: everyone of the organisation sees it and their own grants; who manages it sees every
    grant and gives or revokes them; the legal representative names the administrators."""
    user = request.user
    licence = elicence.elicence_for_user(user=user)
    people = elicence.colleagues(licence)
    return render(
        request,
        "singlewindow/elicence.html",
        {
            "licence": licence,
            "is_legal_representative": licence.legal_representative_id == user.pk,
            "manages": elicence.manages(licence, user),
            "may_present": licence.revoked_at is None and elicence.may_present(licence, user),
            "administrators": elicence.administrators_of(user=user),
            "max_administrators": elicence.MAX_ADMINISTRATORS,
            "grants": elicence.grants_of(user=user),
            "administrator_form": forms.get("administrator_form") or AdministratorForm(people=_candidates(licence)),
            "grant_form": forms.get("grant_form") or GrantForm(people=people),
            "matter_names": dict(Matter.choices),
        },
        status=400 if forms else 200,
    )


def _candidates(licence: elicence.ELicence) -> QuerySet[User]:
    """Who may be named an administrator: the organisation's people but its legal representative."""
    return elicence.colleagues(licence).exclude(pk__in=[licence.legal_representative_id or 0])


@login_required
@require_POST
def administrator_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    licence = elicence.elicence_for_user(user=request.user)
    form = AdministratorForm(request.POST, people=_candidates(licence))
    if form.is_valid():
        try:
            elicence.administrator_add(user=request.user, person_id=form.cleaned_data["person"].pk)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Administrator named."))
            return redirect("elicence")
    return elicence_page(request, administrator_form=form)


@login_required
@require_POST
def administrator_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    administrator = elicence.administrator_get(user=request.user, pk=pk)
    elicence.administrator_remove(user=request.user, administrator=administrator)
    messages.success(request, _("Administrator removed."))
    return redirect("elicence")


@login_required
@require_POST
def grant_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    licence = elicence.elicence_for_user(user=request.user)
    form = GrantForm(request.POST, people=elicence.colleagues(licence))
    if form.is_valid():
        values = dict(form.cleaned_data)
        try:
            elicence.grant_create(user=request.user, person_id=values.pop("person").pk, **values)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Grant given."))
            return redirect("elicence")
    return elicence_page(request, grant_form=form)


@login_required
@require_POST
def grant_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    grant = elicence.grant_get(user=request.user, pk=pk)
    try:
        elicence.grant_revoke(user=request.user, grant=grant)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Grant revoked: it signs nothing from now on."))
    return redirect("elicence")


@login_required
@require_POST
def present(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Show the licence as a QR code an officer scans, good for 5 minutes."""
    try:
        token = elicence.presentation_create(user=request.user)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("elicence")
    url = elicence.presentation_url(token)
    return render(
        request,
        "singlewindow/elicence_present.html",
        {"token": token, "url": url, "qr": qr_data_uri(url), "minutes": elicence.PRESENTATION_MINUTES},
    )


@login_required
def scan(request: AuthenticatedHttpRequest, nonce: str) -> HttpResponse:
    """What an agency officer's scan opens: the firm's public facts, or that the code has expired. 404 for
    anyone but an officer."""
    token, valid = elicence.presentation_scan(user=request.user, nonce=nonce)
    facts = elicence.public_facts(token.organisation) if valid else []
    return render(request, "singlewindow/elicence_scan.html", {"token": token, "valid": valid, "facts": facts})
