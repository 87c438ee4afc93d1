"""Pages of the ERP interchange: upload and follow imports, download the template, the XSD and exports."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from singlewindow.errors import DomainError
from singlewindow.requests import AuthenticatedHttpRequest
from singlewindow.views import CLIENT_SESSION_KEY

from .. import selectors
from ..choices import ImportFormat, ImportStatus
from ..filters import DeclarationFilterSet
from . import exports, imports, uploads
from .xml_format import SCHEMA_PATH


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Declarations file"),
        help_text=gettext_lazy("XML (see the schema) or an Excel workbook made from the template."),
    )


@login_required
def import_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not selectors.may_declare(request.user):  # offered to those who declare
        raise Http404
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job, new = uploads.import_start(user=request.user, upload=form.cleaned_data["file"])
        except PermissionDenied:
            form.add_error("file", _("Only enterprises and customs brokers import declarations."))
        except DomainError as error:
            form.add_error("file", str(error))
        else:
            if not new:
                messages.info(request, _("This file was already imported; nothing new was created."))
            return redirect("declarations:import", pk=job.pk)
    jobs = Paginator(imports.imports_visible_to(request.user), 20).get_page(request.GET.get("page"))
    status = 400 if form.errors else 200
    return render(request, "declarations/imports.html", {"form": form, "jobs": jobs}, status=status)


@login_required
def import_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    if not selectors.may_declare(request.user):  # offered to those who declare
        raise Http404
    job = imports.import_get(user=request.user, pk=pk)
    template = "declarations/_import_progress.html" if request.htmx else "declarations/import.html"
    finished = job.status in (ImportStatus.DONE, ImportStatus.FAILED)
    return render(request, template, {"job": job, "finished": finished})


@login_required
@require_GET
def template_download(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not selectors.may_declare(request.user):  # offered to those who declare
        raise Http404
    response = HttpResponse(exports.template_workbook(), content_type=exports.CONTENT_TYPES[ImportFormat.XLSX])
    response["Content-Disposition"] = 'attachment; filename="declarations-template.xlsx"'
    return response


@require_GET
def schema_download(request: HttpRequest) -> FileResponse:
    """Public: ERP vendors read it before they have a login."""
    return FileResponse(SCHEMA_PATH.open("rb"), content_type="application/xml", filename="declarations.xsd")


@login_required
@require_GET
def export_download(request: AuthenticatedHttpRequest) -> HttpResponse:
    file_format = request.GET.get("format", ImportFormat.XML)
    if file_format not in ImportFormat.values:  # refused, not answered with another format
        message = _("Unknown export format “%(format)s”: choose one of %(formats)s.") % {
            "format": file_format[:20],
            "formats": ", ".join(ImportFormat.values),
        }
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    queryset = selectors.declarations_visible_to(request.user)
    client = request.session.get(CLIENT_SESSION_KEY)
    if client:
        queryset = queryset.filter(owner_id=client)
    declarations = DeclarationFilterSet(request.GET, queryset=queryset, request=request).qs
    data = exports.export_declarations(user=request.user, declarations=declarations, file_format=file_format)
    response = HttpResponse(data, content_type=exports.CONTENT_TYPES[ImportFormat(file_format)])
    name = f"declarations-{timezone.localtime():%Y%m%d-%H%M}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
