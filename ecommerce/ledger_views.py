"""The firms' and customs' e-commerce ledger pages: guarantees (先放后征) with their history and the
tax payment customs records, bonded account books with their stock and movements and the goods entered,
and the 9610 monthly summary (page, CSV, Excel). Thin: each view calls one selector or service; every
object is looked up through a scoped selector, so another firm's is 404."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from singlewindow.errors import DomainError
from singlewindow.requests import AuthenticatedHttpRequest

from . import bonded, ledgers, services
from .forms import BookEntryForm, MonthForm, TaxPaymentForm
from .selectors import filings_of, is_customs_officer

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _ecommerce_user(request: AuthenticatedHttpRequest) -> bool:
    return is_customs_officer(request.user) or filings_of(request.user).exists()


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What an e-commerce firm (or customs) can open here."""
    if not _ecommerce_user(request):
        raise Http404
    return render(request, "ecommerce/home.html", {"customs": is_customs_officer(request.user),
                                                   "filings": filings_of(request.user)})  # fmt: skip


@login_required
def guarantees(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not _ecommerce_user(request):
        raise Http404
    return render(request, "ecommerce/guarantees.html", {"guarantees": ledgers.guarantees_visible(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def guarantee(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A guarantee's balance, the releases waiting for it and its history; customs records a payment."""
    found = get_object_or_404(ledgers.guarantees_visible(request.user), pk=pk)
    customs = is_customs_officer(request.user)
    form = TaxPaymentForm(request.POST or None)
    if request.method == "POST":
        if not customs:
            raise Http404
        if form.is_valid():
            try:
                released = services.guarantee_payment_record(guarantee=found, user=request.user, **form.cleaned_data)
            except DomainError as refused:
                form.add_error(getattr(refused, "field", "") or None, str(refused))
            else:
                messages.success(request, _("Payment recorded; %(n)d waiting release(s) went.") % {"n": released})
                return redirect("ecommerce:guarantee", pk=found.pk)
    return render(request, "ecommerce/guarantee.html", {
        "guarantee": found, "entries": ledgers.guarantee_history(found)[:500], "customs": customs, "form": form,
        "waiting": ledgers.guarantee_waiting(found)[:200]})  # fmt: skip


@login_required
def books(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not _ecommerce_user(request):
        raise Http404
    return render(request, "ecommerce/books.html", {"books": ledgers.books_visible(request.user)})


@login_required
def book(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(ledgers.books_visible(request.user), pk=pk)
    owner = found.organisation_id == request.user.organisation_id
    return render(request, "ecommerce/book.html", {
        "book": found, "stock": found.stock.order_by("item_no"), "movements": ledgers.book_movements(found)[:500],
        "owner": owner, "form": BookEntryForm()})  # fmt: skip


@login_required
@require_POST
def book_entry(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The book's firm records goods entering the warehouse."""
    found = get_object_or_404(ledgers.books_visible(request.user).filter(organisation_id=request.user.organisation_id
                                                                         or 0), pk=pk)  # fmt: skip
    form = BookEntryForm(request.POST)
    if form.is_valid():
        try:
            bonded.book_entry_record(book=found, user=request.user, **form.cleaned_data)
        except DomainError as refused:
            form.add_error(getattr(refused, "field", "") or None, str(refused))
        else:
            messages.success(request, _("Entry recorded."))
            return redirect("ecommerce:book", pk=found.pk)
    return render(request, "ecommerce/book.html", {
        "book": found, "stock": found.stock.order_by("item_no"), "movements": ledgers.book_movements(found)[:500],
        "owner": True, "form": form}, status=400)  # fmt: skip


@login_required
def summary(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The 9610 monthly summary of the month asked (this month by default); `?format=csv|xlsx`."""
    if not _ecommerce_user(request):
        raise Http404
    form = MonthForm(request.GET or None)
    month: date = timezone.localdate().replace(day=1)
    if form.is_valid() and form.cleaned_data["month"]:
        month = form.cleaned_data["month"]
    rows = ledgers.monthly_summary(request.user, month)
    name = f"cbec-9610-{month:%Y-%m}"
    if request.GET.get("format") == "csv":
        response = HttpResponse(ledgers.summary_csv(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(ledgers.summary_xlsx(rows, month), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    return render(request, "ecommerce/summary.html", {"form": form, "rows": rows, "month": month,
                                                      "customs": is_customs_officer(request.user)})  # fmt: skip
