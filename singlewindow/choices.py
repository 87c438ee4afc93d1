"""Portal-wide constants, named once (NetBox choices.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Trade enterprise")
    BROKER = "broker", _("Customs broker")
    AGENCY = "agency", _("Government agency")
    SHIP_AGENCY = "ship_agency", _("Ship agency")
    PLATFORM = "platform", _("Platform operator")


# The organisations that trade and declare: they keep a master record (customs and inspection codes,
# qualifications), hold an electronic licence and apply for qualifications. Agencies and the operator
# do none of that.
FIRM_KINDS = (OrganisationKind.ENTERPRISE, OrganisationKind.BROKER, OrganisationKind.SHIP_AGENCY)


class Agency(models.TextChoices):
    """The government agencies a declaration can be routed to."""

    CUSTOMS = "customs", _("Customs")
    INSPECTION = "inspection", _("Inspection and quarantine")
    MARITIME = "maritime", _("Maritime safety")
    BORDER = "border", _("Border inspection")
    PORT = "port", _("Port authority")
    COMMERCE = "commerce", _("Commerce")
    # A local government department reviewing parallel approvals (approvals/): routed no declarations.
    LOCAL = "local", _("Local government department")


class Role(models.TextChoices):
    DECLARANT = "declarant", _("Declarant")
    MANAGER = "manager", _("Organisation manager")
    OFFICER = "officer", _("Agency officer")
    ADMIN = "admin", _("Platform administrator")


class DelegationStatus(models.TextChoices):
    PROPOSED = "proposed", _("Awaiting confirmation")
    ACTIVE = "active", _("Active")
    REVOKED = "revoked", _("Revoked")


class DeclarationKind(models.TextChoices):
    GENERAL = "general", _("General trade")
    BONDED = "bonded", _("Special supervision zone (bonded)")
    ECOMMERCE = "ecommerce", _("Cross-border e-commerce")
    EXPRESS = "express", _("Express")


class Matter(models.TextChoices):
    """What a submission is, for the enterprise electronic licence: an agent's grant names the matters it
    covers (or all), and every submission is signed for one of them."""

    DECLARATION = "declaration", _("Goods declarations")
    VESSEL = "vessel", _("Vessel declarations")
    LICENCE_APPLICATION = "licence_application", _("Licence applications")
    APPROVAL_FILING = "approval_filing", _("Approval filings")


class SigningCapacity(models.TextChoices):
    """In what right a person signed for their organisation."""

    LEGAL_REPRESENTATIVE = "legal_representative", _("Legal representative")
    AGENT = "agent", _("Agent under a grant")
