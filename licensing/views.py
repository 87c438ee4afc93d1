"""The enterprise master record page (what pre-fills every declaration, and its qualifications); the
firm's licences with what is left on them, printed with a QR code the public verification page checks;
and licence applications, filed once and followed on the spine's timeline."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import model_to_dict
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from credit.selectors import classes_of
from declarations import codelists
from declarations.choices import DRAFT_NOT_SAVED, CodeList, draft_saved
from declarations.models import Declaration
from declarations.pipeline import DeclarationInvalid
from declarations.selectors import delivered_payloads, timeline_seen
from singlewindow.certificates import Verdict
from singlewindow.choices import FIRM_KINDS, Agency, OrganisationKind, Role
from singlewindow.problems import Problem, parse_path
from singlewindow.requests import AuthenticatedHttpRequest
from singlewindow.services import organisation_update

from . import applications, certificate, selectors
from .choices import LicenceKind
from .forms import LineFormSet, MasterRecordForm, NewApplicationForm, application_form, line_rows
from .models import Licence
from .selectors import qualifications_of


@login_required
def organisation_profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    org = request.user.organisation
    if org is None:
        raise PermissionDenied
    firm = org.kind in FIRM_KINDS  # an agency or the operator keeps no master record, qualifications or credit
    can_edit = request.user.role == Role.MANAGER
    form = MasterRecordForm(request.POST or None, instance=org) if can_edit else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            organisation_update(organisation=org, user=request.user, data=form.cleaned_data)
            messages.success(request, _("Master record saved.") if firm else _("Organisation details saved."))
            return redirect("organisation")
        org.refresh_from_db()
    return render(
        request,
        "licensing/organisation.html",
        {
            "org": org,
            "firm": firm,
            "form": form,
            "qualifications": qualifications_of(organisation_id=org.pk) if firm else [],
            "credit_classes": classes_of(uscc=org.uscc) if firm and org.uscc else [],
        },
    )


# --- licences --------------------------------------------------------------------------------------


@login_required
def licence_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The firm's licences with what is left on each line (officers of customs and commerce: all)."""
    page = Paginator(selectors.licences_visible_to(request.user), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "licensing/licences.html",
        {"page": page, "may_apply": getattr(request.user.organisation, "kind", "") == OrganisationKind.ENTERPRISE},
    )


@login_required
def licence_detail(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    licence = selectors.licence_get(user=request.user, number=number)
    return render(
        request,
        "licensing/licence.html",
        {
            "licence": licence,
            # each line with its unit's name in the reader's language (the code when the list lacks it)
            "lines": [(line, codelists.name(CodeList.UNITS, line.unit) or line.unit) for line in licence.lines.all()],
            "ledger": selectors.licence_ledger(licence=licence),
            "place": certificate.printed(licence.facts)["place"] if licence.facts else licence.place_of_clearance,
        },
    )


@login_required
@require_GET
def licence_pdf(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    licence = selectors.licence_get(user=request.user, number=number)
    response = HttpResponse(certificate.licence_pdf(licence), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="licence-{licence.number}.pdf"'
    return response


@require_GET
def licence_verify(request: HttpRequest, number: str, token: str) -> HttpResponse:
    """Public: what a customs officer or a bank scanning the QR code sees."""
    licence, verdict = certificate.licence_verdict(number=number, token=token)
    shown = licence is not None and verdict != Verdict.INVALID
    return render(
        request,
        "licensing/verify.html",
        {"number": number, "status": verdict, "status_label": Verdict(verdict).label, "licence": licence if shown else None,
         "facts": certificate.printed(licence.facts) if shown and licence else None},
        status=200 if verdict in (Verdict.VALID, Verdict.EXPIRED, Verdict.REVOKED) else 404,
    )  # fmt: skip


# --- licence applications --------------------------------------------------------------------------


@login_required
def application_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    queryset = selectors.applications_visible_to(request.user)
    page = Paginator(queryset, 25).get_page(request.GET.get("page"))
    payloads = delivered_payloads(user=request.user, declarations=list(page))  # officers: what was delivered
    rows = [(d, payloads.get(d.pk, {}).get("kind", d.licence_application.kind)) for d in page]
    return render(
        request,
        "licensing/applications.html",
        {
            "page": page,
            "rows": [(d, LicenceKind(kind).label) for d, kind in rows],
            "may_apply": getattr(request.user.organisation, "kind", "") == OrganisationKind.ENTERPRISE,
        },
    )


@login_required
def application_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = NewApplicationForm(request.POST or None, initial={"kind": request.GET.get("kind")})
    if getattr(request.user.organisation, "kind", "") != OrganisationKind.ENTERPRISE:
        raise Http404
    if request.method == "POST" and form.is_valid():
        declaration = applications.application_start(user=request.user, kind=form.cleaned_data["kind"])
        return redirect("licence_application_edit", pk=declaration.pk)
    return render(request, "licensing/application_new.html", {"form": form})


def _edit(request: HttpRequest, declaration: Declaration, form: Any, lines: Any, problems: Any = None,
          status: int = 200) -> HttpResponse:  # fmt: skip
    application = declaration.licence_application
    return render(
        request,
        "licensing/application_edit.html",
        {
            "declaration": declaration,
            "application": application,
            "kind_label": application.get_kind_display(),
            "applicant": [(applications.label(n, application.kind), getattr(application, n)) for n in applications.TRADER_FIELDS],
            "form": form,
            "lines": lines,
            "problems": problems or [],
            "offices": codelists.choices(CodeList.CUSTOMS_OFFICES),
            "units": codelists.choices(CodeList.UNITS),
        },
        status=status,
    )  # fmt: skip


def _forms(declaration: Declaration, data: Any = None) -> tuple[Any, Any]:
    application = declaration.licence_application
    form_class = application_form(application.kind)
    if data is not None:
        return form_class(data, instance=application), LineFormSet(data, prefix="lines")
    initial = [model_to_dict(line, fields=list(applications.LINE_FIELDS)) for line in application.lines.all()]
    return form_class(instance=application), LineFormSet(initial=initial, prefix="lines")


@login_required
def application_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    declaration = selectors.application_get_own(user=request.user, pk=pk)
    if not declaration.is_draft:
        return redirect("licence_application_detail", pk=pk)
    if request.method != "POST":
        return _edit(request, declaration, *_forms(declaration))
    form, lines = _forms(declaration, request.POST)
    if not (form.is_valid() and lines.is_valid()):
        messages.error(request, DRAFT_NOT_SAVED)
        return _edit(request, declaration, form, lines, status=400)
    applications.application_save(
        declaration=declaration, user=request.user, values=form.cleaned_data, lines=line_rows(lines)
    )
    declaration.refresh_from_db()
    action = request.POST.get("action", "save")
    if action == "submit":
        try:
            version = applications.application_submit(declaration=declaration, user=request.user)
        except DeclarationInvalid as invalid:
            problems = invalid.found
        else:
            messages.success(
                request,
                _("Submitted to the issuing department. Number %(number)s.") % {"number": version.pre_entry_no},
            )
            return redirect("licence_application_detail", pk=pk)
    elif action == "validate":
        problems = applications.application_problems(declaration)
    else:
        messages.success(request, draft_saved())
        return redirect("licence_application_edit", pk=pk)
    if not problems:
        messages.success(request, draft_saved(0))
        return redirect("licence_application_edit", pk=pk)
    messages.error(request, draft_saved(len(problems)))
    form, lines = _forms(declaration)
    _mark(problems, form, lines)
    return _edit(request, declaration, form, lines, problems=_labelled(problems, declaration), status=400)


def _mark(problems: list[Problem], form: Any, lines: Any) -> None:
    """Each problem next to its item too: the form's fields, and the cells of the goods lines shown."""
    for problem in problems:
        path = parse_path(problem.field)
        if path is None:
            continue
        if path.rows is None and path.name in form.fields:
            _add_error(form, path.name, problem.message)
        elif path.rows == "lines" and path.position is not None and 0 <= path.position < len(lines.forms):
            _add_error(lines.forms[path.position], path.name, problem.message)


def _add_error(form: Any, name: str, message: str) -> None:
    """Form.add_error for a form showing stored values (unbound: it has no cleaned data to drop)."""
    if not hasattr(form, "cleaned_data"):
        form.cleaned_data = {}
    if name in form.fields:
        form.add_error(name, message)


def _labelled(problems: list[Problem], declaration: Declaration) -> list[dict[str, str]]:
    """Each problem with the label of its item, for the summary at the top of the page."""
    kind = declaration.licence_application.kind
    out = []
    for problem in problems:
        path = parse_path(problem.field)
        if path is not None and path.rows == "lines" and path.position is not None:
            where = f"{_('Goods line')} {path.position + 1} · {applications.line_label(path.name)}"
        elif problem.field == "lines":
            where = _("Goods lines")
        else:
            where = applications.label(problem.field, kind)
        out.append({"where": where, "message": problem.message, "field": problem.field})
    return out


@login_required
def application_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    declaration = selectors.application_get(user=request.user, pk=pk)
    own = declaration.owner_id == request.user.organisation_id
    if own:
        application = declaration.licence_application
        kind, terms = application.kind, {n: getattr(application, n) for n in applications.FIELDS}
        rows = [{n: getattr(line, n) for n in applications.LINE_FIELDS} for line in application.lines.all()]
        documents = [
            {"id": d.pk, "kind": d.get_kind_display(), "name": d.original_name} for d in declaration.documents.all()
        ]
    else:  # an officer sees what was delivered to its agency
        payload = delivered_payloads(user=request.user, declarations=[declaration]).get(declaration.pk)
        if payload is None:
            raise Http404
        kind, terms, rows = payload["kind"], payload["application"], payload["lines"]
        sent = {d["sha256"] for d in payload.get("documents", [])}  # only what was submitted to it
        documents = [
            {"id": d.pk, "kind": d.get_kind_display(), "name": d.original_name}
            for d in declaration.documents.all()
            if d.sha256 in sent
        ]
    shown = (*applications.TRADER_FIELDS, *applications.KIND_FIELDS[kind])
    return render(
        request,
        "licensing/application.html",
        {
            "declaration": declaration,
            "own": own,
            "subtitle": f"{LicenceKind(kind).label} · {declaration.owner}",
            "terms": [(applications.label(n, kind), terms.get(n)) for n in shown],
            "line_labels": [applications.line_label(n) for n in applications.LINE_FIELDS],
            "rows": [[row.get(n) for n in applications.LINE_FIELDS] for row in rows],
            "timeline": timeline_seen(user=request.user, declaration=declaration),
            "agency_names": Agency.choices,
            "licence": Licence.objects.filter(application=declaration).first(),
            "documents": documents,
        },
    )
