"""Pages of saved templates (常用模板): save a declaration as one, start a new declaration from one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from singlewindow.errors import DomainError
from singlewindow.requests import AuthenticatedHttpRequest

from . import selectors, shipment_templates


@login_required
@require_POST
def template_save(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    declaration = selectors.declaration_get_own(user=request.user, pk=pk)
    try:
        template = shipment_templates.template_save(
            declaration=declaration, user=request.user, name=request.POST.get("name", "")
        )
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Saved as the template “%(name)s”.") % {"name": template.name})
    return redirect("declarations:edit" if declaration.is_draft else "declarations:detail", pk=declaration.pk)


@login_required
def template_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not selectors.may_declare(request.user):
        raise Http404
    return render(request, "declarations/templates.html", {"templates": shipment_templates.templates_of(request.user)})


@login_required
@require_POST
def template_use(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    template = shipment_templates.template_get(user=request.user, pk=pk)
    try:
        declaration = shipment_templates.declaration_from_template(template=template, user=request.user)
    except PermissionDenied:
        messages.error(request, _("Your delegation from this client does not cover this kind of declaration."))
        return redirect("declarations:templates")
    messages.success(request, _("A new draft from the template “%(name)s”.") % {"name": template.name})
    return redirect("declarations:edit", pk=declaration.pk)


@login_required
@require_POST
def template_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    template = shipment_templates.template_get(user=request.user, pk=pk)
    shipment_templates.template_delete(template=template, user=request.user)
    messages.success(request, _("Template “%(name)s” deleted.") % {"name": template.name})
    return redirect("declarations:templates")
