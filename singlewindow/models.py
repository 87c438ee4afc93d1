"""Organisations, the users who act for them, the audit trail and number sequences; the enterprise electronic
licence (its administrators, agents' grants, signing keys, signatures and presentation QR codes)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import Agency, DelegationStatus, Matter, OrganisationKind, Role, SigningCapacity
from .notification_kinds import in_both, kind_choices, message
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

    @property
    def name_in_both(self) -> dict[str, str]:
        """Its name as a notification's parameter: its English name for an English reader, where it has one."""
        return in_both(self.name, self.name_en)


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


class Entrustment(models.Model):
    """What every relation one firm grants another has: proposed by one side, confirmed by the other,
    in force between two days until revoked (a delegation to a customs broker; a foreign-trade agent's
    relation to the user unit it trades for). `PARTIES` names the two party fields."""

    PARTIES: ClassVar[tuple[str, str]]

    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(
        _("status"), max_length=12, choices=DelegationStatus.choices, default=DelegationStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gte=F("valid_from")), name="%(class)s_period_ordered"),
            models.CheckConstraint(condition=Q(status__in=DelegationStatus.values), name="%(class)s_status_valid"),
        ]

    def party_ids(self) -> tuple[int, int]:
        first, second = self.PARTIES
        return getattr(self, f"{first}_id"), getattr(self, f"{second}_id")


class Delegation(Entrustment):
    """A client enterprise lets a customs broker prepare (and, if allowed, submit) its declarations of
    some kinds for a period (electronic entrustment, 电子委托). Either side proposes; the other confirms."""

    PARTIES = ("client", "broker")

    client = models.ForeignKey(
        Organisation, verbose_name=_("client"), on_delete=models.PROTECT, related_name="delegations_given"
    )
    broker = models.ForeignKey(
        Organisation, verbose_name=_("customs broker"), on_delete=models.PROTECT, related_name="delegations_held"
    )
    kinds = models.JSONField(_("declaration kinds"), default=list, blank=True, help_text=_("Empty: every kind."))
    may_submit = models.BooleanField(_("may submit"), default=False)

    class Meta(Entrustment.Meta):
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        constraints = [
            *Entrustment.Meta.constraints,
            models.CheckConstraint(condition=~Q(client=F("broker")), name="delegation_two_parties"),
        ]

    def __str__(self) -> str:
        return f"{self.client} → {self.broker}"


class AgentRelation(Entrustment):
    """A foreign-trade agent imports (or exports) for a user unit (代理进出口): the agent is the domestic
    consignee of the declaration, the user unit its consumer/producer unit. Either side proposes; the
    other confirms; without one in force a declaration names no other firm as its user unit."""

    PARTIES = ("agent", "user_unit")

    agent = models.ForeignKey(
        Organisation, verbose_name=_("foreign-trade agent"), on_delete=models.PROTECT, related_name="agent_relations"
    )
    user_unit = models.ForeignKey(
        Organisation, verbose_name=_("consumer/producer unit"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta(Entrustment.Meta):
        verbose_name = _("agent relation")
        verbose_name_plural = _("agent relations")
        constraints = [
            *Entrustment.Meta.constraints,
            models.CheckConstraint(condition=~Q(agent=F("user_unit")), name="agentrelation_two_parties"),
        ]

    def __str__(self) -> str:
        return f"{self.agent} → {self.user_unit}"


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


class ApiToken(models.Model):
    """A key an ERP authenticates its API requests with, on behalf of one user. Only the key's SHA-256
    digest is kept: the key is shown once, when it is made. It stops working when it expires
    (API_TOKEN_DAYS after it was made) or when its owner revokes it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, blank=True, help_text=_("What uses it, e.g. the ERP."))
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("starts with"), max_length=8)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__gt=F("created_at")), name="apitoken_expires_after_made")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name or self.user})"


class IdempotentRequest(models.Model):
    """An API request an organisation made with an `Idempotency-Key` header (singlewindow/idempotency.py)
    and, once done, its answer: a retry with the same key gets that answer again instead of a second
    submission. Kept IDEMPOTENCY_KEY_HOURS."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("idempotency key"), max_length=255)
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=500)
    body_digest = models.CharField(_("request digest"), max_length=64)  # SHA-256 of method, path and body
    status = models.PositiveSmallIntegerField(_("answer status"), null=True, blank=True)  # None: in progress
    response = models.JSONField(_("answer"), null=True, blank=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("made"), db_index=True)

    class Meta:
        verbose_name = _("idempotent request")
        verbose_name_plural = _("idempotent requests")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="idempotentrequest_one_per_key"),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"


# The enterprise electronic licence (电子证照, S12) --------------------------------------------------------

MAX_ADMINISTRATORS = 5  # licence administrators (证照管理员) per enterprise, SAMR's rule


class ELicence(models.Model):
    """The organisation's electronic licence: its identity when its people sign. Held by the legal
    representative's account (the first manager by default), who names up to 5 administrators; they
    grant agents authority (`AgentGrant`). Revoked, nobody signs for the organisation any more."""

    organisation = models.OneToOneField(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="elicence"
    )
    legal_representative = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("legal representative"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("electronic licence")
        verbose_name_plural = _("electronic licences")

    def __str__(self) -> str:
        return str(self.organisation)


class ELicenceAdministrator(models.Model):
    """One of the licence's administrators (at most 5: each holds one of 5 seats, so the database refuses a
    sixth whatever the code does)."""

    licence = models.ForeignKey(ELicence, on_delete=models.CASCADE, related_name="administrators")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    seat = models.PositiveSmallIntegerField(_("seat"))
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("licence administrator")
        verbose_name_plural = _("licence administrators")
        ordering = ["seat"]
        constraints = [
            models.UniqueConstraint(fields=["licence", "person"], name="elicenceadministrator_once"),
            models.UniqueConstraint(fields=["licence", "seat"], name="elicenceadministrator_seat_once"),
            models.CheckConstraint(
                condition=Q(seat__gte=1, seat__lte=MAX_ADMINISTRATORS), name="elicenceadministrator_at_most_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.licence})"


class AgentGrant(models.Model):
    """An administrator lets a person of the organisation (a clerk; at a broker, its staff) act and sign for
    it: for every matter or for named ones, between two days, until revoked (at once)."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="agent_grants"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.PROTECT, related_name="agent_grants"
    )
    full = models.BooleanField(_("every matter"), default=True)
    matters = models.JSONField(_("matters"), default=list, blank=True, help_text=_("When not every matter."))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    granted_by = models.ForeignKey(  # None: granted when the licence was introduced (data migration)
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(_("granted"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("agent grant")
        verbose_name_plural = _("agent grants")
        ordering = ["-granted_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gte=F("valid_from")), name="agentgrant_period_ordered"),
            models.CheckConstraint(
                condition=Q(full=True, matters=[]) | (Q(full=False) & ~Q(matters=[])),
                name="agentgrant_full_or_named_matters",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.person} ({self.organisation})"

    def covers(self, matter: str) -> bool:
        return self.full or matter in self.matters

    @property
    def matter_labels(self) -> list[str]:
        names = dict(Matter.choices)
        return [str(names.get(m, m)) for m in self.matters]


class SigningKey(models.Model):
    """A person's signing key pair. The public key is kept in clear (anyone may verify); the private key
    sealed with a key derived from SECRET_KEY (singlewindow/elicence_keys.py). A real deployment keeps the
    private key on the person's device (a USB key, the e-licence app) or in an HSM and never sees it."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT, related_name="signing_keys"
    )
    algorithm = models.CharField(_("algorithm"), max_length=20)
    public_key = models.CharField(_("public key"), max_length=200)
    key_id = models.CharField(_("key id"), max_length=16, unique=True)
    private_key_sealed = models.TextField()
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    class Meta:
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(retired_at=None), name="signingkey_one_in_use_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key_id} ({self.person})"


class SubmissionSignature(models.Model):
    """A person's signature over one submission (its digest and what it is), for an organisation, in a
    capacity: as its legal representative or as an agent under a grant in force. Never changed."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("signed by"), on_delete=models.PROTECT, related_name="+"
    )
    capacity = models.CharField(_("capacity"), max_length=30, choices=SigningCapacity.choices)
    grant = models.ForeignKey(
        AgentGrant, verbose_name=_("grant"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    matter = models.CharField(_("matter"), max_length=30, choices=Matter.choices)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=40)
    digest = models.CharField(_("digest"), max_length=64)
    key = models.ForeignKey(SigningKey, verbose_name=_("key"), on_delete=models.PROTECT, related_name="+")
    algorithm = models.CharField(_("algorithm"), max_length=20)
    signature = models.CharField(_("signature"), max_length=300)
    signed_at = models.DateTimeField(_("signed"))

    class Meta:
        verbose_name = _("submission signature")
        verbose_name_plural = _("submission signatures")
        ordering = ["-signed_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="signature_object")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(capacity=SigningCapacity.AGENT) & Q(grant__isnull=False))
                | (~Q(capacity=SigningCapacity.AGENT) & Q(grant__isnull=True)),
                name="submissionsignature_grant_iff_agent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.signer} · {self.object_type}#{self.object_id}"

    insert_skips_save = True  # save() below only refuses changes: prepared.insert() may write a new one

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise ValueError("A signature is never changed.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class PresentationToken(models.Model):
    """The e-licence shown as a QR code: a random nonce in a URL an officer scans, good for 5 minutes."""

    nonce = models.CharField(max_length=64, unique=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("shown"))
    expires_at = models.DateTimeField(_("expires"))
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("presentation token")
        verbose_name_plural = _("presentation tokens")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__gt=F("created_at")), name="presentationtoken_expires_later")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} until {self.expires_at:%H:%M:%S}"
