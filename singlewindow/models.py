"""Organisations, the users who act for them, the audit trail and number sequences."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .choices import Agency, DelegationStatus, OrganisationKind, Role
from .notification_kinds import kind_choices, message
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
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default="zh-hans",
        help_text=_("The language of the emails the portal sends this user."),
    )

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


class Delegation(models.Model):
    """A client enterprise lets a customs broker prepare (and, if allowed, submit) its declarations of
    some kinds for a period (electronic entrustment, 电子委托). Either side proposes; the other confirms."""

    client = models.ForeignKey(
        Organisation, verbose_name=_("client"), on_delete=models.PROTECT, related_name="delegations_given"
    )
    broker = models.ForeignKey(
        Organisation, verbose_name=_("customs broker"), on_delete=models.PROTECT, related_name="delegations_held"
    )
    kinds = models.JSONField(_("declaration kinds"), default=list, blank=True, help_text=_("Empty: every kind."))
    may_submit = models.BooleanField(_("may submit"), default=False)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(
        _("status"), max_length=12, choices=DelegationStatus.choices, default=DelegationStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gte=F("valid_from")), name="delegation_period_ordered"),
            models.CheckConstraint(condition=~Q(client=F("broker")), name="delegation_two_parties"),
            models.CheckConstraint(condition=Q(status__in=DelegationStatus.values), name="delegation_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.client} → {self.broker}"


class TrustedBroker(models.Model):
    """A client confirms this broker's delegation requests automatically."""

    client = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="trusted_brokers")
    broker = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "broker"], name="trustedbroker_unique")]

    def __str__(self) -> str:
        return f"{self.client} trusts {self.broker}"


class Notification(models.Model):
    """Something a user should know about, shown in the portal and sent by email. The message is
    rendered when read, in the reader's language, from its kind and parameters."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=kind_choices)
    params = models.JSONField(_("details"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.message

    @property
    def message(self) -> str:
        return message(self.kind, self.params)
