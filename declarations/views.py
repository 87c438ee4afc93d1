"""Pages of the one table: list, new, edit (save / validate / submit), detail, copy, documents,
and the small HTMX fragments (a new goods line, a field check, HS suggestions)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from singlewindow import delegations
from singlewindow.choices import Agency
from singlewindow.problems import Problem, parse_path
from singlewindow.requests import AuthenticatedHttpRequest
from singlewindow.services import json_value
from singlewindow.views import CLIENT_SESSION_KEY

from . import codelists, nomenclature, registry, review, selectors, services, shipment_templates
from .choices import (
    DRAFT_NOT_SAVED,
    GOODS,
    DeclarationKind,
    DeliveryStatus,
    Direction,
    EventKind,
    ReviewState,
    Target,
    draft_saved,
)
from .field_notes import edit_notes
from .fields import BY_KEY, GROUPS, HS, ONE_TABLE, normalise, specs_for
from .filters import DeclarationFilterSet
from .forms import (
    DocumentForm,
    NewDeclarationForm,
    container_formset_class,
    edit_forms,
    kept_forms,
    line_formset_class,
    rows_from,
)
from .history import declaration_history_rows
from .models import Declaration
from .registry import agencies_for, fields_for
from .timeline import shared_states
from .validation import check_value


@login_required
def declaration_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    queryset = selectors.declarations_visible_to(request.user)
    client = request.session.get(CLIENT_SESSION_KEY)  # a broker working for one client sees only that one
    if client:
        queryset = queryset.filter(owner_id=client)
    filterset = DeclarationFilterSet(request.GET, queryset=queryset, request=request)
    page = Paginator(filterset.qs, 25).get_page(request.GET.get("page"))
    page.object_list = selectors.as_sent_to_agency(user=request.user, declarations=list(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    states = shared_states(list(page))
    rows = [(d, states.get(d.pk, [])) for d in page]
    return render(
        request,
        "declarations/list.html",
        {
            "filter": filterset,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "agency_names": dict(Agency.choices),
            "kind_names": {**dict(DeliveryStatus.choices), **dict(EventKind.choices)},
        },
    )


@login_required
def declaration_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not selectors.may_declare(request.user):
        raise Http404
    clients = delegations.clients_of(broker_id=request.user.organisation_id)
    form = NewDeclarationForm(
        request.POST or None, clients=clients, initial={"client": request.session.get(CLIENT_SESSION_KEY)}
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        client = data.pop("client", None)
        try:
            declaration = services.declaration_create(
                user=request.user,
                client_uscc=next((c.uscc for c in clients if str(c.pk) == client), ""),
                **data,
            )
        except PermissionDenied:
            form.add_error(None, _("Your delegation from this client does not cover this kind of declaration."))
        else:
            return redirect("declarations:edit", pk=declaration.pk)
    return render(
        request, "declarations/new.html", {"form": form, "templates": shipment_templates.templates_of(request.user)}
    )


def _attach(problems: list[Problem], header: Any, lines: Any, containers: Any) -> list[dict[str, str]]:
    """Put each problem next to its field; return the summary list for the top of the page."""
    summary = []
    rows = {"lines": kept_forms(lines), "containers": kept_forms(containers)}
    for problem in problems:
        path = parse_path(problem.field)
        if path is not None and path.rows in rows and path.position is not None:
            index, name = path.position, path.name
            section = "line" if path.rows == "lines" else "container"
            label = BY_KEY[f"{section}.{name}"].label
            where = (_("Goods line %(n)d") if section == "line" else _("Container %(n)d")) % {"n": index + 1}
            form = rows[path.rows][index]
            form.add_error(name, problem.message)
            summary.append(
                {
                    "where": f"{where} · {label}",
                    "message": problem.message,
                    "anchor": f"id_{form.prefix}-{name}",
                }
            )
            continue
        spec = BY_KEY.get(f"header.{problem.field}")
        if problem.field in header.fields:
            header.add_error(problem.field, problem.message)
        label = (
            spec.label
            if spec
            else {
                "lines": _("Goods lines"),
                "documents": _("Attached documents"),
                "target": _("Declare to"),
            }.get(problem.field, "")
        )
        summary.append({"where": str(label), "message": problem.message, "anchor": f"id_{problem.field}"})
    return summary


def _listed(items: Any) -> str:
    """Items run together as a sentence lists them ("a, b" in English, "甲、乙" in Chinese)."""
    return pgettext("list separator", ", ").join(items)


def _unreadable(header: Any, lines: Any, containers: Any) -> list[dict[str, str]]:
    """The fields whose values could not be read (a blank choice, a negative count), for the summary at the
    top of the page, each linking to its field."""
    summary = []
    for name, errors in header.errors.items():
        field = header.fields.get(name)
        for message in errors:
            where = str(field.label) if field is not None else ""
            summary.append(
                {"where": where, "message": message, "anchor": f"id_{name}" if field else "declaration-form"}
            )
    for formset, where in ((lines, _("Goods line %(n)d")), (containers, _("Container %(n)d"))):
        for message in formset.non_form_errors():
            summary.append({"where": "", "message": message, "anchor": f"id_{formset.prefix}-TOTAL_FORMS"})
        for index, form in enumerate(formset.forms):
            for name, errors in form.errors.items():
                field = form.fields.get(name)
                label = f"{where % {'n': index + 1}} · {field.label}" if field else where % {"n": index + 1}
                anchor = f"id_{form.prefix}-{name}" if field else f"id_{form.prefix}-{next(iter(form.fields))}"
                summary += [{"where": label, "message": message, "anchor": anchor} for message in errors]
    return summary


def _target_changed(request: AuthenticatedHttpRequest, declaration: Declaration, *, submitting: bool) -> None:
    """Say what changing the target took out of the form and, when the clerk asked to check or submit in
    the same step, that this waits until the form for the new target has been looked at."""
    dropped = selectors.fields_not_declared(declaration=declaration)
    if dropped:
        messages.warning(
            request,
            _(
                "Declare to is now “%(target)s”. These agencies do not receive %(fields)s: the form no longer "
                "shows them, they will not be sent and the next save leaves them empty."
            )
            % {"target": declaration.get_target_display(), "fields": _listed(dropped)},
        )
    if submitting:
        messages.warning(
            request,
            _(
                "Declare to changed, so the declaration was only saved, not checked or submitted. Review the "
                "form as it now stands, then submit."
            ),
        )


def _edit_context(
    request: AuthenticatedHttpRequest, declaration: Declaration, header: Any, lines: Any, containers: Any, **extra: Any
) -> dict:
    keys = fields_for(agencies_for(declaration.target))
    returned, notes = edit_notes(declaration=declaration, user=request.user)
    groups = []
    for group, title in GROUPS.items():
        names = [s.name for s in specs_for(keys, "header") if s.group == group]
        if names:
            groups.append({"title": title, "fields": [header[name] for name in names]})
    references = {
        spec.reference for spec in BY_KEY.values() if spec.key in keys and spec.reference and spec.reference != HS
    }
    return {
        "declaration": declaration,
        "header": header,
        "groups": groups,
        "lines": lines,
        "containers": containers,
        "datalists": [(f"list-{ref}", codelists.choices(ref)) for ref in sorted(references)],
        "documents": declaration.documents.all(),
        "document_form": DocumentForm(),
        "agencies": agencies_for(declaration.target),
        "returned": returned,
        "field_notes": notes,
        "sharing_bill": selectors.declarations_sharing_bill(user=request.user, declaration=declaration),
        **extra,
    }


@login_required
def declaration_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    declaration = selectors.declaration_get_own(user=request.user, pk=pk)
    if not declaration.is_draft:
        return redirect("declarations:detail", pk=pk)
    if request.method != "POST":
        return render(request, "declarations/edit.html", _edit_context(request, declaration, *edit_forms(declaration)))

    target_before = declaration.target  # the header form writes what was posted onto the instance
    header, lines, containers = edit_forms(declaration, request.POST)
    if not (header.is_valid() and lines.is_valid() and containers.is_valid()):
        messages.error(request, DRAFT_NOT_SAVED)
        return render(
            request,
            "declarations/edit.html",
            _edit_context(
                request, declaration, header, lines, containers, summary=_unreadable(header, lines, containers)
            ),
            status=400,
        )
    services.declaration_save_draft(
        declaration=declaration,
        user=request.user,
        header=header.cleaned_data,
        lines=rows_from(lines),
        containers=rows_from(containers),
    )
    action = request.POST.get("action", "save")
    if declaration.target != target_before:  # the form changes with the target: the clerk sees it first
        messages.success(request, draft_saved())
        _target_changed(request, declaration, submitting=action != "save")
        return redirect("declarations:edit", pk=pk)
    if action == "save":
        messages.success(request, draft_saved())
        return redirect("declarations:edit", pk=pk)
    declaration.refresh_from_db()
    if action == "submit":
        try:
            version = services.declaration_submit(declaration=declaration, user=request.user)
        except services.DeclarationInvalid as invalid:
            problems = invalid.found
        else:
            messages.success(
                request,
                _("Submitted. Pre-entry number %(number)s, version %(version)d; it is on its way to the agencies.")
                % {"number": version.pre_entry_no, "version": version.number},
            )
            return redirect("declarations:detail", pk=pk)
    else:
        problems = services.declaration_problems(declaration=declaration)
    if not problems:
        messages.success(request, draft_saved(0))
        return redirect("declarations:edit", pk=pk)
    summary = _attach(problems, header, lines, containers)
    messages.error(request, draft_saved(len(problems)))
    return render(
        request,
        "declarations/edit.html",
        _edit_context(request, declaration, header, lines, containers, summary=summary),
        status=400,
    )


@login_required
def declaration_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    declaration = selectors.declaration_get(user=request.user, pk=pk)
    own = selectors.user_prepares(request.user, declaration)
    content = selectors.declaration_content(user=request.user, declaration=declaration)
    header, line_rows, container_rows, target = content.header, content.lines, content.containers, content.target
    keys = content.keys  # an officer: only the fields its agency receives, as delivered to it
    revision = None
    if own and "revision" in request.GET:  # a revision sent for review, as it was sent
        revision = selectors.revision_get(declaration=declaration, number=request.GET["revision"])
        payload = revision.payload
        header, line_rows, container_rows, target = (
            payload["header"],
            payload["lines"],
            payload["containers"],
            payload["target"],
        )
        keys = fields_for(agencies_for(target))
    exchange = _review_context(request, declaration) if own and declaration.is_draft and not revision else None
    notes = exchange["by_field"] if exchange else {}
    groups = []
    for group, title in GROUPS.items():
        specs = [s for s in specs_for(keys, "header") if s.group == group]
        if specs:
            items = [(s, _display(s, header.get(s.name)), notes.get(s.name, [])) for s in specs]
            groups.append({"title": title, "items": items})
    line_specs, container_specs = specs_for(keys, "line"), specs_for(keys, "container")
    return render(
        request,
        "declarations/detail.html",
        {
            "declaration": declaration,
            "own": own,
            "subtitle": " · ".join(
                str(choices.get(value, value))
                for choices, value in (
                    (dict(Direction.choices), content.direction),
                    (dict(DeclarationKind.choices), content.kind),
                    (dict(Target.choices), content.target),
                )
            ),
            "groups": groups,
            "line_specs": line_specs,
            "lines": [
                [(_display(s, row.get(s.name)), notes.get(f"lines[{number}].{s.name}", [])) for s in line_specs]
                for number, row in enumerate(line_rows, start=1)
            ],
            "container_specs": container_specs,
            "containers": [[_display(s, row.get(s.name)) for s in container_specs] for row in container_rows],
            "documents": content.documents,
            "submitted_at": content.version.submitted_at if content.version else declaration.submitted_at,
            "versions": (versions := list(selectors.versions_seen(user=request.user, declaration=declaration))),
            "signatures": selectors.version_signatures(versions),
            "history": declaration_history_rows(declaration=declaration) if own else [],
            "agencies": agencies_for(content.target),
            "timeline": selectors.timeline_seen(user=request.user, declaration=declaration),
            "agency_names": Agency.choices,
            "review": exchange,
            "revision": revision,
        },
    )


def _review_context(request: AuthenticatedHttpRequest, declaration: Declaration) -> dict[str, Any] | None:
    """The draft exchange as the page shows it, or None where there is no broker to exchange with."""
    exchange = review.review_for(declaration=declaration, user=request.user)
    if declaration.prepared_by_id is None and not exchange["brokers"]:
        return None
    return {
        **exchange,
        "field_choices": [(spec.name, spec.label) for spec in ONE_TABLE if spec.section == "header"],
        "line_fields": [(spec.name, spec.label) for spec in ONE_TABLE if spec.section == "line"],
    }


@login_required
@require_POST
def review_send(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    declaration = selectors.declaration_get_own(user=request.user, pk=pk)
    handing = declaration.prepared_by_id is None  # a client's first hand-over, not a return
    try:
        revision = review.review_send(
            declaration=declaration,
            user=request.user,
            note=request.POST.get("note", ""),
            broker_uscc=request.POST.get("broker", ""),
        )
    except services.DeclarationError as error:
        messages.error(request, str(error))
    else:
        if revision.sent_to == ReviewState.WITH_CLIENT:
            messages.success(request, _("Revision %(n)d sent.") % {"n": revision.number})
        elif handing:
            messages.success(request, _("Handed to the customs broker."))
        else:
            messages.success(request, _("Returned to the customs broker."))
    return redirect("declarations:detail", pk=pk)


@login_required
@require_POST
def review_comment(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    declaration = selectors.declaration_get_own(user=request.user, pk=pk)
    field = request.POST.get("field", "")
    line = request.POST.get("line", "").strip()
    if line and request.POST.get("line_field"):
        field = f"lines[{line}].{request.POST['line_field']}"
    try:
        review.review_comment(
            declaration=declaration,
            user=request.user,
            field=field,
            text=request.POST.get("text", ""),
        )
    except services.DeclarationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Comment added."))
    return redirect(f"{reverse('declarations:detail', args=[pk])}#review")


@login_required
@require_POST
def review_approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    declaration = selectors.declaration_get_own(user=request.user, pk=pk)
    try:
        review.review_approve(declaration=declaration, user=request.user)
    except services.DeclarationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Approved. Your customs broker may now submit the declaration."))
    return redirect("declarations:detail", pk=pk)


@login_required
@require_GET
def declaration_timeline(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """HTMX: the live timeline fragment (polled until every agency has decided), for every category. A
    page whose other sections follow the final decision (a certificate issued with the last release)
    asks for a reload then (?final=reload)."""
    declaration = selectors.declaration_get(user=request.user, pk=pk, category=None)
    timeline = selectors.timeline_seen(user=request.user, declaration=declaration)
    if timeline is None:
        return HttpResponse(status=204)
    reload = request.GET.get("final") == "reload"
    edit_url = ""
    returned = declaration.is_draft and declaration.version_count  # the firm corrects it and submits again
    if returned and selectors.user_prepares(request.user, declaration):
        edit_url = (
            reverse(name, args=[declaration.pk]) if (name := registry.category(declaration.category).edit_url) else ""
        )
    response = render(
        request,
        "declarations/_timeline.html",
        {
            "timeline": timeline,
            "agency_names": Agency.choices,
            "oob": True,
            "reload_when_final": reload,
            "edit_url": edit_url,
        },
    )
    if timeline.final and reload:
        response["HX-Refresh"] = "true"
    return response


def _display(spec: Any, value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if spec.reference == HS:
        return str(value)
    if spec.reference:
        name = codelists.name(spec.reference, str(value))
        return f"{value} {name}" if name else str(value)
    return str(json_value(value))


@login_required
@require_POST
def declaration_copy(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    source = selectors.declaration_get_own(user=request.user, pk=pk)
    copy = services.declaration_copy(source=source, user=request.user)
    messages.success(request, _("Copied into a new draft."))
    messages.warning(
        request,
        _(
            "This is a new shipment: fill in its %(fields)s and containers, and attach its commercial invoice and "
            "packing list. They were not copied."
        )
        % {"fields": _listed(str(BY_KEY[f"header.{name}"].label) for name in services.SHIPMENT_FIELDS)},
    )
    return redirect("declarations:edit", pk=copy.pk)


@login_required
@require_POST
def declaration_discard(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    declaration = selectors.declaration_get_own(user=request.user, pk=pk)
    try:
        services.declaration_discard(declaration=declaration, user=request.user)
    except services.DeclarationError as error:
        messages.error(request, str(error))
        return redirect("declarations:detail", pk=pk)
    messages.success(request, _("Draft discarded."))
    return redirect("declarations:list")


def _documents_fragment(
    request: HttpRequest,
    declaration: Declaration,
    form: DocumentForm | None = None,
    status: int = 200,
    *,
    editable: bool = True,
) -> HttpResponse:
    return render(
        request,
        "declarations/_documents.html",
        {
            "declaration": declaration,
            "documents": declaration.documents.all(),
            "document_form": form or DocumentForm(),
            "editable": editable,
        },
        status=status,
    )


def _after_documents(declaration: Declaration) -> HttpResponse:
    """Back to the filing's own page: the goods form, or the page its category registered."""
    if declaration.category == GOODS:
        return redirect("declarations:edit", pk=declaration.pk)
    return redirect(registry.category(declaration.category).detail_url, pk=declaration.pk)


@login_required
@require_http_methods(["GET", "POST"])
def document_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Attach a document to a draft filing of any category (GET: the list and the form, for a client's page
    to load with HTMX)."""
    declaration = selectors.declaration_get_own(user=request.user, pk=pk, category=None)
    if request.method == "GET":
        return _documents_fragment(request, declaration, editable=declaration.is_draft)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.document_attach(
                declaration=declaration,
                user=request.user,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
            )
        except services.DeclarationError as error:
            form.add_error("file", str(error))
    if request.htmx:
        return _documents_fragment(request, declaration, form if form.errors else None, 200)
    if form.errors:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return _after_documents(declaration)


@login_required
@require_POST
def document_remove(request: AuthenticatedHttpRequest, pk: int, document_pk: int) -> HttpResponse:
    declaration = selectors.declaration_get_own(user=request.user, pk=pk, category=None)
    document = selectors.document_get(user=request.user, declaration_pk=pk, pk=document_pk)
    services.document_remove(document=document, user=request.user)
    if request.htmx:
        return _documents_fragment(request, declaration)
    return _after_documents(declaration)


@login_required
def document_download(request: AuthenticatedHttpRequest, pk: int, document_pk: int) -> FileResponse:
    document = selectors.document_get(user=request.user, declaration_pk=pk, pk=document_pk)
    return FileResponse(
        document.file.open("rb"),
        content_type=document.content_type,
        as_attachment=False,
        filename=document.original_name,
    )


@login_required
@require_GET
def line_row(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """HTMX: one more empty goods line (or container) row, and the formset's new total."""
    declaration = selectors.declaration_get_own(user=request.user, pk=pk)
    rows = request.GET.get("rows", "lines")
    formset_class = container_formset_class if rows == "containers" else line_formset_class
    prefix = "containers" if rows == "containers" else "lines"
    try:
        index = max(0, int(request.GET.get(f"{prefix}-TOTAL_FORMS", "0")))
    except ValueError:
        index = 0
    formset = formset_class(declaration.target)(prefix=prefix)
    form = formset._construct_form(index)  # type: ignore[attr-defined]  # builds the form at this index
    return render(
        request, "declarations/_row.html", {"form": form, "index": index, "prefix": prefix, "oob_total": index + 1}
    )


def _submitted_value(request: HttpRequest) -> tuple[str, str]:
    for name in request.GET:
        if name != "field":
            return name, request.GET.get(name, "")
    return "", ""


@login_required
@require_GET
def check_field(request: AuthenticatedHttpRequest) -> HttpResponse:
    """HTMX: check one field's value as validation would, and name the code in the user's language."""
    spec = BY_KEY.get(request.GET.get("field", ""))
    name, raw = _submitted_value(request)
    if spec is None:
        return HttpResponse(status=400)
    value = normalise(spec, raw)
    problems = check_value(spec, value) if value else []
    hint = codelists.name(spec.reference, str(value)) if (spec.reference and value and not problems) else ""
    return render(request, "declarations/_hint.html", {"problems": problems, "hint": hint, "id": f"hint-id_{name}"})


@login_required
@require_GET
def hs_suggest(request: AuthenticatedHttpRequest) -> HttpResponse:
    """HTMX: the codes matching what is typed (digits, a goods name, words) into the shared datalist, the
    firm's own goods names first, and a hint."""
    name, raw = _submitted_value(request)
    value = raw.strip()
    client = request.session.get(CLIENT_SESSION_KEY)
    results = selectors.hs_search(query=value, limit=15, user=request.user, client_id=client)
    digits = nomenclature.digits_of(value)
    spec = BY_KEY["line.hs_code"]
    problems = check_value(spec, value) if len(value) >= 10 and value[:1].isdigit() else []
    hint = codelists.name(HS, value) if len(value) >= 10 and value[:1].isdigit() and not problems else ""
    return render(
        request,
        "declarations/_hs_suggest.html",
        {"results": results, "problems": problems, "hint": hint, "id": f"hint-id_{name}", "tail": digits[6:]},
    )


@login_required
def hs_browse(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The nomenclature: what matches the query (the firm's own goods names first), or the sections and
    their chapters."""
    query = request.GET.get("q", "").strip()
    client = request.session.get(CLIENT_SESSION_KEY)
    results = selectors.hs_search(query=query, limit=100, user=request.user, client_id=client, context=True)
    sections = [] if query else nomenclature.chapters_by_section()
    return render(request, "declarations/hs.html", {"query": query, "results": results, "sections": sections})
