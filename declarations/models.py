"""The one-table goods declaration: header, goods lines, containers, attached documents,
its frozen submitted versions, and the reference data it is checked against."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from singlewindow.models import Organisation

from .choices import (
    GOODS,
    CodeList,
    DeclarationKind,
    DeclarationStatus,
    DeliveryStatus,
    Direction,
    DocumentKind,
    EventKind,
    ImportFormat,
    ImportStatus,
    ReviewState,
    Target,
)
from .registry import category_choices

NOT_NEGATIVE = [MinValueValidator(0)]
QTY: dict[str, Any] = {"max_digits": 19, "decimal_places": 5, "null": True, "blank": True, "validators": NOT_NEGATIVE}
PRICE: dict[str, Any] = {"max_digits": 19, "decimal_places": 4, "null": True, "blank": True, "validators": NOT_NEGATIVE}
MONEY: dict[str, Any] = {"max_digits": 19, "decimal_places": 2, "null": True, "blank": True, "validators": NOT_NEGATIVE}
WEIGHT: dict[str, Any] = {
    "max_digits": 16,
    "decimal_places": 3,
    "null": True,
    "blank": True,
    "validators": NOT_NEGATIVE,
}


class HSCode(models.Model):
    """A Harmonized System chapter (2 digits), heading (4) or subheading (6)."""

    code = models.CharField(_("HS code"), max_length=6, primary_key=True)
    level = models.PositiveSmallIntegerField(_("level"))
    description = models.TextField(_("description"))
    description_zh = models.TextField(_("Chinese description"), blank=True)
    parent = models.CharField(max_length=6, blank=True)
    section = models.CharField(_("section"), max_length=5)

    class Meta:
        verbose_name = _("HS code")
        verbose_name_plural = _("HS nomenclature")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.description}"


class CodeListEntry(models.Model):
    """One code of a code list; platform administrators keep these in the admin."""

    list = models.CharField(_("code list"), max_length=40, choices=CodeList.choices)
    code = models.CharField(_("code"), max_length=10)
    name_zh = models.CharField(_("Chinese name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=120)
    active = models.BooleanField(_("active"), default=True)
    flags = models.JSONField(_("flags"), default=dict, blank=True)

    class Meta:
        verbose_name = _("code list entry")
        verbose_name_plural = _("code list entries")
        ordering = ["list", "code"]
        constraints = [models.UniqueConstraint(fields=["list", "code"], name="codelistentry_unique_code")]

    def __str__(self) -> str:
        return f"{self.list}:{self.code} {self.name_zh}"


class MandatoryInspectionRule(models.Model):
    """Commodities that must be declared to inspection and quarantine (法检目录), by HS prefix."""

    hs_prefix = models.CharField(_("HS code or chapter"), max_length=10, unique=True)
    description_zh = models.CharField(_("Chinese description"), max_length=200)
    description_en = models.CharField(_("English description"), max_length=200)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("mandatory inspection rule")
        verbose_name_plural = _("mandatory inspection list")
        ordering = ["hs_prefix"]
        constraints = [
            models.CheckConstraint(condition=Q(hs_prefix__regex=r"^[0-9]{2,10}$"), name="mandatory_prefix_digits")
        ]

    def __str__(self) -> str:
        return f"{self.hs_prefix} {self.description_en}"


class Declaration(models.Model):
    """The working copy of one shipment's declaration. Drafts change; submissions freeze a version."""

    owner = models.ForeignKey(
        Organisation, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="declarations"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    prepared_by = models.ForeignKey(
        Organisation,
        verbose_name=_("prepared by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The customs broker preparing it under a delegation, if any."),
    )
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    category = models.CharField(_("category"), max_length=6, choices=category_choices, default=GOODS, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=DeclarationStatus.choices, default=DeclarationStatus.DRAFT
    )
    target = models.CharField(_("declare to"), max_length=12, choices=Target.choices, default=Target.BOTH)
    direction = models.CharField(_("direction"), max_length=6, choices=Direction.choices)
    kind = models.CharField(
        _("declaration kind"), max_length=12, choices=DeclarationKind.choices, default=DeclarationKind.GENERAL
    )
    pre_entry_no = models.CharField(_("pre-entry number"), max_length=18, unique=True, null=True, blank=True)
    review_state = models.CharField(
        _("review"), max_length=12, choices=ReviewState.choices, default=ReviewState.NONE, blank=True
    )
    version_count = models.PositiveIntegerField(_("versions"), default=0)
    reference = models.CharField(
        _("your reference"),
        max_length=50,
        blank=True,
        help_text=_("The declaration's number in your own system (ERP); an import skips references already present."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    # Parties (收发货人)
    domestic_party_name = models.CharField(_("domestic consignee/consignor"), max_length=200, blank=True)
    domestic_party_uscc = models.CharField(_("domestic party USCC"), max_length=18, blank=True)
    domestic_party_customs_code = models.CharField(_("domestic party customs code"), max_length=10, blank=True)
    domestic_party_inspection_code = models.CharField(_("domestic party inspection code"), max_length=10, blank=True)
    overseas_party_name = models.CharField(_("overseas consignor/consignee"), max_length=200, blank=True)
    overseas_party_aeo_code = models.CharField(_("overseas party AEO code"), max_length=20, blank=True)
    user_unit_name = models.CharField(_("consumer/producer unit"), max_length=200, blank=True)
    user_unit_uscc = models.CharField(_("consumer/producer unit USCC"), max_length=18, blank=True)

    # Transport (运输)
    customs_office = models.CharField(_("declaring customs office"), max_length=4, blank=True)
    port_customs = models.CharField(_("customs office of entry/exit"), max_length=4, blank=True)
    transport_mode = models.CharField(_("transport mode"), max_length=2, blank=True)
    means_of_transport = models.CharField(_("means of transport"), max_length=100, blank=True)
    voyage_no = models.CharField(_("voyage number"), max_length=32, blank=True)
    bill_of_lading = models.CharField(_("bill of lading number"), max_length=50, blank=True)
    import_export_date = models.DateField(_("import/export date"), null=True, blank=True)
    port_of_loading = models.CharField(_("port of loading"), max_length=5, blank=True)
    port_of_discharge = models.CharField(_("port of discharge"), max_length=5, blank=True)
    entry_exit_port = models.CharField(_("port of entry/exit"), max_length=5, blank=True)
    goods_location = models.CharField(_("goods location"), max_length=200, blank=True)

    # Trade (贸易)
    trade_mode = models.CharField(_("trade mode"), max_length=4, blank=True)
    levy_nature = models.CharField(_("levy nature"), max_length=3, blank=True)
    record_no = models.CharField(_("record number"), max_length=20, blank=True)
    licence_no = models.CharField(_("licence number"), max_length=20, blank=True)
    contract_no = models.CharField(_("contract number"), max_length=50, blank=True)
    trade_country = models.CharField(_("trading country"), max_length=3, blank=True)
    departure_country = models.CharField(_("country of departure/destination"), max_length=3, blank=True)
    incoterms = models.CharField(_("Incoterms"), max_length=3, blank=True)
    freight = models.DecimalField(_("freight"), **MONEY)
    insurance = models.DecimalField(_("insurance"), **MONEY)
    other_charges = models.DecimalField(_("other charges"), **MONEY)
    charges_currency = models.CharField(_("charges currency"), max_length=3, blank=True)

    # Packages and weights (包装)
    package_type = models.CharField(_("package type"), max_length=2, blank=True)
    packages = models.PositiveIntegerField(_("packages"), null=True, blank=True)
    gross_weight = models.DecimalField(_("gross weight (kg)"), **WEIGHT)
    net_weight = models.DecimalField(_("net weight (kg)"), **WEIGHT)
    wood_packaging = models.BooleanField(_("wood packaging"), default=False)
    marks_and_remarks = models.TextField(_("marks and remarks"), blank=True)

    # Customs confirmations (海关确认)
    special_relationship = models.BooleanField(_("special relationship"), default=False)
    price_influence = models.BooleanField(_("price influenced by relationship"), default=False)
    royalty_payment = models.BooleanField(_("royalties payable"), default=False)

    # Inspection (检验检疫)
    inspection_authority = models.CharField(_("inspection authority"), max_length=6, blank=True)
    destination_authority = models.CharField(_("destination inspection authority"), max_length=6, blank=True)
    certificate_authority = models.CharField(_("certificate-issuing authority"), max_length=6, blank=True)

    class Meta:
        verbose_name = _("declaration")
        verbose_name_plural = _("declarations")
        ordering = ["-updated_at", "-id"]
        constraints = [
            # Drafts may hold anything the clerk typed; what is submitted must be consistent.
            models.CheckConstraint(
                condition=Q(status__in=(DeclarationStatus.DRAFT, DeclarationStatus.REJECTED))
                | Q(net_weight__isnull=True)
                | Q(gross_weight__isnull=True)
                | Q(net_weight__lte=F("gross_weight")),
                name="declaration_submitted_net_weight_not_above_gross",
            ),
            models.CheckConstraint(
                condition=Q(status=DeclarationStatus.DRAFT) | Q(pre_entry_no__isnull=False),
                name="declaration_submitted_has_pre_entry_no",
            ),
            models.CheckConstraint(condition=Q(status__in=DeclarationStatus.values), name="declaration_status_valid"),
            models.CheckConstraint(condition=Q(target__in=Target.values), name="declaration_target_valid"),
            models.UniqueConstraint(
                fields=["owner", "reference"], condition=~Q(reference=""), name="declaration_reference_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.pre_entry_no or _("Draft #%(id)s") % {"id": self.pk}

    @property
    def is_draft(self) -> bool:
        """Whether the firm may change it: a draft, or a rejected declaration being corrected."""
        return self.status in (DeclarationStatus.DRAFT, DeclarationStatus.REJECTED)


class GoodsLine(models.Model):
    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveSmallIntegerField(_("line"))
    hs_code = models.CharField(_("commodity code"), max_length=10, blank=True)
    name = models.CharField(_("goods name"), max_length=255, blank=True)
    model = models.CharField(_("specification and model"), max_length=255, blank=True)
    declared_quantity = models.DecimalField(_("declared quantity"), **QTY)
    declared_unit = models.CharField(_("declared unit"), max_length=3, blank=True)
    legal_quantity = models.DecimalField(_("legal quantity"), **QTY)
    legal_unit = models.CharField(_("legal unit"), max_length=3, blank=True)
    unit_price = models.DecimalField(_("unit price"), **PRICE)
    total_price = models.DecimalField(_("total price"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    origin_country = models.CharField(_("country of origin"), max_length=3, blank=True)
    destination_country = models.CharField(_("country of final destination"), max_length=3, blank=True)
    duty_mode = models.CharField(_("duty mode"), max_length=1, blank=True)
    purpose = models.CharField(_("purpose"), max_length=2, blank=True)
    production_batch = models.CharField(_("production batch"), max_length=50, blank=True)
    un_number = models.CharField(_("UN number (dangerous goods)"), max_length=6, blank=True)
    licence_no = models.CharField(_("licence cited"), max_length=20, blank=True)
    licence_line = models.PositiveIntegerField(_("licence line"), null=True, blank=True)

    class Meta:
        verbose_name = _("goods line")
        verbose_name_plural = _("goods lines")
        ordering = ["declaration_id", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["declaration", "line_no"], name="goodsline_unique_line_no"),
            models.CheckConstraint(
                condition=Q(declared_quantity__isnull=True) | Q(declared_quantity__gte=0),
                name="goodsline_quantity_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(unit_price__isnull=True) | Q(unit_price__gte=0),
                name="goodsline_price_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.line_no}. {self.hs_code} {self.name}"


class Container(models.Model):
    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="containers")
    number = models.CharField(_("container number"), max_length=11, blank=True)
    size_type = models.CharField(_("size and type"), max_length=4, blank=True)
    lcl = models.BooleanField(_("less than container load"), default=False)

    class Meta:
        verbose_name = _("container")
        verbose_name_plural = _("containers")
        ordering = ["declaration_id", "id"]

    def __str__(self) -> str:
        return self.number


def document_path(instance: AttachedDocument, filename: str) -> str:
    return f"documents/{instance.declaration_id}/{instance.sha256[:16]}"


class AttachedDocument(models.Model):
    """An attached document (随附单证); its type is checked from its content, never its name."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document type"), max_length=20, choices=DocumentKind.choices)
    file = models.FileField(_("file"), upload_to=document_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("attached document")
        verbose_name_plural = _("attached documents")
        ordering = ["declaration_id", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.original_name}"


class DeclarationVersion(models.Model):
    """A submitted declaration, frozen: the canonical snapshot every agency message is built from."""

    declaration = models.ForeignKey(Declaration, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    pre_entry_no = models.CharField(_("pre-entry number"), max_length=18)
    agencies = models.JSONField(_("agencies"))
    payload = models.JSONField(_("declaration data"))
    digest = models.CharField(_("SHA-256 of the data"), max_length=64)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("declaration version")
        verbose_name_plural = _("declaration versions")
        ordering = ["declaration_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["declaration", "number"], name="declarationversion_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.pre_entry_no} v{self.number}"


class Delivery(models.Model):
    """The outbox: one branch of a submitted version, to one agency. Written in the submission's
    transaction; delivered by a task; its message id is the agency's idempotency key."""

    # Found by version through delivery_one_per_agency (version, agency): no index of its own to keep up.
    version = models.ForeignKey(DeclarationVersion, on_delete=models.PROTECT, related_name="deliveries", db_index=False)
    agency = models.CharField(_("agency"), max_length=20)
    message_id = models.CharField(_("message id"), max_length=64, unique=True)
    status = models.CharField(
        _("delivery"), max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))  # asked with the status: delivery_due
    # When the current run of attempts began (the first attempt, an operator's retry, or the agency's
    # return after an outage): the retry horizon is counted from it.
    trying_since = models.DateTimeField(_("trying since"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    # On a pending branch, the database session (PostgreSQL's backend pid) of the attempt on its way, none
    # between attempts: a session ends with its worker's process, so the next sweep takes up a branch whose
    # claimant was killed, not its lease's end (agencies/delivery.py).
    claimed_by = models.IntegerField(_("attempt's session"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["version_id", "agency"]
        constraints = [models.UniqueConstraint(fields=["version", "agency"], name="delivery_one_per_agency")]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
            models.Index(fields=["agency", "delivered_at"], name="delivery_agency_day"),  # dashboards.py
            # What waits for an agency (the drainer's claim, oldest first): a few rows among millions delivered.
            models.Index(fields=["agency", "id"], condition=models.Q(status="pending"), name="delivery_pending"),
        ]

    def __str__(self) -> str:
        return self.message_id


class Event(models.Model):
    """One thing that happened to a shipment, from the portal or from an agency's receipt.
    Only ever added; the timeline and the declaration's status are derived from these."""

    # Found by declaration through event_timeline (declaration, at): no index of its own to keep up.
    declaration = models.ForeignKey(Declaration, on_delete=models.PROTECT, related_name="events", db_index=False)
    version = models.ForeignKey(DeclarationVersion, on_delete=models.PROTECT, related_name="events")
    agency = models.CharField(_("agency"), max_length=20, blank=True)
    kind = models.CharField(_("event"), max_length=20, choices=EventKind.choices)
    at = models.DateTimeField(_("time"))
    sequence = models.PositiveIntegerField(_("agency sequence"), default=0)
    # Unique per agency (each agency numbers its own receipts); the index leads with the id, which is what
    # lookups use. NULL, not "", for the portal's own events, so the constraint leaves them alone.
    receipt_id = models.CharField(_("receipt id"), max_length=64, null=True, blank=True)  # noqa: DJ001
    data = models.JSONField(_("details"), default=dict, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["declaration_id", "at", "sequence", "id"]
        indexes = [
            models.Index(fields=["declaration", "at"], name="event_timeline"),
            # The agencies' times to release (dashboards.py): releases by agency and time.
            models.Index(fields=["agency", "at"], name="event_releases", condition=Q(kind=EventKind.RELEASED)),
        ]
        constraints = [models.UniqueConstraint(fields=["receipt_id", "agency"], name="event_receipt_unique_per_agency")]

    def __str__(self) -> str:
        return f"{self.agency or 'portal'} {self.kind}"


class InspectionAppointment(models.Model):
    """One joint inspection for a version: every agency that orders an inspection of the same goods
    joins this appointment instead of getting its own (关检 查验指令比碰)."""

    version = models.OneToOneField(DeclarationVersion, on_delete=models.PROTECT, related_name="inspection")
    agencies = models.JSONField(_("agencies"), default=list)
    goods = models.CharField(_("goods"), max_length=500, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    scheduled_at = models.DateTimeField(_("appointment"))

    class Meta:
        verbose_name = _("joint inspection")
        verbose_name_plural = _("joint inspections")

    def __str__(self) -> str:
        return f"{self.version} {self.scheduled_at:%Y-%m-%d %H:%M}"


class Revision(models.Model):
    """The draft as it was when one side sent it to the other for review; every one is kept."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    payload = models.JSONField(_("declaration data"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_to = models.CharField(_("sent to"), max_length=12, choices=ReviewState.choices)
    note = models.TextField(_("note"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["declaration_id", "number"]
        constraints = [models.UniqueConstraint(fields=["declaration", "number"], name="revision_unique_number")]

    def __str__(self) -> str:
        return f"{self.declaration_id} r{self.number}"


class Comment(models.Model):
    """A remark on one field of a draft (or on the whole draft when field is empty)."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="comments")
    revision = models.ForeignKey(Revision, on_delete=models.SET_NULL, null=True, blank=True, related_name="comments")
    field = models.CharField(_("field"), max_length=60, blank=True)
    text = models.TextField(_("comment"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["declaration_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.field or '-'}: {self.text[:40]}"


class ImportJob(models.Model):
    """One uploaded ERP file (XML or Excel) turned into drafts in the background. The same file from
    the same organisation is imported once (sha256); each declaration once (its reference)."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField(_("file"), max_length=200)
    file_format = models.CharField(_("format"), max_length=5, choices=ImportFormat.choices)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content = models.BinaryField(_("content"), editable=False)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    total = models.PositiveIntegerField(_("declarations in the file"), default=0)
    processed = models.PositiveIntegerField(_("processed"), default=0)
    created_count = models.PositiveIntegerField(_("drafts created"), default=0)
    skipped_count = models.PositiveIntegerField(_("already present"), default=0)
    failed_count = models.PositiveIntegerField(_("refused"), default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "sha256"], name="import_job_file_once"),
            models.CheckConstraint(condition=Q(processed__lte=F("total")), name="import_job_progress_bounded"),
        ]

    def __str__(self) -> str:
        return self.file_name

    @property
    def percent(self) -> int:
        return 100 if self.status == ImportStatus.DONE else int(100 * self.processed / self.total) if self.total else 0


__all__ = [
    "AttachedDocument",
    "CodeListEntry",
    "Comment",
    "Container",
    "Declaration",
    "DeclarationVersion",
    "Delivery",
    "Event",
    "GoodsLine",
    "HSCode",
    "ImportJob",
    "InspectionAppointment",
    "MandatoryInspectionRule",
    "Revision",
]


class ShipmentTemplate(models.Model):
    """A firm's saved template (常用模板) for a recurring shipment: what a new declaration starts from.
    Kept by the organisation that files (a broker keeps its own for each client); the parties are never
    stored, they come from the master record when the template is used."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("for"))
    name = models.CharField(_("template name"), max_length=100)
    target = models.CharField(_("declare to"), max_length=20, choices=Target.choices)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    kind = models.CharField(_("declaration kind"), max_length=20, choices=DeclarationKind.choices)
    header = models.JSONField(default=dict)
    lines = models.JSONField(default=list)
    containers = models.JSONField(default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("saved"), auto_now=True)

    class Meta:
        verbose_name = _("saved template")
        verbose_name_plural = _("saved templates")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "owner", "name"], name="template_name_unique")]

    def __str__(self) -> str:
        return self.name
