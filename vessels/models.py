"""The transport-means declaration of a vessel's arrival or departure (IMO FAL forms 1–7) and the port
clearance certificate. A vessel declaration is a Declaration row of category "vessel": it is numbered,
frozen, delivered, receipted and merged into one timeline by exactly the same code as goods."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from declarations.models import Declaration

from .choices import CertificateState, IdentityDocument

NOT_NEGATIVE = [MinValueValidator(0)]
TONNAGE: dict[str, Any] = {
    "max_digits": 12,
    "decimal_places": 2,
    "null": True,
    "blank": True,
    "validators": NOT_NEGATIVE,
}
QUANTITY: dict[str, Any] = {
    "max_digits": 16,
    "decimal_places": 3,
    "null": True,
    "blank": True,
    "validators": NOT_NEGATIVE,
}


class VesselCall(models.Model):
    """FAL 1, the general declaration: the ship, the voyage and this call."""

    declaration = models.OneToOneField(Declaration, on_delete=models.CASCADE, related_name="vessel")
    vessel_name = models.CharField(_("name of ship"), max_length=100, blank=True)
    vessel_name_cn = models.CharField(_("Chinese name of ship"), max_length=100, blank=True)
    imo_number = models.CharField(_("IMO number"), max_length=7, blank=True)
    call_sign = models.CharField(_("call sign"), max_length=7, blank=True)
    mmsi = models.CharField(_("MMSI"), max_length=9, blank=True)
    flag_state = models.CharField(_("flag state"), max_length=3, blank=True)
    gross_tonnage = models.DecimalField(_("gross tonnage"), **TONNAGE)
    net_tonnage = models.DecimalField(_("net tonnage"), **TONNAGE)
    master_name = models.CharField(_("name of master"), max_length=100, blank=True)
    port = models.CharField(_("port of arrival/departure"), max_length=5, blank=True)
    voyage_no = models.CharField(_("voyage number"), max_length=32, blank=True)
    expected_at = models.DateTimeField(_("date and time of arrival/departure"), null=True, blank=True)
    last_port = models.CharField(_("last port of call"), max_length=5, blank=True)
    next_port = models.CharField(_("next port of call"), max_length=5, blank=True)
    berth = models.CharField(_("position in the port (berth)"), max_length=100, blank=True)
    purpose_of_call = models.CharField(_("purpose of call"), max_length=200, blank=True)
    cargo_summary = models.CharField(_("brief description of the cargo"), max_length=300, blank=True)

    class Meta:
        db_table = "declarations_vesselcall"  # created when vessels lived in the declarations app
        verbose_name = _("vessel call")
        verbose_name_plural = _("vessel calls")

    def __str__(self) -> str:
        return f"{self.vessel_name} {self.voyage_no}"


class _Part(models.Model):
    """A row of one of the FAL lists, kept in the order the agent gave."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(_("no."))

    class Meta:
        abstract = True
        ordering = ["declaration_id", "position"]


class ManifestLine(_Part):
    """FAL 2: the cargo declaration, one line per bill of lading (the manifest, 舱单)."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="manifest_lines")
    bill_of_lading = models.CharField(_("bill of lading number"), max_length=50)
    shipper = models.CharField(_("shipper"), max_length=200, blank=True)
    shipper_uscc = models.CharField(_("shipper's unified social credit code"), max_length=18, blank=True)
    consignee = models.CharField(_("consignee"), max_length=200, blank=True)
    consignee_uscc = models.CharField(_("consignee's unified social credit code"), max_length=18, blank=True)
    description = models.CharField(_("description of goods"), max_length=300, blank=True)
    hs_code = models.CharField(_("HS code"), max_length=10, blank=True)
    packages = models.PositiveIntegerField(_("packages"), null=True, blank=True)
    package_type = models.CharField(_("package type"), max_length=2, blank=True)
    gross_weight = models.DecimalField(_("gross weight (kg)"), **QUANTITY)
    containers = models.CharField(_("container numbers"), max_length=500, blank=True)
    port_of_loading = models.CharField(_("port of loading"), max_length=5, blank=True)
    port_of_discharge = models.CharField(_("port of discharge"), max_length=5, blank=True)

    class Meta(_Part.Meta):
        db_table = "declarations_manifestline"  # created when vessels lived in the declarations app
        verbose_name = _("manifest line")
        verbose_name_plural = _("cargo manifest (FAL 2)")

    def __str__(self) -> str:
        return f"{self.position}. {self.bill_of_lading}"


class ShipStore(_Part):
    """FAL 3: ship's stores."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="ship_stores")
    name = models.CharField(_("name of article"), max_length=200)
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    location = models.CharField(_("location on board"), max_length=100, blank=True)

    class Meta(_Part.Meta):
        db_table = "declarations_shipstore"  # created when vessels lived in the declarations app
        verbose_name = _("ship's store")
        verbose_name_plural = _("ship's stores (FAL 3)")

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"


class CrewEffect(_Part):
    """FAL 4: crew's effects declared (goods the crew carry that are dutiable or restricted)."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="crew_effects")
    crew_name = models.CharField(_("crew member"), max_length=140)
    description = models.CharField(_("effects"), max_length=300)
    quantity = models.DecimalField(_("quantity"), **QUANTITY)

    class Meta(_Part.Meta):
        db_table = "declarations_creweffect"  # created when vessels lived in the declarations app
        verbose_name = _("crew's effect")
        verbose_name_plural = _("crew's effects (FAL 4)")

    def __str__(self) -> str:
        return f"{self.position}. {self.description}"


class _Person(_Part):
    family_name = models.CharField(_("family name"), max_length=70)
    given_names = models.CharField(_("given names"), max_length=70)
    nationality = models.CharField(_("nationality"), max_length=3)
    date_of_birth = models.DateField(_("date of birth"))
    place_of_birth = models.CharField(_("place of birth"), max_length=70)
    document_type = models.CharField(_("identity document"), max_length=12, choices=IdentityDocument.choices)
    document_number = models.CharField(_("document number"), max_length=30)
    document_expiry = models.DateField(_("document expiry"))

    class Meta(_Part.Meta):
        abstract = True


class CrewMember(_Person):
    """FAL 5: the crew list."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="crew")
    rank_or_rating = models.CharField(_("rank or rating"), max_length=70)

    class Meta(_Person.Meta):
        db_table = "declarations_crewmember"  # created when vessels lived in the declarations app
        verbose_name = _("crew member")
        verbose_name_plural = _("crew list (FAL 5)")

    def __str__(self) -> str:
        return f"{self.position}. {self.family_name}"


class Passenger(_Person):
    """FAL 6: the passenger list."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="passengers")
    port_of_embarkation = models.CharField(_("port of embarkation"), max_length=5)
    port_of_disembarkation = models.CharField(_("port of disembarkation"), max_length=5)
    transit = models.BooleanField(_("transit passenger"), default=False)

    class Meta(_Person.Meta):
        db_table = "declarations_passenger"  # created when vessels lived in the declarations app
        verbose_name = _("passenger")
        verbose_name_plural = _("passenger list (FAL 6)")

    def __str__(self) -> str:
        return f"{self.position}. {self.family_name}"


class DangerousGood(_Part):
    """FAL 7: dangerous goods manifest."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="dangerous_goods")
    un_number = models.CharField(_("UN number"), max_length=4)
    shipping_name = models.CharField(_("proper shipping name"), max_length=200)
    hazard_class = models.CharField(_("class"), max_length=4)
    packing_group = models.CharField(_("packing group"), max_length=3, blank=True)
    quantity = models.DecimalField(_("quantity (kg)"), **QUANTITY)
    stowage = models.CharField(_("stowage position"), max_length=50, blank=True)
    bill_of_lading = models.CharField(_("bill of lading number"), max_length=50, blank=True)

    class Meta(_Part.Meta):
        db_table = "declarations_dangerousgood"  # created when vessels lived in the declarations app
        verbose_name = _("dangerous good")
        verbose_name_plural = _("dangerous goods (FAL 7)")

    def __str__(self) -> str:
        return f"{self.position}. {self.un_number}"


class PortClearance(models.Model):
    """The international sailing vessel port clearance certificate (国际航行船舶出口岸许可证), issued
    when every agency has released a departure. Its facts are frozen when issued; the QR code carries
    a token over them, so a printed copy whose facts were altered does not verify."""

    declaration = models.OneToOneField(Declaration, on_delete=models.PROTECT, related_name="port_clearance")
    number = models.CharField(_("certificate number"), max_length=20, unique=True)
    facts = models.JSONField(_("facts"))
    digest = models.CharField(_("SHA-256 of the facts"), max_length=64)
    issued_at = models.DateTimeField(_("issued at"))
    valid_until = models.DateTimeField(_("valid until"))
    state = models.CharField(
        _("state"), max_length=10, choices=CertificateState.choices, default=CertificateState.ISSUED
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revocation_reason = models.CharField(_("reason for revocation"), max_length=300, blank=True)

    class Meta:
        db_table = "declarations_portclearance"  # created when vessels lived in the declarations app
        verbose_name = _("port clearance certificate")
        verbose_name_plural = _("port clearance certificates")
        ordering = ["-issued_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state=CertificateState.ISSUED) | Q(revoked_at__isnull=False),
                name="clearance_revoked_has_time",
            )
        ]

    def __str__(self) -> str:
        return self.number
