"""Pages of the vessel declaration: the ship agent's list, filing (FAL 1–7, crew and passenger lists
imported from Excel/CSV), the timeline, the port clearance certificate; officers' view of the vessels
routed to them; and the public verification page a certificate's QR code opens."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import model_to_dict
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from declarations import codelists, selectors
from declarations.choices import DRAFT_NOT_SAVED, CodeList, DeliveryStatus, Direction, EventKind, draft_saved
from declarations.fields import COUNTRY
from declarations.pipeline import DeclarationError, DeclarationInvalid
from declarations.timeline import shared_states
from singlewindow.choices import Agency, OrganisationKind
from singlewindow.errors import DomainError
from singlewindow.languages import in_reader_language
from singlewindow.problems import parse_path
from singlewindow.requests import AuthenticatedHttpRequest

from . import people, services
from .choices import VESSEL, CertificateStatus
from .forms import FORMSETS, NewVesselForm, PeopleUploadForm, VesselCallForm, rows_of
from .manifest import manifest_line
from .models import VesselCall
from .parts import BY_KEY, GENERAL_TITLE, PARTS, label, shown
from .selectors import as_sent, declaring_for, delivered_payloads

TRANSPORT_BY_WATER = "2"  # the transport mode (运输方式) of goods on a ship's cargo manifest

LARGE_LIST = 60  # longer crew or passenger lists are shown, and replaced by importing a file


def _direction(declaration: Any) -> str:
    """A vessel declaration's direction as the ship agent says it."""
    return _("Arrival") if declaration.direction == Direction.IMPORT else _("Departure")


def _own(request: AuthenticatedHttpRequest, pk: int) -> Any:
    return selectors.declaration_get_own(user=request.user, pk=pk, category=VESSEL)


@login_required
def vessel_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    queryset = selectors.declarations_visible_to(request.user, VESSEL).select_related("vessel")
    page = Paginator(queryset, 25).get_page(request.GET.get("page"))
    page.object_list = as_sent(user=request.user, declarations=list(page))  # officers: what was delivered
    states = shared_states(list(page))
    return render(
        request,
        "vessels/list.html",
        {
            "page": page,
            "rows": [(d, states.get(d.pk, [])) for d in page],
            "agency_names": dict(Agency.choices),
            "kind_names": {**dict(DeliveryStatus.choices), **dict(EventKind.choices)},
            "may_file": getattr(request.user.organisation, "kind", "") == OrganisationKind.SHIP_AGENCY,
        },
    )


@login_required
def vessel_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = NewVesselForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            declaration = services.vessel_create(user=request.user, direction=form.cleaned_data["direction"])
        except PermissionDenied:
            raise Http404 from None
        return redirect("vessels:edit", pk=declaration.pk)
    return render(request, "vessels/new.html", {"form": form})


def _formsets(declaration: Any, data: Any = None) -> dict[str, Any]:
    current = services.parts_of(declaration)
    formsets: dict[str, Any] = {}
    for part in PARTS:
        rows = current[part.key]
        if part.key in ("crew", "passengers") and len(rows) > LARGE_LIST:
            formsets[part.key] = None  # shown as a table; replaced by importing a file
            continue
        formset_class = FORMSETS[part.key]
        if data is not None:
            formsets[part.key] = formset_class(data, prefix=part.key)
        else:
            initial = [model_to_dict(r, fields=list(part.fields)) for r in rows]
            formsets[part.key] = formset_class(initial=initial, prefix=part.key)
    return formsets


def _edit(request: HttpRequest, declaration: Any, call: Any, formsets: dict[str, Any], problems: Any = None,
          status: int = 200, **extra: Any) -> HttpResponse:  # fmt: skip
    current = services.parts_of(declaration)
    return render(
        request,
        "vessels/edit.html",
        {
            "declaration": declaration,
            "direction_label": _direction(declaration),
            "call": call,
            "general_title": GENERAL_TITLE,
            "parts": [(part, formsets[part.key], current[part.key]) for part in PARTS],
            "problems": problems or [],
            "ports": codelists.choices(CodeList.PORTS),
            **extra,
        },
        status=status,
    )


@login_required
def vessel_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    declaration = _own(request, pk)
    if not declaration.is_draft:
        return redirect("vessels:detail", pk=pk)
    if request.method != "POST":
        return _edit(request, declaration, VesselCallForm(instance=declaration.vessel), _formsets(declaration))
    call = VesselCallForm(request.POST, instance=declaration.vessel)
    formsets = _formsets(declaration, request.POST)
    if not (call.is_valid() and all(f.is_valid() for f in formsets.values() if f is not None)):
        messages.error(request, DRAFT_NOT_SAVED)
        return _edit(request, declaration, call, formsets, status=400)
    services.vessel_save(
        declaration=declaration,
        user=request.user,
        call=call.cleaned_data,
        parts={key: rows_of(f) for key, f in formsets.items() if f is not None},
    )
    action = request.POST.get("action", "save")
    declaration.refresh_from_db()
    if action == "submit":
        try:
            version = services.vessel_submit(declaration=declaration, user=request.user)
        except DeclarationInvalid as invalid:
            problems = invalid.found
        else:
            messages.success(
                request,
                _(
                    "Submitted to customs, inspection and quarantine, border inspection and maritime safety at once. Number %(number)s."
                )
                % {"number": version.pre_entry_no},
            )
            return redirect("vessels:detail", pk=pk)
    elif action == "validate":
        problems = services.vessel_problems_of(declaration)
    else:
        messages.success(request, draft_saved())
        return redirect("vessels:edit", pk=pk)
    if not problems:
        messages.success(request, draft_saved(0))
        return redirect("vessels:edit", pk=pk)
    messages.error(request, draft_saved(len(problems)))
    call, formsets = VesselCallForm(instance=declaration.vessel), _formsets(declaration)
    _mark(problems, call, formsets)
    return _edit(request, declaration, call, formsets, problems=_labelled(problems), status=400)


def _mark(problems: list[Any], call: VesselCallForm, formsets: dict[str, Any]) -> None:
    """Put each problem next to its field too: FAL 1 items, and list cells of the rows shown."""
    for problem in problems:
        path = parse_path(problem.field)
        if path is None:
            continue
        if path.rows is None and path.name in call.fields:
            _add_error(call, path.name, problem.message)
            continue
        formset = formsets.get(path.rows or "")
        position = path.position if path.position is not None else -1
        if formset is not None and 0 <= position < len(formset.forms) and path.name in formset.forms[position].fields:
            _add_error(formset.forms[position], path.name, problem.message)


def _add_error(form: Any, name: str, message: str) -> None:
    """Form.add_error for a form showing stored values (unbound: it has no cleaned data to drop)."""
    if not hasattr(form, "cleaned_data"):
        form.cleaned_data = {}
    form.add_error(name, message)


def _labelled(problems: list[Any]) -> list[dict[str, str]]:
    """Each problem with the label of its field, for the summary at the top of the page."""
    out = []
    for problem in problems:
        path = parse_path(problem.field)
        if path is not None and path.rows in BY_KEY and path.position is not None:
            part = BY_KEY[path.rows]
            text = f"{part.form} · {path.position + 1} · {label(part.model, path.name)}"
        elif problem.field in BY_KEY:
            text = f"{BY_KEY[problem.field].form} · {BY_KEY[problem.field].title}"
        elif problem.field:
            text = f"FAL 1 · {label(VesselCall, problem.field)}"
        else:  # the whole filing (its submitter may not sign it)
            text = ""
        out.append({"where": text, "message": problem.message, "field": problem.field})
    return out


@login_required
@require_POST
def people_upload(request: AuthenticatedHttpRequest, pk: int, key: str) -> HttpResponse:
    declaration = _own(request, pk)
    if key not in ("crew", "passengers"):
        raise Http404
    form = PeopleUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the file to import."))
        return redirect("vessels:edit", pk=pk)
    try:
        result = services.vessel_import_people(
            declaration=declaration,
            user=request.user,
            key=key,
            upload=form.cleaned_data["file"],
        )
    except DomainError as error:  # the whole file refused (wrong content, too big, damaged…)
        messages.error(request, str(error))
        return redirect("vessels:edit", pk=pk)
    if result.errors:
        messages.error(request, _("Nothing was imported: the file has problems, listed below."))
        return _edit(request, declaration, VesselCallForm(instance=declaration.vessel), _formsets(declaration),
                     status=400, import_errors=result.errors, import_key=key)  # fmt: skip
    messages.success(request, _("%(n)d rows imported.") % {"n": len(result.rows)})
    return redirect(f"{reverse('vessels:edit', args=[pk])}#{key}")


@login_required
@require_GET
def people_template(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    if key not in ("crew", "passengers"):
        raise Http404
    data = people.crew_template_xlsx() if key == "crew" else people.passenger_template_xlsx()
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{key}-template.xlsx"'
    return response


@login_required
def vessel_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    declaration = selectors.declaration_get(user=request.user, pk=pk, category=VESSEL)
    own = declaration.owner_id == request.user.organisation_id
    if own:
        call, parts = declaration.vessel, services.parts_of(declaration)
        general = model_to_dict(call)
        rows = {key: [model_to_dict(r) for r in items] for key, items in parts.items()}
    else:  # an officer sees what was delivered to its agency, and only the FAL lists its agency is sent
        payload = delivered_payloads(user=request.user, declarations=[declaration]).get(declaration.pk)
        if payload is None:
            raise Http404
        general, rows = payload["general"], {part.key: payload[part.key] for part in PARTS if part.key in payload}
    fields = [(label(VesselCall, name), shown(VesselCall, name, general.get(name))) for name in services.CALL_FIELDS]
    clearance = getattr(declaration, "port_clearance", None)
    return render(
        request,
        "vessels/detail.html",
        {
            "declaration": declaration,
            "own": own,
            "subtitle": f"{_direction(declaration)} · {declaration.owner}",
            "general_title": GENERAL_TITLE,
            "general": fields,
            "parts": [
                (
                    part,
                    [label(part.model, n) for n in part.fields],
                    [[shown(part.model, n, row.get(n)) for n in part.fields] for row in rows[part.key]],
                )
                for part in PARTS
                if part.key in rows
            ],
            "timeline": selectors.timeline_seen(user=request.user, declaration=declaration),
            "agency_names": Agency.choices,
            "clearance": clearance,
            "may_revoke": request.user.organisation.agency == Agency.MARITIME,  # type: ignore[union-attr]
        },
    )


@login_required
@require_GET
def clearance_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    declaration = selectors.declaration_get(user=request.user, pk=pk, category=VESSEL)
    clearance = getattr(declaration, "port_clearance", None)
    if clearance is None:
        raise Http404
    response = HttpResponse(services.clearance_pdf(clearance), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="port-clearance-{clearance.number}.pdf"'
    return response


@login_required
@require_POST
def clearance_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    declaration = selectors.declaration_get(user=request.user, pk=pk, category=VESSEL)
    clearance = getattr(declaration, "port_clearance", None)
    if clearance is None:
        raise Http404
    try:
        services.clearance_revoke(clearance=clearance, user=request.user, reason=request.POST.get("reason", ""))
    except PermissionDenied:
        raise Http404 from None
    except DeclarationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The certificate is revoked; its verification page says so."))
    return redirect("vessels:detail", pk=pk)


@require_GET
def clearance_verify(request: HttpRequest, number: str, token: str) -> HttpResponse:
    """Public: what a port state officer scanning the QR code sees, in the reader's language (the PDF
    carries both)."""
    clearance, status = services.clearance_verify(number=number, token=token)
    facts = services.clearance_facts(clearance) if clearance and status != CertificateStatus.INVALID else None
    names = {}
    if facts is not None:
        names = {
            # the registered name, which the certificate leads with; a Chinese name beside it for Chinese readers
            "vessel": in_reader_language(f"{facts.vessel_name} {facts.vessel_name_zh}".strip(), facts.vessel_name),
            "flag_state": codelists.name(COUNTRY, facts.flag_state),
            "departure": in_reader_language(facts.port_of_departure.name_zh, facts.port_of_departure.name_en),
            "next_port": in_reader_language(facts.next_port_of_call.name_zh, facts.next_port_of_call.name_en),
            "authority": in_reader_language(facts.authority_zh, facts.authority_en),
        }
    return render(
        request,
        "vessels/verify.html",
        {"number": number, "status": status, "status_label": CertificateStatus(status).label, "facts": facts,
         "names": names, "clearance": clearance},
        status=200 if status in (CertificateStatus.VALID, CertificateStatus.EXPIRED, CertificateStatus.REVOKED) else 404,
    )  # fmt: skip


@login_required
@require_GET
def manifest_offer(request: AuthenticatedHttpRequest) -> HttpResponse:
    """HTMX, offered on the goods form's bill of lading (declarations.registry field offer): the cargo
    manifest line a submitted vessel declaration lists under the bill typed, if the bill is consigned to
    (or shipped by) the enterprise the declaration is for; nothing otherwise."""
    if getattr(request.user.organisation, "kind", "") not in (OrganisationKind.ENTERPRISE, OrganisationKind.BROKER):
        raise Http404  # offered to those who declare goods, not to every login
    firms = declaring_for(user=request.user, declaration_pk=request.GET.get("declaration"))
    line = manifest_line(request.GET.get("bill_of_lading", ""), firms=firms)
    fill = {}
    if line is not None:
        vessel = line.declaration.vessel
        fill = {"packages": line.packages, "gross_weight": line.gross_weight, "package_type": line.package_type,
                "means_of_transport": vessel.vessel_name, "voyage_no": vessel.voyage_no,
                "transport_mode": TRANSPORT_BY_WATER}  # fmt: skip
        if line.declaration.direction == Direction.IMPORT:  # the ship's arrival: where and when the goods entered
            fill["port_of_discharge"] = vessel.port
            fill["entry_exit_port"] = vessel.port
            if vessel.expected_at and vessel.expected_at <= timezone.now():  # arrived (not only expected)
                fill["import_export_date"] = timezone.localdate(vessel.expected_at).isoformat()
    return render(
        request,
        "vessels/_manifest_hint.html",
        {"line": line, "fill": json.dumps({k: str(v) for k, v in fill.items() if v not in (None, "")})},
    )
