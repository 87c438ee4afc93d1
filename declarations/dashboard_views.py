"""The dashboard page (S10) and its exports: the firm's or the agency's figures, by the user's organisation."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from singlewindow.requests import AuthenticatedHttpRequest
from singlewindow.views import CLIENT_SESSION_KEY

from . import dashboards

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _dashboard(request: AuthenticatedHttpRequest) -> dashboards.Dashboard:
    # A broker working for one client (the header's chooser) sees that client's figures, as on the list.
    return dashboards.dashboard_for(user=request.user, client_id=request.session.get(CLIENT_SESSION_KEY))


@login_required
@require_GET
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "declarations/dashboard.html", {"dashboard": _dashboard(request)})


@login_required
@require_GET
def dashboard_export(request: AuthenticatedHttpRequest, file_format: str) -> HttpResponse:
    """Exactly the figures the page shows, one row per value, as CSV or Excel."""
    if file_format not in ("csv", "xlsx"):
        raise Http404
    shown = _dashboard(request)
    if file_format == "csv":
        response = HttpResponse(dashboards.dashboard_csv(shown), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(dashboards.dashboard_xlsx(shown), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="dashboard.{file_format}"'
    return response
