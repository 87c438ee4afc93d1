"""Portal-wide pages: delegations, a broker choosing which client it works for, notifications and the
language switch."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from . import delegations, notifications
from .choices import DeclarationKind, OrganisationKind
from .errors import DomainError
from .forms import ProposalForm
from .models import User
from .requests import AuthenticatedHttpRequest

CLIENT_SESSION_KEY = "broker_client"


@login_required
def delegation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            delegations.delegation_propose(user=user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Delegation proposed; the other party confirms it."))
            return redirect("delegations")
    org = user.organisation
    return render(
        request,
        "singlewindow/delegations.html",
        {
            "delegations": delegations.delegations_of(user=user),
            "form": form,
            "kind_names": dict(DeclarationKind.choices),
            "is_client": org is not None and org.kind == OrganisationKind.ENTERPRISE,
            "trusted": delegations.trusted_brokers(client_id=user.organisation_id),
        },
    )


@login_required
@require_POST
def delegation_decide(request: AuthenticatedHttpRequest, pk: int, decision: str) -> HttpResponse:
    delegation = delegations.delegation_get(user=request.user, pk=pk)
    decide = {"confirm": delegations.delegation_confirm, "revoke": delegations.delegation_revoke}.get(decision)
    if decide is None:
        raise Http404
    try:
        decide(user=request.user, delegation=delegation)
    except DomainError as error:
        messages.error(request, str(error))
    return redirect("delegations")


@login_required
@require_POST
def broker_trust(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        delegations.broker_trust(
            user=request.user,
            broker_uscc=request.POST.get("broker", ""),
            trusted=request.POST.get("trusted") == "1",
        )
    except DomainError as error:
        messages.error(request, str(error))
    return redirect("delegations")


@login_required
@require_POST
def choose_client(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A broker picks the client it works for; lists and new declarations follow that choice."""
    clients = {str(c.pk): c for c in delegations.clients_of(broker_id=request.user.organisation_id)}
    chosen = request.POST.get("client", "")
    if chosen in clients:
        request.session[CLIENT_SESSION_KEY] = int(chosen)
    else:
        request.session.pop(CLIENT_SESSION_KEY, None)
    return redirect(request.POST.get("next") or "declarations:list")


@login_required
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(notifications.notifications_for(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "singlewindow/notifications.html", {"page": page})


@login_required
@require_POST
def notification_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Mark one notification read and follow its link, or mark them all read."""
    pk = request.POST.get("notification")
    if pk and pk.isdigit():
        notification = get_object_or_404(notifications.notifications_for(request.user), pk=int(pk))
        notifications.mark_read(user=request.user, ids=[notification.pk])
        return redirect(notification.url or "notifications")
    notifications.mark_read(user=request.user)
    return redirect("notifications")


def language_set(request: HttpRequest) -> HttpResponse:
    """Django's language switch, also remembered on the user for the emails the portal sends."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated and language in dict(settings.LANGUAGES):
        User.objects.filter(pk=request.user.pk).update(language=language)
    return response
