"""Reads: who may see which case and review, scoped so that anyone else's is a 404, and the case's
timeline as its applicant, the window or a department sees it.

Parties: the applicant (an enterprise's declarants and managers, their own cases); the window (officers
of the department flagged `is_window`: every case); a department's officers (the cases that need their
department, and of those only their department's review); supervisors (platform administrators and the
window's officers: performance warnings and escalations).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from singlewindow.certificates import beijing_time
from singlewindow.choices import OrganisationKind, Role
from singlewindow.models import User

from .choices import OPINION_OF, RULES_EXPLAINED, CaseState, DeadlineRule, ReviewState
from .models import ApprovalCase, Department, DepartmentReview, PerformanceWarning, PublicNotice, Stage


def window() -> Department | None:
    return Department.objects.filter(is_window=True).select_related("organisation").first()


def _officer_org(user: User) -> int | None:
    org = user.organisation
    if org is None or org.kind != OrganisationKind.AGENCY or user.role != Role.OFFICER:
        return None
    return org.pk


def is_window_officer(user: User) -> bool:
    org_id = _officer_org(user)
    return org_id is not None and Department.objects.filter(is_window=True, organisation_id=org_id).exists()


def is_applicant(user: User) -> bool:
    org = user.organisation
    return org is not None and org.kind == OrganisationKind.ENTERPRISE and user.role in (Role.DECLARANT, Role.MANAGER)


def is_supervisor(user: User) -> bool:
    """Who sees performance warnings and escalations: platform administrators and the window's officers."""
    return user.role == Role.ADMIN or is_window_officer(user)


def departments_of(user: User) -> QuerySet[Department]:
    """The reviewing departments this officer acts for (none for anyone else)."""
    org_id = _officer_org(user)
    if org_id is None:
        return Department.objects.none()
    return Department.objects.filter(organisation_id=org_id, is_window=False)


def cases_visible_to(user: User) -> QuerySet[ApprovalCase]:
    cases = ApprovalCase.objects.select_related("stage", "applicant")
    if is_applicant(user):
        return cases.filter(applicant_id=user.organisation_id)
    if is_window_officer(user):
        return cases.all()
    departments = departments_of(user)
    if departments.exists():
        return cases.filter(reviews__department__in=departments).distinct()
    return cases.none()


def case_get(*, user: User, pk: int) -> ApprovalCase:
    case = cases_visible_to(user).filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


def reviews_seen(*, user: User, case: ApprovalCase) -> QuerySet[DepartmentReview]:
    """A case's reviews as this user may see them: a department officer only its department's."""
    reviews = case.reviews.select_related("department", "decided_by")
    if is_applicant(user) or is_window_officer(user):
        return reviews.all()
    return reviews.filter(department__in=departments_of(user))


def reviews_to_answer(*, user: User) -> QuerySet[DepartmentReview]:
    """A department officer's reviews, open ones first, earliest due first."""
    return (
        DepartmentReview.objects.filter(department__in=departments_of(user))
        .select_related("case", "case__stage", "case__applicant", "department")
        .order_by("decided_at", "due_at")
    )


def review_get(*, user: User, pk: int) -> DepartmentReview:
    review = reviews_to_answer(user=user).filter(pk=pk).first()
    if review is None:
        raise Http404
    return review


def stages() -> QuerySet[Stage]:
    return Stage.objects.prefetch_related("needs__department")


def notices_running(*, now: datetime) -> QuerySet[PublicNotice]:
    """What the public notice page lists: notices in force now, with each case's outcome per department."""
    return (
        PublicNotice.objects.filter(starts_at__lte=now, ended_at__isnull=True, case__state=CaseState.PUBLIC_NOTICE)
        .select_related("case", "case__stage", "case__applicant")
        .prefetch_related("case__reviews__department")
        .order_by("ends_at")
    )


def warnings() -> QuerySet[PerformanceWarning]:
    return PerformanceWarning.objects.select_related("department")


def escalations_open() -> QuerySet[DepartmentReview]:
    return DepartmentReview.objects.filter(state=ReviewState.ESCALATED, case__state=CaseState.IN_REVIEW).select_related(
        "case", "department"
    )


# Who is told -----------------------------------------------------------------------------------------


def officers_of(department: Department) -> list[User]:
    if department.organisation_id is None:
        return []
    return list(User.objects.filter(organisation_id=department.organisation_id, is_active=True, role=Role.OFFICER))


def window_officers() -> list[User]:
    desk = window()
    return officers_of(desk) if desk else []


def supervisors() -> list[User]:
    admins = User.objects.filter(Q(role=Role.ADMIN), is_active=True)
    return list({user.pk: user for user in [*admins, *window_officers()]}.values())


# The case's timeline ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One line of a case's timeline."""

    key: str  # filed, returned, accepted, review, correction, notice, decided, refused
    at: datetime | None
    label: str
    state: str = ""  # a review's state, for its badge
    detail: list[str] = field(default_factory=list)
    review: DepartmentReview | None = None


def timeline(*, user: User, case: ApprovalCase) -> list[Step]:
    """What happened to the case and what is awaited, in order: filed, returned or accepted, each
    department's review with its deadline and outcome (and the rule of a deemed consent), the notice,
    the return for correction, the decision or the refusal."""
    steps = [Step("filed", case.filed_at, _("Filed"))]
    if case.missing:
        steps.append(Step("returned", None, _("Returned for missing materials"), detail=list(case.missing)))
    if case.accepted_at:
        steps.append(Step("accepted", case.accepted_at, pgettext("approval case", "Accepted")))
    for review in reviews_seen(user=user, case=case):
        steps.append(Step("review", review.decided_at, str(review.department), state=review.state, review=review))
    if case.correction_at:
        detail = [case.correction_note] if case.correction_note else []
        steps.append(Step("correction", case.correction_at, _("Returned for correction"), detail=detail))
    notice = PublicNotice.objects.filter(case=case).first()
    if notice:
        steps.append(
            Step(
                "notice",
                notice.starts_at,
                _("Public notice"),
                detail=[beijing_time(notice.starts_at), beijing_time(notice.ends_at)],
            )
        )
    decision = getattr(case, "decision", None)
    if decision is not None:
        label = _("Consolidated decision %(number)s") % {"number": decision.number}
        steps.append(Step("decided", decision.issued_at, label))
    if case.state == CaseState.REFUSED:
        steps.append(Step("refused", case.closed_at, _("Refused"), detail=[case.refusal_reason]))
    return steps


def rules_applying(*, case: ApprovalCase) -> list[str]:
    """The deadline rules that apply to this case, explained: public safety's (no deemed consent) on a case
    that touches it; otherwise deemed consent for a department that joined and does not answer, and for one
    that has not joined, as far as the case has such departments (or such a rule fired). None before the
    window accepts the case."""
    reviews = list(case.reviews.select_related("department"))
    if not reviews:
        return []
    rules: set[str] = set()
    if case.public_safety:
        rules.add(DeadlineRule.PUBLIC_SAFETY)
    else:
        rules.update(review.rule for review in reviews if review.rule)
        for review in reviews:
            if review.state == ReviewState.PENDING:
                joined = review.department.organisation_id is not None
                rules.add(DeadlineRule.OVERDUE if joined else DeadlineRule.ABSENT)
    return [str(sentence) for rule, sentence in RULES_EXPLAINED.items() if rule in rules]


def objections(*, case: ApprovalCase) -> list[DepartmentReview]:
    """The departments' objections to a case, for the window's decision and the applicant's correction."""
    return list(
        case.reviews.filter(state=ReviewState.OBJECTED).select_related("department").order_by("department__code")
    )


def refusal_proposed(*, case: ApprovalCase) -> str:
    """The reasons the window's refusal form proposes: each objection, quoted in the reader's language."""
    return "\n".join(
        str(OPINION_OF) % {"department": review.department, "opinion": review.opinion}
        for review in objections(case=case)
    )
