"""The "four ones" approval (seed case 5): one form, one window, parallel review, one decision.

A `Stage` names the departments it needs and each one's deadline in working days; an `ApprovalCase` is
one application to one stage, with one `DepartmentReview` per department once the window accepts it;
when every review consents (or is deemed to) a `PublicNotice` of 5 working days runs, then the window
issues one `Decision`; when every review is in and one objects, the window returns the case for
correction (the objectors review it again) or refuses it. `PerformanceWarning` records a department's overdue reviews per month and quarter.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from singlewindow.languages import in_reader_language
from singlewindow.models import Organisation
from singlewindow.notification_kinds import in_both

from .choices import CaseState, DeadlineRule, ReviewState, StageCode, WarningPeriod


class Department(models.Model):
    """A functional department taking part in joint review (planning, land, environment…), or the
    window: the administrative approval bureau that accepts applications and issues decisions. Its
    officers are the users of its organisation (kind agency); one without an organisation has not joined
    the platform, and its reviews are deemed consent at their deadline (缺席默认)."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="approval_departments", help_text=_("Empty: the department has not joined the joint review."),
    )  # fmt: skip
    is_window = models.BooleanField(_("intake window"), default=False)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["-is_window", "code"]
        constraints = [
            models.UniqueConstraint(fields=["is_window"], condition=Q(is_window=True), name="approvals_one_window"),
        ]

    def __str__(self) -> str:
        return in_reader_language(self.name, self.name_en)

    @property
    def name_in_both(self) -> dict[str, str]:
        """Its name as a notification's parameter, read in the reader's language."""
        return in_both(self.name, self.name_en)


class Stage(models.Model):
    code = models.CharField(_("code"), max_length=20, choices=StageCode.choices, unique=True)
    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name = models.CharField(_("name"), max_length=100)  # the decision's fixed bilingual wording
    name_en = models.CharField(_("English name"), max_length=150)
    materials = models.JSONField(_("materials"), default=list, help_text=_("What the one form comes with."))
    materials_en = models.JSONField(
        _("materials in English"), default=list, blank=True,
        help_text=_("The English names of the materials, in the same order."),
    )  # fmt: skip
    notice_workdays = models.PositiveSmallIntegerField(_("public notice (working days)"), default=5)
    departments = models.ManyToManyField(Department, through="StageDepartment", related_name="stages")

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["number"]

    def __str__(self) -> str:
        return in_reader_language(self.name, self.name_en)

    def material_label(self, item: str) -> str:
        """A material (stored, and ticked on the form, by its Chinese name) in the reader's language."""
        english = dict(zip(self.materials, self.materials_en, strict=False))
        return in_reader_language(item, english.get(item, ""))

    @property
    def materials_shown(self) -> list[tuple[str, str]]:
        """The stage's materials as (stored name, name in the reader's language)."""
        return [(item, self.material_label(item)) for item in self.materials]


class StageDepartment(models.Model):
    """A department a stage needs, the items it reviews and its deadline."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="needs")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    items = models.CharField(_("approval items"), max_length=300)
    items_en = models.CharField(_("approval items in English"), max_length=400, blank=True)
    workdays = models.PositiveSmallIntegerField(_("deadline (working days)"))

    class Meta:
        verbose_name = _("department of a stage")
        verbose_name_plural = _("departments of a stage")
        constraints = [
            models.UniqueConstraint(fields=["stage", "department"], name="approvals_stage_department_once"),
            models.CheckConstraint(condition=Q(workdays__gte=1), name="approvals_stage_deadline_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.stage} · {self.department}"

    @property
    def items_shown(self) -> str:
        return in_reader_language(self.items, self.items_en)


class ApprovalCase(models.Model):
    """One application (the one form) to one stage, by one enterprise."""

    number = models.CharField(_("case number"), max_length=20, unique=True)
    applicant = models.ForeignKey(Organisation, verbose_name=_("applicant"), on_delete=models.PROTECT,
                                  related_name="approval_cases")  # fmt: skip
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT,
                                 related_name="+")  # fmt: skip
    stage = models.ForeignKey(Stage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="cases")
    project_name = models.CharField(_("project name"), max_length=200)
    project_code = models.CharField(_("project code"), max_length=40, blank=True)
    form = models.JSONField(_("application form"), default=dict)
    form_digest = models.CharField(_("form digest"), max_length=64)
    public_safety = models.BooleanField(
        _("touches public safety"), default=False,
        help_text=_("No deemed consent: an overdue department is escalated and the case waits."),
    )  # fmt: skip
    state = models.CharField(_("state"), max_length=20, choices=CaseState.choices, default=CaseState.FILED)
    missing = models.JSONField(_("missing materials"), default=list, blank=True)
    return_note = models.CharField(_("note"), max_length=1000, blank=True)
    refusal_reason = models.CharField(_("reason for refusal"), max_length=2000, blank=True)
    correction_note = models.CharField(_("what to correct"), max_length=1000, blank=True)
    correction_at = models.DateTimeField(_("returned for correction"), null=True, blank=True)
    filed_at = models.DateTimeField(_("filed"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("accepted by"), on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")  # fmt: skip
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("approval case")
        verbose_name_plural = _("approval cases")
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=CaseState.values), name="approvals_case_state_valid"),
        ]
        indexes = [models.Index(fields=["state"], name="approvals_case_by_state")]

    def __str__(self) -> str:
        return f"{self.number} {self.project_name}"

    @property
    def materials_shown(self) -> list[str]:
        """The materials the form came with, in the reader's language."""
        return [self.stage.material_label(item) for item in self.form.get("materials", [])]

    @property
    def materials_text(self) -> str:
        """The same as one line, with the language's own list separator."""
        return in_reader_language("、", ", ").join(self.materials_shown)


class DepartmentReview(models.Model):
    """One department's part of a case: its opinion by its deadline, or the rule that fired at it."""

    case = models.ForeignKey(ApprovalCase, on_delete=models.CASCADE, related_name="reviews")
    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT,
                                   related_name="reviews")  # fmt: skip
    items = models.CharField(_("approval items"), max_length=300)
    items_en = models.CharField(_("approval items in English"), max_length=400, blank=True)
    workdays = models.PositiveSmallIntegerField(_("deadline (working days)"))
    due_at = models.DateTimeField(_("due"))
    state = models.CharField(_("state"), max_length=20, choices=ReviewState.choices, default=ReviewState.PENDING)
    rule = models.CharField(_("rule that fired"), max_length=20, choices=DeadlineRule.choices, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")  # fmt: skip
    opinion = models.CharField(_("opinion"), max_length=2000, blank=True)
    earlier_opinion = models.CharField(
        _("earlier objection"), max_length=2000, blank=True,
        help_text=_("The department's objection before the case was corrected and filed again."),
    )  # fmt: skip
    late_seconds = models.FloatField(_("fired after the deadline (s)"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("department review")
        verbose_name_plural = _("department reviews")
        ordering = ["due_at", "department__code"]
        constraints = [
            models.UniqueConstraint(fields=["case", "department"], name="approvals_review_once_per_department"),
            models.CheckConstraint(condition=Q(state__in=ReviewState.values), name="approvals_review_state_valid"),
            # A deemed consent or an escalation always says which rule fired; an opinion never has one.
            models.CheckConstraint(
                condition=(Q(state=ReviewState.DEEMED_CONSENT_OVERDUE) & Q(rule=DeadlineRule.OVERDUE))
                | (Q(state=ReviewState.DEEMED_CONSENT_ABSENT) & Q(rule=DeadlineRule.ABSENT))
                | (Q(state=ReviewState.ESCALATED) & Q(rule=DeadlineRule.PUBLIC_SAFETY))
                | (Q(state__in=[ReviewState.PENDING, ReviewState.APPROVED, ReviewState.OBJECTED]) & Q(rule="")),
                name="approvals_review_rule_matches_state",
            ),
        ]
        indexes = [models.Index(fields=["state", "due_at"], name="approvals_review_due")]

    def __str__(self) -> str:
        return f"{self.case.number} {self.department}"

    @property
    def items_shown(self) -> str:
        return in_reader_language(self.items, self.items_en)


class PublicNotice(models.Model):
    """The 5-working-day public notice (集中公示) before the decision; public while it runs."""

    case = models.OneToOneField(ApprovalCase, on_delete=models.CASCADE, related_name="notice")
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)

    class Meta:
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="approvals_notice_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.case.number} {self.starts_at:%Y-%m-%d}–{self.ends_at:%Y-%m-%d}"


class Decision(models.Model):
    """The consolidated approval decision (综合审批决定书): its facts as issued and their digest; the PDF
    is rendered from the stored facts, its QR code verifies them."""

    case = models.OneToOneField(ApprovalCase, on_delete=models.PROTECT, related_name="decision")
    number = models.CharField(_("decision number"), max_length=30, unique=True)
    facts = models.JSONField(_("facts"))
    digest = models.CharField(max_length=64)
    issued_at = models.DateTimeField(_("issued"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("consolidated decision")
        verbose_name_plural = _("consolidated decisions")
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return self.number


class PerformanceWarning(models.Model):
    """A performance warning (行政效能告诫): a department missed 3 deadlines in a calendar month or 5 in
    a quarter; raised once per department, period and threshold."""

    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT,
                                   related_name="warnings")  # fmt: skip
    period = models.CharField(_("period"), max_length=10, choices=WarningPeriod.choices)
    period_start = models.DateField(_("period from"))
    count = models.PositiveSmallIntegerField(_("overdue reviews"))
    raised_at = models.DateTimeField(_("raised"))

    class Meta:
        verbose_name = _("performance warning")
        verbose_name_plural = _("performance warnings")
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["department", "period", "period_start"], name="approvals_warning_once"),
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.period} {self.period_start}"
