"""Qualification pages (S7): the firm applies and follows its applications; the reviewing agency's officers
decide them and look any firm's qualifications up."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from singlewindow.errors import DomainError
from singlewindow.requests import AuthenticatedHttpRequest

from . import qualifications
from .models import ApplicationState, QualificationKind


class ApplyForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Qualification"), choices=[("", "—"), *QualificationKind.choices])
    office = forms.CharField(  # offered as a list; the service refuses an office of another agency, saying why
        label=gettext_lazy("Office applied to"),
        required=False,
        max_length=6,
        widget=forms.Select,
        help_text=gettext_lazy("Customs declarant and inspection registrations: the office you register with."),
    )
    details = forms.CharField(
        label=gettext_lazy("Details"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: object, kind: str = "", **kwargs: object) -> None:
        """Offers the offices of the agency that decides the chosen kind (none for a kind filed without an
        office); before a kind is chosen, every office under the kind it registers."""
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        kind = str(self.data.get("kind", "")) if self.is_bound else kind
        self.initial.setdefault("kind", kind)
        self.fields["kind"].widget.attrs.update({
            "hx-get": reverse("qualification_applications"), "hx-trigger": "change",
            "hx-target": "#office-field", "hx-select": "#office-field", "hx-swap": "outerHTML",
        })  # fmt: skip
        offices = qualifications.office_choices(kind)
        if kind in QualificationKind.values and not offices:
            del self.fields["office"]
        else:
            self.fields["office"].widget.choices = [("", "—"), *offices]


@login_required
def qualification_applications(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The firm's applications, and the form to apply for another qualification (?kind= limits the offices
    to that kind's: the page reloads the office field when the kind changes)."""
    form = ApplyForm(request.POST or None, kind=request.GET.get("kind", ""))
    if request.method == "POST" and form.is_valid():
        try:
            qualifications.application_submit(user=request.user, **form.cleaned_data)
        except DomainError as refused:
            form.add_error(refused.field if refused.field in form.fields else None, str(refused))
        else:
            messages.success(request, _("Application filed: the agency will review it."))
            return redirect("qualification_applications")
    return render(
        request,
        "licensing/qualifications.html",
        {"form": form, "applications": qualifications.with_office_names(qualifications.applications_of(request.user))},
    )


@login_required
def qualification_review(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The applications the officer's agency decides, those awaiting review first."""
    rows = qualifications.applications_to_review(request.user)
    return render(
        request,
        "licensing/qualification_review.html",
        {
            "pending": qualifications.with_office_names(
                rows.filter(state=ApplicationState.SUBMITTED).order_by("submitted_at")
            ),
            "decided": rows.exclude(state=ApplicationState.SUBMITTED)[:50],
        },
    )


@login_required
@require_POST
def qualification_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    try:
        qualifications.application_decide(
            application_id=pk,
            user=request.user,
            approve=request.POST.get("decision") == "approve",
            reason=request.POST.get("reason", ""),
        )
    except DomainError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Decision recorded."))
    return redirect("qualification_review")


@login_required
def qualification_firm(request: AuthenticatedHttpRequest) -> HttpResponse:
    """An officer looks a firm up by its unified social credit code."""
    if not qualifications.is_officer(request.user):
        raise Http404
    uscc = request.GET.get("uscc", "").strip()
    firm, found = qualifications.firm_facts(user=request.user, uscc=uscc) if uscc else (None, [])
    return render(request, "licensing/qualification_firm.html", {"firm": firm, "qualifications": found, "uscc": uscc})
