"""The enterprise master record page: what pre-fills every declaration, and its qualifications."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from credit.selectors import classes_of
from singlewindow.choices import Role
from singlewindow.requests import AuthenticatedHttpRequest
from singlewindow.services import organisation_update

from .forms import MasterRecordForm
from .selectors import qualifications_of


@login_required
def organisation_profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    org = request.user.organisation
    if org is None:
        raise PermissionDenied
    can_edit = request.user.role == Role.MANAGER
    form = MasterRecordForm(request.POST or None, instance=org) if can_edit else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            organisation_update(organisation=org, user=request.user, data=form.cleaned_data)
            messages.success(request, _("Master record saved."))
            return redirect("organisation")
        org.refresh_from_db()
    return render(
        request,
        "licensing/organisation.html",
        {
            "org": org,
            "form": form,
            "qualifications": qualifications_of(organisation_id=org.pk),
            "credit_classes": classes_of(uscc=org.uscc) if org.uscc else [],
        },
    )
