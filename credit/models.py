"""Credit records, versioned classification schemes, and the classes they give each enterprise."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from singlewindow.choices import Agency

from .choices import (
    AccessSurface,
    AppealKind,
    AppealState,
    Channel,
    CommitmentKind,
    CommitmentState,
    ConductCategory,
    ConductState,
    Outcome,
    PenaltyType,
    RecordKind,
    RecordState,
    Severity,
    SpotOutcome,
)
from .industries import EntityType, industry_label


class ConductItem(models.Model):
    """One prohibited business conduct (违法经营行为, S12; Hengqin seed case 7) with the rule it breaks and
    the rule that punishes it. Versions: an item's code stays, a change is a new version that goes draft →
    reviewed (experts) → published, and publishing it supersedes the version published before. Only a
    published item is public; a superseded one stays, since penalty records cite the version they punished."""

    code = models.CharField(_("code"), max_length=30)
    version = models.PositiveIntegerField(_("version"), default=1)
    title_zh = models.CharField(_("conduct (Chinese)"), max_length=300)
    title_en = models.CharField(_("conduct (English)"), max_length=300, blank=True)
    law = models.CharField(_("law or regulation"), max_length=200)
    article = models.CharField(_("article"), max_length=40)
    clause = models.CharField(_("clause"), max_length=40, blank=True)
    penalty_basis = models.CharField(_("penalty basis"), max_length=300)
    category = models.CharField(_("category"), max_length=20, choices=ConductCategory.choices)
    industries = models.JSONField(
        _("industries"), default=list, blank=True, help_text=_("GB/T 4754 codes, e.g. F or F51; none: every industry.")
    )
    sections = models.JSONField(default=list, blank=True, editable=False)  # the industries' sections, for search
    entity_types = models.JSONField(_("entity types"), default=list, blank=True, help_text=_("None: every kind."))
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    search_text = models.TextField(default="", blank=True, editable=False)  # what a keyword is looked for in
    source_agency = models.CharField(_("source agency"), max_length=100)
    effective_from = models.DateField(_("effective from"))
    repealed_at = models.DateField(_("repealed on"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=ConductState.choices, default=ConductState.DRAFT)
    sample = models.BooleanField(_("sample"), default=False, help_text=_("Shipped as an example, not the real list."))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("prohibited conduct")
        verbose_name_plural = _("prohibited conduct catalogue")
        ordering = ["category", "code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="conduct_version_once"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(state="published"), name="conduct_one_published_version"
            ),
            models.UniqueConstraint(
                fields=["code"], condition=Q(state__in=["draft", "reviewed"]), name="conduct_one_open_version"
            ),
            models.CheckConstraint(
                condition=Q(repealed_at__isnull=True) | Q(repealed_at__gt=F("effective_from")),
                name="conduct_repealed_after_effective",
            ),
        ]
        indexes = [models.Index(fields=["state", "category"], name="conduct_by_state")]

    def __str__(self) -> str:
        return f"{self.code} v{self.version} {self.title_zh}"

    @property
    def legal_basis(self) -> str:
        return f"{self.law}{self.article}{self.clause}"

    @property
    def industry_labels(self) -> list[str]:
        return [industry_label(code) for code in self.industries]

    @property
    def entity_type_labels(self) -> list[str]:
        labels = dict(EntityType.choices)
        return [str(labels.get(kind, kind)) for kind in self.entity_types]


class CreditRecord(models.Model):
    """One fact an agency reported about an enterprise. Never edited: a correction is a state change with
    its audit entry; an agency's record id is stored once."""

    # Looked up by firm through the index credit_record_by_firm (uscc first): no index of its own to keep.
    uscc = models.CharField(_("unified social credit code"), max_length=18)
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
    conduct = models.ForeignKey(
        ConductItem, verbose_name=_("prohibited conduct punished"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="records",
    )  # fmt: skip
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


class RecordAccess(models.Model):
    """One look by someone outside the firm at its non-public records: who, when, which firm, which records,
    where. Rows are only added; platform administrators read them in the admin."""

    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("viewer"), on_delete=models.PROTECT, related_name="+"
    )
    viewer_agency = models.CharField(_("viewer's agency"), max_length=20, choices=Agency.choices, blank=True)
    uscc = models.CharField(_("unified social credit code"), max_length=18)
    records = models.JSONField(_("non-public records seen"), default=list)  # CreditRecord ids
    surface = models.CharField(_("where"), max_length=20, choices=AccessSurface.choices)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("access to non-public credit records")
        verbose_name_plural = _("accesses to non-public credit records")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["uscc", "at"], name="credit_access_by_firm")]

    def __str__(self) -> str:
        return f"{self.viewer_id} {self.uscc} {self.at}"


class CheckItem(models.Model):
    """One item an agency checks in a double-random spot check, for the industries it concerns (none: every
    industry); a firm's joint form ("one enterprise, one form") is every agency's items for its industry."""

    agency = models.CharField(_("agency"), max_length=20, choices=Agency.choices)
    code = models.CharField(_("code"), max_length=30)
    title_zh = models.CharField(_("item (Chinese)"), max_length=300)
    title_en = models.CharField(_("item (English)"), max_length=300, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    industries = models.JSONField(
        _("industries"), default=list, blank=True, help_text=_("GB/T 4754 codes, e.g. F or F51; none: every industry.")
    )
    active = models.BooleanField(_("in use"), default=True)
    sample = models.BooleanField(_("sample"), default=False, help_text=_("Shipped as an example, not the real list."))

    class Meta:
        verbose_name = _("spot-check item")
        verbose_name_plural = _("spot-check items")
        ordering = ["agency", "code"]
        constraints = [models.UniqueConstraint(fields=["agency", "code"], name="checkitem_once_per_agency")]

    def __str__(self) -> str:
        return f"{self.agency} {self.code} {self.title_zh}"


class FirmIndustry(models.Model):
    """The industries an enterprise is registered in (GB/T 4754), which decide its joint spot-check form."""

    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    industries = models.JSONField(_("industries"), default=list, help_text=_("GB/T 4754 codes, e.g. F51; C14."))

    class Meta:
        verbose_name = _("enterprise's industries")
        verbose_name_plural = _("enterprises' industries")
        ordering = ["uscc"]

    def __str__(self) -> str:
        return f"{self.uscc} {', '.join(self.industries)}"


class SpotCheck(models.Model):
    """A double-random draw: firms at a ratio from those in good standing (warning and worse always in),
    and inspectors from the officers' pool, by a seed over the population stored with it, so anyone re-draws
    the same list from the same population; its digest says whether the population has changed since."""

    title = models.CharField(_("title"), max_length=200)
    agency = models.CharField(_("agency"), max_length=20, choices=Agency.choices)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("drawn by"), on_delete=models.PROTECT, related_name="+"
    )
    drawn_at = models.DateTimeField(_("drawn"), auto_now_add=True)
    ratio = models.DecimalField(_("ratio"), max_digits=5, decimal_places=4)
    inspectors_per_firm = models.PositiveSmallIntegerField(_("inspectors per enterprise"), default=2)
    seed = models.CharField(_("seed"), max_length=64)
    population = models.JSONField(_("population"))  # {"good": [uscc…], "focus": [uscc…], "pool": [user id…]}
    population_digest = models.CharField(_("population digest (SHA-256)"), max_length=64)

    class Meta:
        verbose_name = _("double-random spot check")
        verbose_name_plural = _("double-random spot checks")
        ordering = ["-drawn_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ratio__gt=0) & Q(ratio__lte=1), name="spotcheck_ratio_in_range"),
            models.CheckConstraint(condition=Q(inspectors_per_firm__gte=1), name="spotcheck_at_least_one_inspector"),
        ]

    def __str__(self) -> str:
        return self.title


class SpotCheckFirm(models.Model):
    """One enterprise a spot check drew, its inspectors, and the result they wrote back (with the credit
    record it made)."""

    spot_check = models.ForeignKey(SpotCheck, on_delete=models.CASCADE, related_name="firms")
    uscc = models.CharField(_("unified social credit code"), max_length=18)
    focus = models.BooleanField(_("in focus (warning or worse)"), default=False)
    inspectors = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("inspectors"), related_name="+")
    outcome = models.CharField(_("result"), max_length=15, choices=SpotOutcome.choices, default=SpotOutcome.PENDING)
    note = models.TextField(_("findings"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    recorded_at = models.DateTimeField(_("recorded"), null=True, blank=True)
    record = models.ForeignKey(
        CreditRecord, verbose_name=_("credit record"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("enterprise drawn")
        verbose_name_plural = _("enterprises drawn")
        ordering = ["spot_check_id", "-focus", "uscc"]
        constraints = [models.UniqueConstraint(fields=["spot_check", "uscc"], name="spotcheckfirm_once")]

    def __str__(self) -> str:
        return f"{self.spot_check_id} {self.uscc}"


class CreditReport(models.Model):
    """A one-page credit report as issued: its facts (the firm's classes and published records at that
    moment) and their digest; the QR code's token binds the number to them (singlewindow/certificates.py)."""

    number = models.CharField(_("number"), max_length=30, unique=True)
    uscc = models.CharField(_("unified social credit code"), max_length=18, db_index=True)
    facts = models.JSONField(_("facts"))
    digest = models.CharField(_("digest (SHA-256)"), max_length=64)
    issued_at = models.DateTimeField(_("issued"))
    valid_until = models.DateTimeField(_("valid until"))
    issued_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued to"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("credit report")
        verbose_name_plural = _("credit reports")
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return self.number


class Commitment(models.Model):
    """A credit commitment (信用承诺) a firm makes to an agency for a period: of its own accord, to repair its
    credit, or under its trade body's self-regulation. The agency it names records whether it was kept or
    broken; that becomes a credit record of kind "commitment" (favourable or adverse), which the schemes
    count as data (credit/reference/public-v2.json). Rows are only added and decided."""

    uscc = models.CharField(_("unified social credit code"), max_length=18, db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=CommitmentKind.choices)
    text = models.TextField(_("what the enterprise commits to"), max_length=2000)
    agency = models.CharField(_("made to"), max_length=20, choices=Agency.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    public = models.BooleanField(_("public"), default=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(_("filed"), auto_now_add=True)
    state = models.CharField(
        _("fulfilment"), max_length=10, choices=CommitmentState.choices, default=CommitmentState.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField(_("recorded"), null=True, blank=True)
    note = models.TextField(_("the agency's note"), max_length=2000, blank=True)
    record = models.OneToOneField(
        CreditRecord, verbose_name=_("credit record"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="commitment",
    )  # fmt: skip

    class Meta:
        verbose_name = _("credit commitment")
        verbose_name_plural = _("credit commitments")
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gt=F("starts_on")), name="commitment_ends_after_start"),
            models.CheckConstraint(
                condition=(Q(state="open") & Q(record__isnull=True)) | (~Q(state="open") & Q(record__isnull=False)),
                name="commitment_record_iff_decided",
            ),
        ]
        indexes = [models.Index(fields=["agency", "state"], name="commitment_by_agency")]

    def __str__(self) -> str:
        return f"{self.uscc} {self.kind} {self.starts_on}–{self.ends_on}"
