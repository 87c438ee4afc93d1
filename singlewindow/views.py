"""Portal-wide pages: delegations and agent relations, a broker choosing which client it works for, notifications, the
language switch, the second factor (enrol an authenticator app, verify a code) and one's own API tokens."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.defaults import page_not_found
from django.views.i18n import set_language

from . import agent_relations, delegations, menu, notifications, second_factor, tokens
from .api.exceptions import error_response
from .choices import DeclarationKind, OrganisationKind
from .errors import DomainError
from .forms import AgentRelationForm, ApiTokenForm, OneTimeCodeForm, ProposalForm
from .models import User
from .requests import AuthenticatedHttpRequest

CLIENT_SESSION_KEY = "broker_client"


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """ "/": the page of the user's work (singlewindow/menu.py decides which)."""
    return redirect(menu.landing_page(request.user))


def _offered_to(user: User, *kinds: str) -> None:
    """A page offered to some kinds of organisation answers 404 to the others (an agency's officer is
    not offered delegations): what is not in their menu is not there for them."""
    if user.organisation is None or user.organisation.kind not in kinds:
        raise Http404


@login_required
def delegation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    _offered_to(user, OrganisationKind.ENTERPRISE, OrganisationKind.BROKER)
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
    return redirect(safe_next(request, request.POST.get("next", ""), "declarations:list"))


@login_required
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(notifications.notifications_for(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "singlewindow/notifications.html", {"page": page})


@login_required
@require_POST
def notification_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Mark one notification read and follow its link, or mark them all read."""
    pk = request.POST.get("notification")
    if pk and pk.isascii() and pk.isdigit():
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


def safe_next(request: HttpRequest, target: str, default: str) -> str:
    """`target` if it is an address on this site, else `default` (a URL name or path): a link that
    sends someone to another site after they log in or choose a client is refused."""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else resolve_url(default)


@login_required
def second_factor_enrol(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The first time: scan the QR code with an authenticator app and type its first code."""
    user = request.user
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next", ""), "home")
    if second_factor.confirmed_device(user) is not None:
        return redirect(f"{resolve_url('second_factor_verify')}?{urlencode({'next': next_url})}")
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            second_factor.enrolment_confirm(request=request, user=user, token=form.cleaned_data["token"])
        except DomainError as error:
            form.add_error("token", str(error))
        else:
            messages.success(
                request, _("Your authenticator app is set up: from now on, type its code after your password.")
            )
            return redirect(next_url)
    device = second_factor.enrolment_device(user=user)
    return render(
        request,
        "registration/second_factor_enrol.html",
        {
            "form": form,
            "next": next_url,
            "qr": second_factor.enrolment_qr(device),
            "key": second_factor.enrolment_key(device),
        },
    )


@login_required
def second_factor_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    """After the password: the current code from the user's authenticator app."""
    user = request.user
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next", ""), "home")
    if second_factor.confirmed_device(user) is None:
        return redirect(f"{resolve_url('second_factor_enrol')}?{urlencode({'next': next_url})}")
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            second_factor.verify(request=request, user=user, token=form.cleaned_data["token"])
        except DomainError as error:
            form.add_error("token", str(error))
        else:
            return redirect(next_url)
    return render(request, "registration/second_factor_verify.html", {"form": form, "next": next_url})


def locked_out(request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None) -> HttpResponse:
    """django-axes' answer to a locked-out user name and address: a page saying so, 429."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429)


@login_required
def agent_relation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The organisation's agent relations (a foreign-trade agent and the user units it trades for)."""
    user = request.user
    _offered_to(user, OrganisationKind.ENTERPRISE)
    form = AgentRelationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agent_relations.agent_relation_propose(user=user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Agent relation proposed; the other party confirms it."))
            return redirect("agent_relations")
    return render(
        request,
        "singlewindow/agent_relations.html",
        {"relations": agent_relations.agent_relations_of(user=user), "form": form},
    )


@login_required
@require_POST
def agent_relation_decide(request: AuthenticatedHttpRequest, pk: int, decision: str) -> HttpResponse:
    relation = agent_relations.agent_relation_get(user=request.user, pk=pk)
    decide = {"confirm": agent_relations.agent_relation_confirm, "revoke": agent_relations.agent_relation_revoke}
    if decision not in decide:
        raise Http404
    try:
        decide[decision](user=request.user, relation=relation)
    except DomainError as error:
        messages.error(request, str(error))
    return redirect("agent_relations")


@never_cache  # the page that shows a new key once must not be kept by a browser or a proxy
@login_required
def api_tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's own API tokens: make one (its key shown on this answer only), see when each expires."""
    form, key = ApiTokenForm(request.POST or None), ""
    if request.method == "POST" and form.is_valid():
        _token, key = tokens.token_create(user=request.user, name=form.cleaned_data["name"])
        form = ApiTokenForm()
    rows = [(token, tokens.token_state(token)) for token in tokens.tokens_of(user=request.user)]
    context = {"form": form, "key": key, "rows": rows, "token_days": settings.API_TOKEN_DAYS}
    return render(request, "singlewindow/api_tokens.html", context)


@login_required
@require_POST
def api_token_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    token = tokens.token_revoke(user=request.user, pk=pk)  # anybody else's: 404
    messages.success(request, _("Token %(prefix)s… is revoked: requests with its key are refused.") % {
        "prefix": token.prefix})  # fmt: skip
    return redirect("api_tokens")


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A 404 for an address no route matches: on the API, in the API's error shape; elsewhere the page."""
    if request.path.startswith("/api/"):
        return error_response(status=404, code="not_found", message=pgettext("API error", "Not found."))
    return page_not_found(request, exception)
