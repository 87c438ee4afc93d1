"""Credit pages: the public page (S9 publication: no login, anyone finds an enterprise and reads its
class), a firm's own records with objection and repair, and an agency's objections and repairs to decide."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from singlewindow.certificates import Verdict, beijing_time
from singlewindow.choices import Agency, OrganisationKind
from singlewindow.errors import DomainError
from singlewindow.languages import in_reader_language
from singlewindow.models import Organisation
from singlewindow.requests import AuthenticatedHttpRequest

from . import appeals, commitments, conduct, queries, report, spotchecks
from .choices import AccessSurface, CommitmentKind, SpotOutcome
from .filters import RecordFilterSet
from .industries import EntityType, industry_choices, industry_label
from .selectors import (
    PUBLIC_HITS,
    appeals_to_decide,
    honest_model_firms,
    own_records,
    public_lookup,
    seriously_dishonest_firms,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SAMPLE_MARKS = ("【示例】", "[Sample]")  # how the shipped sample items' titles begin (credit/reference)


def _as_read(items: Iterable[Any], *, badge: bool = False) -> None:
    """Each conduct or check item's title (and source agency, stored "中文 / English") in the reader's
    language, as `shown_title` and `shown_agency`, in memory only. badge: the page marks sample items with
    a badge, so their title does not say "sample" a second time."""
    for item in items:
        title = in_reader_language(item.title_zh, item.title_en)
        if badge and item.sample:
            title = next((title.removeprefix(m).strip() for m in SAMPLE_MARKS if title.startswith(m)), title)
        zh, both, en = getattr(item, "source_agency", "").partition(" / ")
        item.shown_title = title
        item.shown_agency = in_reader_language(zh.strip(), en.strip()) if both else getattr(item, "source_agency", "")


@require_GET
def public_credit(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:100]
    entries = public_lookup(query=query)
    honest, dishonest = honest_model_firms(), seriously_dishonest_firms()
    return render(request, "credit/public.html", {
        "query": query, "entries": entries, "limit": PUBLIC_HITS, "honest": honest, "dishonest": dishonest,
    })  # fmt: skip


@require_GET
def conduct_catalogue(request: HttpRequest) -> HttpResponse:
    """The prohibited-conduct catalogue (S12), public: by industry, entity type and keywords, then inside
    the results; grouped into the seven categories with their counts."""
    criteria = conduct.Criteria.from_query(request.GET)
    groups = conduct.conduct_search(criteria)
    _as_read((item for g in groups for item in g.items), badge=True)
    return render(request, "credit/conduct.html", {
        "criteria": criteria, "groups": groups, "total": sum(g.count for g in groups),
        "industries": industry_choices(), "entity_types": EntityType.choices, "limit": conduct.SHOWN_PER_CATEGORY,
    })  # fmt: skip


@require_GET
def conduct_export(request: HttpRequest) -> HttpResponse:
    """The same results as one Excel table."""
    data = conduct.conduct_xlsx(conduct.Criteria.from_query(request.GET))
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="prohibited-conduct.xlsx"'
    return response


def _enterprise_uscc(request: AuthenticatedHttpRequest) -> str:
    org = request.user.organisation
    if org is None or org.kind != OrganisationKind.ENTERPRISE or not org.uscc:
        raise Http404
    return org.uscc


@login_required
def own_credit(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The firm's adverse records: object to one in force, or apply to repair one whose time has come."""
    uscc = _enterprise_uscc(request)
    if request.method == "POST":
        file = appeals.objection_file if request.POST.get("kind") == "objection" else appeals.repair_apply
        try:
            file(user=request.user, record_id=_int(request.POST.get("record")), reason=request.POST.get("reason", ""))
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Filed. The agency that sent the record will answer."))
        return redirect("credit:own")
    return render(
        request, "credit/own.html",
        {"records": own_records(uscc=uscc), "commitments": commitments.commitments_of(uscc=uscc)},
    )  # fmt: skip


def _date(value: str | None) -> date | None:
    try:
        return parse_date(value or "")
    except ValueError:  # well formed, no such day
        return None


@login_required
def own_commitments(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The firm files a credit commitment (kind, text, the agency it is made to, the period) and sees its own."""
    uscc = _enterprise_uscc(request)
    if request.method == "POST":
        try:
            commitments.commitment_file(
                user=request.user, kind=request.POST.get("kind", ""), text=request.POST.get("text", ""),
                agency=request.POST.get("agency", ""), starts_on=_date(request.POST.get("starts_on")),
                ends_on=_date(request.POST.get("ends_on")), public=request.POST.get("public") == "yes",
            )  # fmt: skip
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Commitment filed. The agency it is made to records whether it is kept."))
        return redirect("credit:own_commitments")
    return render(request, "credit/own_commitments.html", {
        "commitments": commitments.commitments_of(uscc=uscc), "kinds": CommitmentKind.choices,
        "agencies": Agency.choices, "today": timezone.localdate(),
    })  # fmt: skip


@login_required
def commitments_to_record(request: AuthenticatedHttpRequest) -> HttpResponse:
    """An agency's officers: the commitments made to their agency; record one kept or broken."""
    shown = commitments.commitments_made_to(user=request.user)
    if request.method == "POST":
        try:
            commitments.commitment_fulfilment(
                user=request.user, commitment_id=_int(request.POST.get("commitment")),
                kept=request.POST.get("kept") == "yes", note=request.POST.get("note", ""),
            )  # fmt: skip
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Recorded. The enterprise's credit class is updated."))
        return redirect("credit:commitments")
    names = dict(Organisation.objects.filter(uscc__in=shown.values("uscc")).values_list("uscc", "name"))
    return render(request, "credit/commitments.html", {
        "commitments": [(c, names.get(c.uscc, "")) for c in shown[:200]], "today": timezone.localdate(),
    })  # fmt: skip


@login_required
def appeals_to_answer(request: AuthenticatedHttpRequest) -> HttpResponse:
    """An agency's open objections and repairs of records it sent, oldest due first, to decide."""
    org = request.user.organisation
    if org is None or org.kind != OrganisationKind.AGENCY or not org.agency:
        raise Http404
    if request.method == "POST":
        try:
            appeals.appeal_decide(
                user=request.user,
                appeal_id=_int(request.POST.get("appeal")),
                accept=request.POST.get("accept") == "yes",
                decision=request.POST.get("decision", ""),
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Decided. The enterprise's credit class is updated."))
        return redirect("credit:appeals")
    return render(
        request,
        "credit/appeals.html",
        {"appeals": appeals_to_decide(agency=org.agency), "today": timezone.localdate()},
    )


QUERY_PAGE_SIZE = 50


@login_required
def records_query(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Officers query every firm's records (S10), public or not; the non-public ones shown are logged."""
    queries.officer_agency(request.user)
    filterset = RecordFilterSet(request.GET, queryset=queries.records_for_officers())
    page = Paginator(filterset.qs, QUERY_PAGE_SIZE).get_page(request.GET.get("page"))
    queries.access_log(user=request.user, records=page.object_list, surface=AccessSurface.QUERY_PAGE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "credit/records.html", {"filterset": filterset, "page": page, "query": query.urlencode()})


@login_required
def records_export(request: AuthenticatedHttpRequest, file_format: str) -> HttpResponse:
    """The query's records (at most 50,000) as CSV or Excel; every firm's non-public records in it logged."""
    queries.officer_agency(request.user)
    filterset = RecordFilterSet(request.GET, queryset=queries.records_for_officers())
    records = list(filterset.qs[: queries.MAX_EXPORT])
    if file_format == "csv":
        queries.access_log(user=request.user, records=records, surface=AccessSurface.CSV_EXPORT)
        response = HttpResponse(queries.records_csv(records), content_type="text/csv; charset=utf-8")
    else:
        queries.access_log(user=request.user, records=records, surface=AccessSurface.XLSX_EXPORT)
        response = HttpResponse(queries.records_xlsx(records), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="credit-records.{file_format}"'
    return response


def _int(value: str | None) -> int:
    if not value or not value.isascii() or not value.isdigit():
        raise Http404
    return int(value)


@login_required
def spot_checks(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Officers' double-random draws, newest first, and the form to draw one."""
    checks = spotchecks.spot_checks_visible(request.user)
    if request.method == "POST":
        try:
            ratio = Decimal(request.POST.get("ratio_percent", "")) / 100
            check = spotchecks.spot_check_draw(
                user=request.user, title=request.POST.get("title", ""), ratio=ratio, seed=request.POST.get("seed", ""),
                inspectors_per_firm=_int(request.POST.get("inspectors_per_firm") or "2"),
            )  # fmt: skip
        except (InvalidOperation, DomainError) as error:
            messages.error(request, str(error) if isinstance(error, DomainError) else _("Give the ratio in percent."))
            return redirect("credit:spot_checks")
        return redirect("credit:spot_check", check_id=check.pk)
    return render(request, "credit/spot_checks.html", {"checks": checks[:100]})


@login_required
@require_GET
def spot_check(request: AuthenticatedHttpRequest, check_id: int) -> HttpResponse:
    """A draw: its seed, population digest, firms and inspectors, and a re-draw that says whether the list
    is reproduced and whether the population has changed since."""
    check = get_object_or_404(
        spotchecks.spot_checks_visible(request.user).select_related("drawn_by__organisation"), pk=check_id
    )
    return render(request, "credit/spot_check.html", {
        "check": check, "firms": spotchecks.drawn_firms(check), "verification": spotchecks.spot_check_verify(check),
        "ratio_percent": check.ratio * 100,
    })  # fmt: skip


@login_required
def spot_check_firm(request: AuthenticatedHttpRequest, check_id: int, firm_id: int) -> HttpResponse:
    """One enterprise, one form: every agency's items for its industries; its inspectors write back the result."""
    firm = spotchecks.drawn_firm(user=request.user, check_id=check_id, firm_id=firm_id)
    if request.method == "POST":
        try:
            spotchecks.spot_check_result(user=request.user, check_id=check_id, firm_id=firm_id,
                                         outcome=request.POST.get("outcome", ""), note=request.POST.get("note", ""))  # fmt: skip
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Recorded. The enterprise's credit class is updated."))
        return redirect("credit:spot_check_firm", check_id=check_id, firm_id=firm_id)
    inspectors = list(firm.inspectors.all())
    checklist = spotchecks.checklist(uscc=firm.uscc)
    _as_read(item for items in checklist.values() for item in items)
    return render(request, "credit/spot_check_firm.html", {
        "firm": firm, "organisation": Organisation.objects.filter(uscc=firm.uscc).first(),
        "checklist": [(Agency(agency).label, items) for agency, items in checklist.items()],
        "industries": [industry_label(code) for code in spotchecks.firm_industries(firm.uscc)],
        "inspectors": inspectors, "may_record": request.user in inspectors and firm.outcome == SpotOutcome.PENDING,
        "outcomes": [(k, v) for k, v in SpotOutcome.choices if k != SpotOutcome.PENDING],
    })  # fmt: skip


@login_required
@require_POST
def credit_report(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A new one-page credit report (a numbered snapshot, so it is issued by POST): the firm's own, or any
    firm's for an officer."""
    issued = report.report_issue(user=request.user, uscc=request.POST.get("uscc", "").strip().upper()[:18])
    response = HttpResponse(report.report_pdf(issued), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="credit-report-{issued.number}.pdf"'
    return response


@require_GET
def credit_report_verify(request: HttpRequest, number: str, token: str) -> HttpResponse:
    """Public: what a bank or a tendering office scanning the QR code sees."""
    issued, verdict = report.report_verdict(number=number, token=token)
    shown = issued is not None and verdict != Verdict.INVALID
    return render(request, "credit/report_verify.html", {
        "number": number, "status": verdict, "status_label": Verdict(verdict).label,
        "facts": issued.facts if shown and issued else None,
        "issued_at": beijing_time(issued.issued_at) if shown and issued else "",
    }, status=200 if verdict in (Verdict.VALID, Verdict.EXPIRED) else 404)  # fmt: skip
