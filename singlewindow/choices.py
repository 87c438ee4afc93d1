"""Portal-wide constants, named once (NetBox choices.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Trade enterprise")
    BROKER = "broker", _("Customs broker")
    AGENCY = "agency", _("Government agency")
    SHIP_AGENCY = "ship_agency", _("Ship agency")
    PLATFORM = "platform", _("Platform operator")


class Agency(models.TextChoices):
    """The government agencies a declaration can be routed to."""

    CUSTOMS = "customs", _("Customs")
    INSPECTION = "inspection", _("Inspection and quarantine")
    MARITIME = "maritime", _("Maritime safety")
    BORDER = "border", _("Border inspection")
    PORT = "port", _("Port authority")
    COMMERCE = "commerce", _("Commerce")


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


class NotificationKind(models.TextChoices):
    SENT_FOR_REVIEW = "sent_for_review", _("Draft sent for review")
    HANDED_TO_BROKER = "handed_to_broker", _("Draft handed to the broker")
    COMMENTED = "commented", _("Comment on a draft")
    APPROVED = "approved", _("Draft approved")
    IMPORT_FINISHED = "import_finished", _("Import finished")
    CLEARANCE_ISSUED = "clearance_issued", _("Port clearance issued")

    @classmethod
    def message(cls, kind: str, params: dict) -> str:
        """The sentence shown to the recipient, in the active language."""
        templates = {
            cls.SENT_FOR_REVIEW: _("%(by)s sent declaration %(declaration)s for your review."),
            cls.HANDED_TO_BROKER: _("%(by)s handed declaration %(declaration)s to you to prepare."),
            cls.COMMENTED: _("%(by)s commented on declaration %(declaration)s: %(text)s"),
            cls.APPROVED: _("%(by)s approved declaration %(declaration)s; it may be submitted."),
            cls.IMPORT_FINISHED: _("Import of %(file)s finished: %(created)s drafts created, %(failed)s with errors."),
            cls.CLEARANCE_ISSUED: _(
                "Every agency has released %(vessel)s: port clearance %(number)s is issued; print it."
            ),
        }
        template = templates.get(kind)  # type: ignore[call-overload]
        if template is None:
            return kind
        try:
            return str(template) % params
        except (KeyError, TypeError, ValueError):
            return str(cls(kind).label)
