"""Vessel clearance constants, named once."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from singlewindow.certificates import Verdict
from singlewindow.notification_kinds import NotificationKind

# This app's kind of filing (declarations.registry): a vessel's arrival or departure.
VESSEL = "vessel"
VESSEL_LABEL = _("Vessel declaration")


class IdentityDocument(models.TextChoices):
    """The identity documents FAL5 and FAL6 lists name (IMO FAL Convention, standard 2.1)."""

    PASSPORT = "passport", _("Passport")
    SEAFARER_ID = "seafarer_id", _("Seafarer's identity document")
    OTHER = "other", _("Other identity document")


CertificateStatus = Verdict  # what the public verification page says about a port clearance certificate


class CertificateState(models.TextChoices):
    """A port clearance certificate on record: in force, or revoked by maritime safety."""

    ISSUED = "issued", _("Issued")
    REVOKED = "revoked", pgettext_lazy("certificate", "Revoked")


class VesselAction(models.TextChoices):
    """What the audit trail records about a vessel declaration beyond what every declaration's does."""

    PORT_CLEARANCE_ISSUED = "vessel.port_clearance_issued", _("Port clearance issued")
    PORT_CLEARANCE_REVOKED = "vessel.port_clearance_revoked", _("Port clearance revoked")


CLEARANCE_ISSUED = NotificationKind(
    "clearance_issued",
    _("Port clearance issued"),
    _("Every agency has released %(vessel)s: port clearance %(number)s is issued; print it."),
)
