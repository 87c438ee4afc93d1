"""Licensing's constants, named once: the kinds of licence the portal issues, keyed by the customs
supervision-condition code (监管证件代码) a goods line's commodity code carries, and their states."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from singlewindow.notification_kinds import NotificationKind

# This app's kind of filing (declarations.registry): an application for a trade licence.
LICENCE_APPLICATION = "licapp"
LICENCE_APPLICATION_LABEL = _("Licence application")


class LicenceKind(models.TextChoices):
    """Stored as the supervision-condition code the licence answers (case-sensitive: "t" is not "T")."""

    IMPORT = "1", _("Import licence")
    DUAL_USE_IMPORT = "2", _("Dual-use items and technologies import licence")
    DUAL_USE_EXPORT = "3", _("Dual-use items and technologies export licence")
    EXPORT = "4", _("Export licence")
    AUTOMATIC_IMPORT = "7", _("Automatic import licence")
    CITES_EXPORT = "E", _("Endangered species export permit (CITES)")
    CITES_IMPORT = "F", _("Endangered species import permit (CITES)")
    TARIFF_QUOTA = "t", _("Tariff-rate quota certificate")


class LicenceState(models.TextChoices):
    ISSUED = "issued", _("Issued")
    PARTIALLY_USED = "partially_used", _("Partially used")
    EXHAUSTED = "exhausted", _("Used up")
    REVOKED = "revoked", pgettext_lazy("licence", "Revoked")


class UseState(models.TextChoices):
    """A declaration's write-off on one licence line: reserved when it is submitted, consumed when it is
    released, returned when it is rejected or superseded by a newer version (never after release)."""

    RESERVED = "reserved", _("Reserved")
    CONSUMED = "consumed", _("Written off")
    RETURNED = "returned", _("Given back")


# Which way the goods of a licence go (the application's Declaration.direction).
EXPORT_KINDS = frozenset({LicenceKind.EXPORT, LicenceKind.DUAL_USE_EXPORT, LicenceKind.CITES_EXPORT})

LICENCE_ISSUED = NotificationKind(
    "licence_issued",
    _("Licence issued"),
    _("Licence %(number)s is issued: print it, or cite it on your declarations."),
)
# Told to the officers of the agency that decides the kind of qualification a firm applied for.
QUALIFICATION_APPLIED = NotificationKind(
    "qualification_applied",
    _("Qualification application to review"),
    _("%(firm)s (%(uscc)s) applied for a qualification your agency decides: review it."),
)


class LicensingAction(models.TextChoices):
    """What the audit trail records about licences and qualifications."""

    LICENCE_ISSUED = "licence.issued", _("Licence issued")
    QUALIFICATION_APPLIED = "qualification.applied", _("Qualification applied for")
    QUALIFICATION_APPROVED = "qualification.approved", _("Qualification application approved")
    QUALIFICATION_REJECTED = "qualification.rejected", _("Qualification application rejected")
