"""The approval flow's states, rules and notification kinds, named once (NetBox choices.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from singlewindow.notification_kinds import NotificationKind


class StageCode(models.TextChoices):
    """The four stages of an investment project (seed case 5, Fujian Pingtan): each one form, one window,
    parallel review, one consolidated decision."""

    SITE_LAND = "site_land", _("Site selection and land use")
    APPRAISAL = "appraisal", _("Project appraisal and approval or filing")
    DESIGN = "design", _("Design review and construction permit")
    ACCEPTANCE = "acceptance", _("Joint completion acceptance")


class CaseState(models.TextChoices):
    FILED = "filed", _("Filed, awaiting acceptance")
    RETURNED = "returned", _("Returned: materials missing")
    IN_REVIEW = "in_review", _("In parallel review")
    # Every review is in and at least one department objected: the approval bureau (the window) returns
    # the case for correction or refuses it; no single department closes a case (seed case 5).
    OBJECTED = "objected", _("Objected: awaiting the approval bureau")
    CORRECTION = "correction", _("Returned for correction")
    PUBLIC_NOTICE = "public_notice", _("In public notice")
    AWAITING_DECISION = "awaiting_decision", _("Awaiting the decision")
    DECIDED = "decided", _("Approved: decision issued")
    REFUSED = "refused", _("Refused")


class ReviewState(models.TextChoices):
    PENDING = "pending", _("Awaiting the department's opinion")
    APPROVED = "approved", _("Approved")
    OBJECTED = "objected", _("Objected")
    DEEMED_CONSENT_OVERDUE = "deemed_overdue", _("Deemed to consent: overdue")
    DEEMED_CONSENT_ABSENT = "deemed_absent", _("Deemed to consent: absent")
    ESCALATED = "escalated", _("Overdue, escalated: touches public safety")


POSITIVE = (ReviewState.APPROVED, ReviewState.DEEMED_CONSENT_OVERDUE, ReviewState.DEEMED_CONSENT_ABSENT)
# A review that missed its deadline (performance warnings count these): deemed consent of a department
# that joined but did not answer, or escalation where public safety forbids deeming.
OVERDUE = (ReviewState.DEEMED_CONSENT_OVERDUE, ReviewState.ESCALATED)


class DeadlineRule(models.TextChoices):
    """The rule that fired when a department's deadline passed without its opinion (case 5, 超时默认 /
    缺席默认: deemed consent unless the item touches public safety or the public interest)."""

    OVERDUE = "overdue", _("Overdue: deemed consent")
    ABSENT = "absent", _("Absent: deemed consent")
    PUBLIC_SAFETY = "public_safety", _("Public safety: escalated")


RULES_EXPLAINED = {
    DeadlineRule.OVERDUE: _("A department that gives no opinion by its deadline is deemed to consent."),
    DeadlineRule.ABSENT: _("A department that has not joined the joint review is deemed to consent at its deadline."),
    DeadlineRule.PUBLIC_SAFETY: _(
        "The project touches public safety: there is no deemed consent; the case waits for the department's "
        "opinion and the supervisors are told."
    ),
}

# A department's opinion quoted in running text (a refusal's reasons, a notification), with the
# language's own punctuation (zh: full-width colon).
OPINION_OF = _("%(department)s: %(opinion)s")


class WarningPeriod(models.TextChoices):
    MONTH = "month", _("Calendar month (3 overdue reviews)")
    QUARTER = "quarter", _("Quarter (5 overdue reviews)")


class ApprovalAction(models.TextChoices):
    """What the audit trail records about a case, its reviews, public notice and decision."""

    CASE_FILED = "approvals.case_filed", _("Case filed")
    CASE_RETURNED = "approvals.case_returned", _("Returned: materials missing")
    CASE_RESUBMITTED = "approvals.case_resubmitted", _("Case filed again")
    CASE_ACCEPTED = "approvals.case_accepted", _("Case accepted")
    REVIEW_GIVEN = "approvals.review_given", _("Department's opinion given")
    REVIEW_DEEMED_OVERDUE = "approvals.review_deemed_overdue", _("Deemed to consent: overdue")
    REVIEW_DEEMED_ABSENT = "approvals.review_deemed_absent", _("Deemed to consent: absent")
    REVIEW_ESCALATED = "approvals.review_escalated", _("Overdue, escalated: touches public safety")
    CASE_OBJECTED = "approvals.case_objected", _("Objected: awaiting the approval bureau")
    CASE_RETURNED_FOR_CORRECTION = "approvals.case_returned_for_correction", _("Returned for correction")
    CASE_CORRECTED = "approvals.case_corrected", _("Case corrected")
    CASE_REFUSED = "approvals.case_refused", _("Case refused")
    NOTICE_STARTED = "approvals.notice_started", _("Public notice started")
    CASE_IN_NOTICE = "approvals.case_in_notice", _("In public notice")
    NOTICE_ENDED = "approvals.notice_ended", _("Public notice ended")
    DECISION_ISSUED = "approvals.decision_issued", _("Consolidated decision issued")
    CASE_DECIDED = "approvals.case_decided", _("Approved: decision issued")
    WARNING_RAISED = "approvals.warning_raised", _("Performance warning")


FILED = NotificationKind(
    "approval_filed",
    _("Approval application filed"),
    _("Case %(case)s (%(project)s) was filed by %(applicant)s: check it, then accept or return it."),
)
REVIEW_REQUESTED = NotificationKind(
    "approval_review_requested",
    _("Approval to review"),
    _("Case %(case)s (%(project)s) awaits your department's opinion by %(due)s."),
)
REVIEW_DUE = NotificationKind(
    "approval_review_due",
    _("Approval review due soon"),
    _("Your department's opinion on case %(case)s (%(project)s) is due by %(due)s."),
)
DEEMED = NotificationKind(
    "approval_deemed",
    _("Deemed consent"),
    _("%(department)s gave no opinion on case %(case)s by %(due)s: deemed to consent (%(rule)s)."),
)
ESCALATED = NotificationKind(
    "approval_escalated",
    _("Approval escalated"),
    _("%(department)s gave no opinion on case %(case)s by %(due)s and it touches public safety: the case waits."),
)
RETURNED = NotificationKind(
    "approval_returned",
    _("Approval application returned"),
    _("Case %(case)s was returned; supply everything missing at once: %(missing)s"),
)
OBJECTION = NotificationKind(
    "approval_objection",
    _("Objection to an approval"),
    _("%(department)s objected to case %(case)s (%(project)s); the other departments' reviews go on, then the "
      "approval bureau returns the case for correction or refuses it. The objection: %(opinion)s"),
)  # fmt: skip
OBJECTIONS_IN = NotificationKind(
    "approval_objections_in",
    _("Approval awaiting the approval bureau"),
    _("Every department has given its opinion on case %(case)s (%(project)s), with objections from "
      "%(departments)s: the approval bureau returns it for correction or refuses it."),
)  # fmt: skip
CORRECTION = NotificationKind(
    "approval_correction",
    _("Approval returned for correction"),
    _("Case %(case)s is returned for correction: amend the form and materials as the departments' opinions ask "
      "and file it again. %(note)s"),
)  # fmt: skip
CORRECTED = NotificationKind(
    "approval_corrected",
    _("Approval corrected"),
    _("Case %(case)s (%(project)s) was corrected and filed again: the departments that objected review it again."),
)
REFUSED = NotificationKind("approval_refused", _("Approval refused"), _("Case %(case)s was refused: %(reason)s"))
NOTICE_STARTED = NotificationKind(
    "approval_notice",
    _("Approval in public notice"),
    _("Every department consents to case %(case)s; it is in public notice until %(end)s."),
)
READY = NotificationKind(
    "approval_ready",
    _("Approval ready for decision"),
    _("The public notice of case %(case)s has ended: issue the consolidated decision."),
)
DECIDED = NotificationKind(
    "approval_decided",
    _("Consolidated decision issued"),
    _("Consolidated decision %(number)s on case %(case)s is issued; print it."),
)
WARNING = NotificationKind(
    "approval_warning",
    _("Performance warning"),
    _("%(department)s has missed %(count)s review deadlines in the period from %(start)s: performance warning."),
)
NOTIFICATION_KINDS = (
    FILED, REVIEW_REQUESTED, REVIEW_DUE, DEEMED, ESCALATED, RETURNED, OBJECTION, OBJECTIONS_IN, CORRECTION, CORRECTED,
    REFUSED, NOTICE_STARTED, READY, DECIDED, WARNING,
)  # fmt: skip
