"""Credit constants, named once."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordKind(models.TextChoices):
    """What an agency reports about an enterprise (SPEC S9; reference B6)."""

    PENALTY = "penalty", _("Administrative penalty")
    ABNORMAL_LIST = "abnormal_list", _("Abnormal-operation list")
    SERIOUS_LIST = "serious_list", _("Serious-violation list")
    PERFORMANCE = "performance", _("Performance information")
    INSPECTION_RESULT = "inspection_result", _("Inspection result")
    REGISTRATION = "registration", _("Registration")
    FILING = "filing", _("Filing")
    LICENCE = "licence", _("Licence")
    COMMITMENT = "commitment", _("Credit commitment")
    TAX_ARREARS = "tax_arrears", _("Taxes unpaid")
    AEO_ADVANCED = "aeo_advanced", _("AEO: advanced certified enterprise")
    AEO_CERTIFIED = "aeo_certified", _("AEO: certified enterprise")


class PenaltyType(models.TextChoices):
    WARNING = "warning", _("Warning")
    FINE = "fine", _("Fine")
    CONFISCATION = "confiscation", _("Confiscation")
    SUSPENSION = "suspension", _("Order to stop business")
    LICENCE_REVOKED = "licence_revoked", _("Licence revoked")
    OTHER = "other", _("Other penalty")


class Severity(models.TextChoices):
    MINOR = "minor", _("Minor")
    MODERATE = "moderate", _("Moderate")
    SERIOUS = "serious", _("Serious")


class Outcome(models.TextChoices):
    """How a record reads for the firm: performance, inspection results and commitments can go either way."""

    FAVOURABLE = "favourable", _("Favourable")
    ADVERSE = "adverse", _("Adverse")
    NEUTRAL = "neutral", _("Neutral")


class RecordState(models.TextChoices):
    PUBLISHED = "published", _("In force")
    OBJECTED = "objected", _("Objection being handled")
    CORRECTED = "corrected", _("Corrected")
    REPAIRED = "repaired", _("Repaired")


class Channel(models.TextChoices):
    """How a record arrived."""

    API = "api", _("Agency API")
    FILE = "file", _("Batch file")
    SIGNED = "signed", _("Agency's signed channel")
    DECLARATION = "declaration", _("Declaration path")


class ReleaseMode(models.TextChoices):
    """SPEC S9: the release modes a risk lane decides."""

    ON_DECLARATION = "on_declaration", _("Release on declaration")
    ON_VERIFICATION = "on_verification", _("Release on verification")
    AFTER_SAMPLING = "after_sampling", _("Release after sampling")
    UNDER_SUPERVISION = "under_supervision", _("Release under supervision")


class AppealKind(models.TextChoices):
    """What a firm asks about one of its records."""

    OBJECTION = "objection", _("Objection")
    REPAIR = "repair", _("Credit repair")


class AppealState(models.TextChoices):
    PENDING = "pending", _("Being handled")
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", _("Refused")
