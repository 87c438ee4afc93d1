"""Credit records, versioned classification schemes, and the classes they give each enterprise."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from singlewindow.choices import Agency

from .choices import AppealKind, AppealState, Channel, Outcome, PenaltyType, RecordKind, RecordState, Severity


class CreditRecord(models.Model):
    """One fact an agency reported about an enterprise. Never edited: a correction is a state change with
    its audit entry; an agency's record id is stored once."""

    uscc = models.CharField(_("unified social credit code"), max_length=18, db_index=True)
    source_agency = models.CharField(_("source agency"), max_length=20, choices=Agency.choices)
    record_id = models.CharField(_("the agency's record id"), max_length=64)
    kind = models.CharField(_("kind"), max_length=20, choices=RecordKind.choices)
    penalty_type = models.CharField(_("penalty type"), max_length=20, choices=PenaltyType.choices, blank=True)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, default=Severity.MINOR)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.ADVERSE)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=16, decimal_places=2, null=True, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    decided_at = models.DateField(_("decided on"))
    publish_until = models.DateField(_("published until"), null=True, blank=True)
    public = models.BooleanField(_("public"), default=True)
    state = models.CharField(_("state"), max_length=10, choices=RecordState.choices, default=RecordState.PUBLISHED)
    channel = models.CharField(_("received through"), max_length=12, choices=Channel.choices)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("credit record")
        verbose_name_plural = _("credit records")
        ordering = ["uscc", "-decided_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["source_agency", "record_id"], name="credit_record_once_per_agency"),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="credit_amount_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["uscc", "kind", "decided_at"], name="credit_record_by_firm")]

    def __str__(self) -> str:
        return f"{self.uscc} {self.kind} {self.decided_at}"


class Scheme(models.Model):
    """A classification scheme, as data: the rules change (customs went from three classes in 2014 to five in
    2026), so a new version is a new row; the firm's history keeps which version classed it."""

    key = models.CharField(_("scheme"), max_length=20)  # "public", "customs"
    version = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=100)
    effective_from = models.DateField(_("effective from"))
    rules = models.JSONField(_("rules"))

    class Meta:
        verbose_name = _("classification scheme")
        verbose_name_plural = _("classification schemes")
        ordering = ["key", "-version"]
        constraints = [models.UniqueConstraint(fields=["key", "version"], name="scheme_version_once")]

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"


class Classification(models.Model):
    """An enterprise's class under one scheme version from a moment on, with the rule and the records that
    put it there. Rows are only added; the latest per firm and scheme is the current one."""

    uscc = models.CharField(_("unified social credit code"), max_length=18)
    scheme_key = models.CharField(_("scheme"), max_length=20)
    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme version"), on_delete=models.PROTECT, related_name="+")
    klass = models.CharField(_("class"), max_length=30)
    rule = models.CharField(_("rule"), max_length=60, blank=True)
    evidence = models.JSONField(_("records"), default=list, blank=True)  # CreditRecord ids
    decided_at = models.DateTimeField(_("decided"), auto_now_add=True)
    current = models.BooleanField(_("current"), default=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("credit class")
        verbose_name_plural = _("credit classes")
        ordering = ["uscc", "-decided_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["uscc", "scheme_key"], condition=Q(current=True), name="one_current_class_per_scheme"
            )
        ]
        indexes = [models.Index(fields=["uscc", "current"], name="credit_class_current")]

    def __str__(self) -> str:
        return f"{self.uscc} {self.klass}"


class Appeal(models.Model):
    """A firm's objection to one of its records, or its application to repair its credit after the waiting
    period; decided by an officer of the agency the record came from. Rows are only added and decided."""

    kind = models.CharField(_("kind"), max_length=10, choices=AppealKind.choices)
    record = models.ForeignKey(
        CreditRecord, verbose_name=_("credit record"), on_delete=models.PROTECT, related_name="appeals"
    )
    reason = models.TextField(_("reason"), max_length=2000)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(_("filed"), auto_now_add=True)
    due_on = models.DateField(_("answer due"))
    state = models.CharField(_("state"), max_length=10, choices=AppealState.choices, default=AppealState.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision = models.TextField(_("decision"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("objection or repair")
        verbose_name_plural = _("objections and repairs")
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["record"], condition=Q(state="pending"), name="credit_one_open_appeal_per_record"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.record_id}"
