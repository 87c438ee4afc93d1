"""Enterprise qualifications (S7) and trade licences (S6) with their write-off ledger."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from singlewindow.models import Organisation

from .choices import LicenceKind, LicenceState, UseState


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

    def clean(self) -> None:
        """The validity's order on its field, before the database's constraint would refuse it."""
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("The end of validity cannot be before its start.")})


class Licence(models.Model):
    """An issued trade licence: who holds it, what it answers, how long and how many times it may be used,
    and where (一证一关: blank until its first use binds it). What is left is on its lines."""

    number = models.CharField(_("licence number"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=1, choices=LicenceKind.choices)
    holder = models.ForeignKey(
        Organisation, verbose_name=_("holder"), on_delete=models.PROTECT, related_name="licences"
    )
    issuer = models.ForeignKey(
        Organisation, verbose_name=_("issuing authority"), on_delete=models.PROTECT, related_name="+"
    )
    application = models.OneToOneField(
        "declarations.Declaration",
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="licence",
    )
    issued_at = models.DateTimeField(_("issued"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    place_of_clearance = models.CharField(
        _("place of clearance"), max_length=4, blank=True, help_text=_("Blank until the first use binds it.")
    )
    max_uses = models.PositiveSmallIntegerField(
        _("uses allowed"), null=True, blank=True, help_text=_("Empty: unlimited.")
    )
    uses = models.PositiveSmallIntegerField(_("uses"), default=0)
    state = models.CharField(_("state"), max_length=20, choices=LicenceState.choices, default=LicenceState.ISSUED)
    remarks = models.CharField(_("remarks"), max_length=300, blank=True)
    facts = models.JSONField(_("facts"), default=dict)  # what the certificate states, as stored (certificates)
    digest = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("licence")
        verbose_name_plural = _("licences")
        ordering = ["-issued_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_uses__isnull=True) | Q(uses__lte=F("max_uses")), name="licence_uses_within_limit"
            ),
            models.CheckConstraint(condition=Q(valid_until__gte=F("valid_from")), name="licence_validity_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class LicenceLine(models.Model):
    """One goods line of a licence. `written_off` is what declarations have reserved or consumed of it; it
    never exceeds the quantity plus the overshipment tolerance (a conditional update and this constraint)."""

    licence = models.ForeignKey(Licence, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveSmallIntegerField(_("line"))
    hs_code = models.CharField(_("commodity code"), max_length=10)
    name = models.CharField(_("goods name"), max_length=255)
    unit = models.CharField(_("unit"), max_length=3)
    quantity = models.DecimalField(_("quantity"), max_digits=19, decimal_places=5)
    unit_price = models.DecimalField(_("unit price"), max_digits=19, decimal_places=4, null=True, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=19, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    tolerance = models.DecimalField(
        _("overshipment tolerance"), max_digits=4, decimal_places=3, default=0, help_text=_("0.05 is 5 %.")
    )
    written_off = models.DecimalField(_("written off"), max_digits=19, decimal_places=5, default=0)

    class Meta:
        verbose_name = _("licence line")
        verbose_name_plural = _("licence lines")
        ordering = ["licence_id", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["licence", "line_no"], name="licenceline_unique_line_no"),
            models.CheckConstraint(condition=Q(written_off__gte=0), name="licenceline_written_off_not_negative"),
            models.CheckConstraint(
                condition=Q(written_off__lte=F("quantity") * (1 + F("tolerance"))), name="licenceline_never_overdrawn"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.licence.number}/{self.line_no} {self.hs_code}"

    @property
    def left(self) -> Decimal:
        """What may still be declared without tolerance (never below zero)."""
        return max(self.quantity - self.written_off, Decimal(0))


class LicenceUse(models.Model):
    """The ledger: one declaration version's write-off on one licence line, for one of its goods lines."""

    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="ledger")
    licence_line = models.ForeignKey(LicenceLine, on_delete=models.PROTECT, related_name="ledger")
    declaration = models.ForeignKey("declarations.Declaration", on_delete=models.PROTECT, related_name="licence_uses")
    version = models.PositiveIntegerField(_("version"))
    line_no = models.PositiveSmallIntegerField(_("declaration line"))
    quantity = models.DecimalField(_("quantity"), max_digits=19, decimal_places=5)
    left_after = models.DecimalField(_("left after"), max_digits=19, decimal_places=5)
    state = models.CharField(_("state"), max_length=10, choices=UseState.choices, default=UseState.RESERVED)
    reserved_at = models.DateTimeField(_("reserved"), auto_now_add=True)
    settled_at = models.DateTimeField(_("settled"), null=True, blank=True)

    class Meta:
        verbose_name = _("licence use")
        verbose_name_plural = _("licence uses")
        ordering = ["licence_id", "reserved_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["licence_line", "declaration", "version", "line_no"], name="licenceuse_once_per_line"
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="licenceuse_quantity_positive"),
        ]
        indexes = [models.Index(fields=["declaration", "state"], name="licenceuse_declaration")]

    def __str__(self) -> str:
        return f"{self.licence.number}/{self.licence_line.line_no} ← {self.declaration_id} v{self.version}"


class LicenceApplication(models.Model):
    """A firm's application for a licence (S6): a filing of the spine (category "licapp", its Declaration
    row) with the licence's data items here (shared/reference §A3). The applicant is the declaration's
    owner; the importer/exporter and the consignee/end user are pre-filled from its master record."""

    declaration = models.OneToOneField(
        "declarations.Declaration", on_delete=models.CASCADE, related_name="licence_application"
    )
    kind = models.CharField(_("kind"), max_length=1, choices=LicenceKind.choices)
    trader_name = models.CharField(_("importer/exporter"), max_length=200, blank=True)
    trader_uscc = models.CharField(_("importer/exporter USCC"), max_length=18, blank=True)
    trader_code = models.CharField(_("importer/exporter customs code"), max_length=10, blank=True)
    party_name = models.CharField(_("consignee/end user"), max_length=200, blank=True)
    party_uscc = models.CharField(_("consignee/end user USCC"), max_length=18, blank=True)
    trade_mode = models.CharField(_("terms of trade"), max_length=4, blank=True)
    place_of_clearance = models.CharField(_("place of clearance"), max_length=4, blank=True)
    origin_country = models.CharField(_("country of origin"), max_length=3, blank=True)
    trade_country = models.CharField(_("country of exportation/destination"), max_length=3, blank=True)
    transport_mode = models.CharField(_("mode of transport"), max_length=2, blank=True)
    payment = models.CharField(_("payment / foreign-exchange source"), max_length=60, blank=True)
    contract_no = models.CharField(_("contract number"), max_length=50, blank=True)
    use_of_goods = models.CharField(_("use of goods"), max_length=100, blank=True)
    non_one_batch = models.BooleanField(_("non-one-batch (several declarations)"), default=False)
    valid_until = models.DateField(_("validity requested until"), null=True, blank=True)
    remarks = models.CharField(_("remarks"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("licence application")
        verbose_name_plural = _("licence applications")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=LicenceKind.values), name="licenceapplication_kind_valid")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.declaration_id}"


class LicenceApplicationLine(models.Model):
    """One goods line applied for: commodity code, unit, quantity, unit price and amount."""

    application = models.ForeignKey(LicenceApplication, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveSmallIntegerField(_("line"))
    hs_code = models.CharField(_("commodity code"), max_length=10, blank=True)
    name = models.CharField(_("goods name"), max_length=255, blank=True)
    specification = models.CharField(_("specification"), max_length=255, blank=True)
    unit = models.CharField(_("unit"), max_length=3, blank=True)
    # The validators say on the field, in the reader's language, what the constraints below refuse.
    quantity = models.DecimalField(
        _("quantity"), max_digits=19, decimal_places=5, null=True, blank=True,
        validators=[MinValueValidator(0, _("The quantity cannot be negative."))],
    )  # fmt: skip
    unit_price = models.DecimalField(
        _("unit price"), max_digits=19, decimal_places=4, null=True, blank=True,
        validators=[MinValueValidator(0, _("The unit price cannot be negative."))],
    )  # fmt: skip
    amount = models.DecimalField(_("amount"), max_digits=19, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    bulk = models.BooleanField(_("bulk goods (overshipment tolerance)"), default=False)

    class Meta:
        verbose_name = _("licence application line")
        verbose_name_plural = _("licence application lines")
        ordering = ["application_id", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["application", "line_no"], name="licenceapplicationline_unique_line_no"),
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gte=0),
                name="licenceapplicationline_quantity_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(unit_price__isnull=True) | Q(unit_price__gte=0),
                name="licenceapplicationline_price_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line_no}. {self.hs_code} {self.name}"


class ApplicationState(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting review")
    APPROVED = "approved", pgettext_lazy("qualification", "Approved")
    REJECTED = "rejected", pgettext_lazy("qualification", "Rejected")


class QualificationApplication(models.Model):
    """A firm applying for a qualification (S7): reviewed by the agency the kind belongs to; approval files
    the qualification and writes its code into the master record, which pre-fills every declaration."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="qualification_applications"
    )
    kind = models.CharField(_("qualification"), max_length=30, choices=QualificationKind.choices)
    office = models.CharField(
        _("office applied to"), max_length=6, blank=True, help_text=_("The customs or inspection office.")
    )
    details = models.TextField(_("details"), max_length=2000, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=ApplicationState.choices, default=ApplicationState.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        "singlewindow.User", verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    decided_by = models.ForeignKey(
        "singlewindow.User",
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    qualification = models.OneToOneField(
        Qualification,
        verbose_name=_("qualification"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("qualification application")
        verbose_name_plural = _("qualification applications")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind"],
                condition=Q(state="submitted"),
                name="qualification_one_pending_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.get_kind_display()}"
