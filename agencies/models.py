"""Receipts the portal could not read are kept here for operators, never dropped; and each agency's
circuit breaker, which tells whether the agency is answering."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import CircuitState


class ReceiptBatch(models.Model):
    """A verified, readable batch of receipts, kept until its events are recorded (by a task), so an
    answered 202 is never lost even if the broker or a worker is."""

    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    agency = models.CharField(_("signed by"), max_length=20, blank=True)
    body = models.BinaryField(_("body"))
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True, db_index=True)
    # Its task is queued until then; after it, the sweep queues it again (agencies/receipts.py: batches_due).
    lease_until = models.DateTimeField(_("queued until"), default=timezone.now)

    class Meta:
        verbose_name = _("receipt batch")
        verbose_name_plural = _("receipt batches")

    def __str__(self) -> str:
        return f"#{self.pk} {self.received_at:%Y-%m-%d %H:%M:%S}"


class QuarantinedReceipt(models.Model):
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    body = models.BinaryField(_("body"))
    reason = models.CharField(_("reason"), max_length=500)
    agency = models.CharField(_("signed by"), max_length=20, blank=True)
    remote_addr = models.CharField(_("sender"), max_length=64, blank=True)
    resolved = models.BooleanField(_("resolved"), default=False)

    class Meta:
        verbose_name = _("quarantined receipt")
        verbose_name_plural = _("quarantined receipts")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.received_at:%Y-%m-%d %H:%M:%S} {self.reason[:60]}"


class AgencyHealth(models.Model):
    """One agency's circuit breaker (agencies/circuit.py): failures in a row, and whether its branches are
    sent (closed) or wait for it to answer again (open; half open while one branch is tried). Changed only
    by conditional updates, so workers racing on it agree."""

    agency = models.CharField(_("agency"), max_length=20, unique=True)
    state = models.CharField(_("state"), max_length=10, choices=CircuitState.choices, default=CircuitState.CLOSED)
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    opened_at = models.DateTimeField(_("unreachable since"), null=True, blank=True)
    last_probe_at = models.DateTimeField(_("last tried"), null=True, blank=True)
    alerted_at = models.DateTimeField(_("operators alerted"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("agency health")
        verbose_name_plural = _("agency health")
        ordering = ["agency"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state=CircuitState.CLOSED) | models.Q(failing_since__isnull=False),
                name="agencyhealth_open_has_failing_since",
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency}: {self.state}"
