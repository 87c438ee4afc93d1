"""The delegations page, and a broker choosing which client it works for."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import delegations
from .choices import DeclarationKind, OrganisationKind
from .errors import DomainError
from .forms import ProposalForm

CLIENT_SESSION_KEY = "broker_client"


@login_required
def delegation_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            delegations.delegation_propose(user=user, **form.cleaned_data)  # type: ignore[arg-type]
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Delegation proposed; the other party confirms it."))
            return redirect("delegations")
    org = user.organisation  # type: ignore[union-attr]
    return render(
        request,
        "singlewindow/delegations.html",
        {
            "delegations": delegations.delegations_of(user=user),  # type: ignore[arg-type]
            "form": form,
            "kind_names": dict(DeclarationKind.choices),
            "is_client": org is not None and org.kind == OrganisationKind.ENTERPRISE,
            "trusted": delegations.trusted_brokers(client_id=user.organisation_id),  # type: ignore[union-attr]
        },
    )


@login_required
@require_POST
def delegation_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    delegation = delegations.delegation_get(user=request.user, pk=pk)  # type: ignore[arg-type]
    decide = {"confirm": delegations.delegation_confirm, "revoke": delegations.delegation_revoke}.get(decision)
    if decide is None:
        raise Http404
    try:
        decide(user=request.user, delegation=delegation)  # type: ignore[arg-type]
    except DomainError as error:
        messages.error(request, str(error))
    return redirect("delegations")


@login_required
@require_POST
def broker_trust(request: HttpRequest) -> HttpResponse:
    try:
        delegations.broker_trust(
            user=request.user,  # type: ignore[arg-type]
            broker_uscc=request.POST.get("broker", ""),
            trusted=request.POST.get("trusted") == "1",
        )
    except DomainError as error:
        messages.error(request, str(error))
    return redirect("delegations")


@login_required
@require_POST
def choose_client(request: HttpRequest) -> HttpResponse:
    """A broker picks the client it works for; lists and new declarations follow that choice."""
    clients = {str(c.pk): c for c in delegations.clients_of(broker_id=request.user.organisation_id)}  # type: ignore[union-attr]
    chosen = request.POST.get("client", "")
    if chosen in clients:
        request.session[CLIENT_SESSION_KEY] = int(chosen)
    else:
        request.session.pop(CLIENT_SESSION_KEY, None)
    return redirect(request.POST.get("next") or "declarations:list")
