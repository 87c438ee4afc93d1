"""Organisations, the users who act for them, the audit trail and number sequences."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import Agency, OrganisationKind, Role
from .validators import validate_uscc


class Organisation(models.Model):
    """The enterprise master record (S7), also used for brokers, agencies and ship agencies."""

    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True, validators=[validate_uscc])
    agency = models.CharField(
        _("agency"), max_length=20, choices=Agency.choices, blank=True, help_text=_("For agencies only.")
    )
    customs_code = models.CharField(
        _("customs registration code"), max_length=10, blank=True, help_text=_("10 characters.")
    )
    inspection_code = models.CharField(
        _("inspection registration code"), max_length=10, blank=True, help_text=_("10 digits.")
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=OrganisationKind.AGENCY) & ~Q(agency=""))
                | (~Q(kind=OrganisationKind.AGENCY) & Q(agency="")),
                name="organisation_agency_iff_agency_kind",
            ),
            models.CheckConstraint(condition=Q(uscc__regex=r"^[0-9A-Z]{18}$"), name="organisation_uscc_format"),
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person; acts for exactly one organisation, with one role."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        related_name="users",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.DECLARANT)

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")  # type: ignore[assignment]
        verbose_name_plural = _("users")  # type: ignore[assignment]

    @property
    def agency(self) -> str:
        """The agency this user's organisation is, or '' for everyone else."""
        return self.organisation.agency if self.organisation_id else ""  # type: ignore[union-attr]


class AuditEntry(models.Model):
    """One state change: who, when, what, before and after. Rows are only ever added."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=60)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=40)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.object_type}#{self.object_id}"


class Sequence(models.Model):
    """A named counter, advanced under a row lock (pre-entry numbers, certificate numbers…)."""

    name = models.CharField(max_length=60, unique=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.value}"
