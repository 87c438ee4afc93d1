"""Approval pages: the applicant files and follows its cases (and corrects one returned for correction);
the window accepts, returns, decides a case with objections (return for correction or refusal) and issues
the decision; a department's officers give their opinion; supervisors read the performance warnings. The
public notices and the decision's verification need no login. Thin: parse, call one service or selector,
render; a refusal is shown as a message, another party's case is a 404."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from singlewindow.certificates import Verdict
from singlewindow.errors import DomainError
from singlewindow.requests import AuthenticatedHttpRequest

from . import decision as certificate
from . import selectors, services
from .application import FIELDS, materials_missing
from .choices import CaseState, ReviewState
from .models import Stage


def _form_data(post: QueryDict) -> dict[str, Any]:
    return {**{spec.key: post.get(spec.key, "") for spec in FIELDS}, "materials": post.getlist("materials")}


@login_required
@require_GET
def case_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A firm's cases, the window's every case, a department's reviews; empty for anyone else."""
    user = request.user
    applicant, desk = selectors.is_applicant(user), selectors.is_window_officer(user)
    reviews = selectors.reviews_to_answer(user=user)  # nothing for anyone but a department's officers
    state = request.GET.get("state", "")
    cases = selectors.cases_visible_to(user) if applicant or desk else selectors.cases_visible_to(user).none()
    if state in CaseState.values:
        cases = cases.filter(state=state)
    return render(request, "approvals/list.html", {
        "cases": cases[:200], "reviews": reviews[:200], "applicant": applicant, "window": desk,
        "states": CaseState.choices, "state": state, "now": timezone.now(),
    })  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not selectors.is_applicant(request.user):
        raise Http404
    stages = list(selectors.stages())
    code = request.POST.get("stage") or request.GET.get("stage") or stages[0].code
    stage = next((s for s in stages if s.code == code), stages[0])
    if request.method == "POST":
        try:
            case = services.case_file(user=request.user, stage_code=code, form=_form_data(request.POST),
                                      public_safety=request.POST.get("public_safety") == "on")  # fmt: skip
        except services.ApprovalRefused as error:
            return _form_page(request, stage, stages, request.POST, error, status=400)
        messages.success(request, _("Filed: case %(number)s goes to the window.") % {"number": case.number})
        return redirect("approvals:detail", pk=case.pk)
    return _form_page(request, stage, stages, None, None)


def _form_page(request: HttpRequest, stage: Stage, stages: list[Stage], post: QueryDict | dict | None,
               error: services.ApprovalRefused | None, *, status: int = 200, case: Any = None) -> HttpResponse:  # fmt: skip
    values = post if post is not None else {}
    ticked = post.getlist("materials") if isinstance(post, QueryDict) else list(values.get("materials", []))
    problems = {p["field"]: p["message"] for p in error.problems()} if error else {}
    fields = [(spec, values.get(spec.key, ""), problems.get(spec.key, "")) for spec in FIELDS]
    return render(request, "approvals/new.html", {
        "stage": stage, "stages": stages, "fields": fields, "ticked": ticked, "problems": problems, "case": case,
        "public_safety": bool(values.get("public_safety")), "states": CaseState,
        "objections": selectors.objections(case=case) if case and case.state == CaseState.CORRECTION else [],
    }, status=status)  # fmt: skip


@login_required
@require_GET
def case_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    case = selectors.case_get(user=user, pk=pk)
    desk = selectors.is_window_officer(user)
    steps = selectors.timeline(user=user, case=case)
    mine = {d.pk for d in selectors.departments_of(user)}
    now = timezone.now()
    return render(request, "approvals/detail.html", {
        "case": case, "steps": steps, "window": desk, "applicant": selectors.is_applicant(user),
        "fields": [(spec, case.form.get(spec.key, "")) for spec in FIELDS],
        "missing": materials_missing(case.form, list(case.stage.materials)) if desk else [],
        "answerable": [s.review for s in steps if s.review and s.review.department_id in mine
                       and (s.review.state == ReviewState.ESCALATED
                            or (s.review.state == ReviewState.PENDING and s.review.due_at > now))],
        "rules": selectors.rules_applying(case=case), "decision": getattr(case, "decision", None),
        "states": CaseState,
        "refusal_proposed": selectors.refusal_proposed(case=case) if desk and case.state == CaseState.OBJECTED else "",
    })  # fmt: skip


def _act(request: AuthenticatedHttpRequest, pk: int, action: Callable[[], Any], done: str) -> HttpResponse:
    """Run a service for a case's page; a refusal is shown there, nothing having changed."""
    try:
        action()
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect("approvals:detail", pk=pk)


@login_required
@require_POST
def case_accept(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda: services.case_accept(
        user=request.user, case_id=pk, public_safety=request.POST.get("public_safety") == "on",
    ), _("Accepted: every department reviews it in parallel from now."))  # fmt: skip


@login_required
@require_POST
def case_return(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    missing = [line for line in request.POST.get("missing", "").splitlines() if line.strip()]
    return _act(request, pk, lambda: services.case_return(
        user=request.user, case_id=pk, missing=missing, note=request.POST.get("note", ""),
    ), _("Returned, with everything missing listed once."))  # fmt: skip


@login_required
@require_POST
def case_correction(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda: services.case_return_for_correction(
        user=request.user, case_id=pk, note=request.POST.get("note", ""),
    ), _("Returned for correction: the applicant sees every department's opinion."))  # fmt: skip


@login_required
@require_POST
def case_refuse(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda: services.case_refuse(
        user=request.user, case_id=pk, reason=request.POST.get("reason", ""),
    ), _("Refused: the applicant is told the reasons."))  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def case_resubmit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=pk)
    if not selectors.is_applicant(request.user):
        raise Http404
    stages = list(selectors.stages())
    if request.method == "POST":
        try:
            services.case_resubmit(user=request.user, case_id=pk, form=_form_data(request.POST),
                                   public_safety=request.POST.get("public_safety") == "on")  # fmt: skip
        except services.ApprovalRefused as error:
            return _form_page(request, case.stage, stages, request.POST, error, status=400, case=case)
        if case.state == CaseState.CORRECTION:
            messages.success(request, _("Filed again: the departments that objected review it again."))
        else:
            messages.success(request, _("Filed again: the window checks it."))
        return redirect("approvals:detail", pk=pk)
    initial = {**case.form, "public_safety": case.public_safety}
    return _form_page(request, case.stage, stages, initial, None, case=case)


@login_required
@require_POST
def review_give(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = selectors.review_get(user=request.user, pk=pk)
    return _act(request, review.case_id, lambda: services.review_post(
        user=request.user, review_id=pk, approve=request.POST.get("approve") == "yes",
        opinion=request.POST.get("opinion", ""),
    ), _("Your department's opinion is recorded."))  # fmt: skip


@login_required
@require_POST
def decision_issue(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda: services.decision_issue(user=request.user, case_id=pk),
                _("The consolidated decision is issued."))  # fmt: skip


@login_required
@require_GET
def decision_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=pk)
    decision = getattr(case, "decision", None)
    if decision is None:
        raise Http404
    response = HttpResponse(certificate.render(decision), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="decision-{decision.number}.pdf"'
    return response


@require_GET
def notices(request: HttpRequest) -> HttpResponse:
    """Public: the projects in public notice now, with each department's outcome."""
    running = selectors.notices_running(now=timezone.now())
    return render(request, "approvals/notices.html", {"notices": running})


@login_required
@require_GET
def warnings(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not selectors.is_supervisor(request.user):
        raise Http404
    return render(request, "approvals/warnings.html", {
        "warnings": selectors.warnings()[:500], "escalations": selectors.escalations_open(),
    })  # fmt: skip


@require_GET
def verify(request: HttpRequest, number: str, token: str) -> HttpResponse:
    """Public: what anyone scanning the decision's QR code sees."""
    decision, verdict = certificate.verify(number=number, token=token)
    genuine = verdict == Verdict.VALID
    return render(request, "approvals/verify.html", {
        "number": number, "verdict": verdict, "verdict_label": Verdict(verdict).label,
        "facts": decision.facts if decision and genuine else None,
    }, status=200 if genuine else 404)  # fmt: skip
