"""Enterprise qualifications (S7). Licences and approvals arrive with their own issue."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from singlewindow.models import Organisation


class QualificationKind(models.TextChoices):
    FOREIGN_TRADE_OPERATOR = "foreign_trade_operator", _("Foreign trade operator filing")
    CUSTOMS_DECLARANT = "customs_declarant", _("Customs declarant registration")
    INSPECTION_REGISTRATION = "inspection_registration", _("Inspection registration")


class Qualification(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="qualifications"
    )
    kind = models.CharField(_("qualification"), max_length=30, choices=QualificationKind.choices)
    number = models.CharField(_("registration number"), max_length=40)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    revoked = models.BooleanField(_("revoked"), default=False)

    class Meta:
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        ordering = ["organisation", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="qualification_unique_number"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="qualification_validity_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"
