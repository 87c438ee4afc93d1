"""Receipts the portal could not read are kept here for operators: never dropped."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReceiptBatch(models.Model):
    """A verified, readable batch of receipts, kept until its events are recorded (by a task), so an
    answered 202 is never lost even if the broker or a worker is."""

    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    body = models.BinaryField(_("body"))
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("receipt batch")
        verbose_name_plural = _("receipt batches")

    def __str__(self) -> str:
        return f"#{self.pk} {self.received_at:%Y-%m-%d %H:%M:%S}"


class QuarantinedReceipt(models.Model):
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    body = models.BinaryField(_("body"))
    reason = models.CharField(_("reason"), max_length=500)
    remote_addr = models.CharField(_("sender"), max_length=64, blank=True)
    resolved = models.BooleanField(_("resolved"), default=False)

    class Meta:
        verbose_name = _("quarantined receipt")
        verbose_name_plural = _("quarantined receipts")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.received_at:%Y-%m-%d %H:%M:%S} {self.reason[:60]}"
