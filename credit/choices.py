"""Credit constants, named once."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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
    SPOT_CHECK = "spot_check", _("Double-random spot check")
    COMMITMENT = "commitment", _("Credit commitment")


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


class ConductCategory(models.TextChoices):
    """The seven groups the prohibited-conduct catalogue shows its results in (Hengqin, seed case 7)."""

    REGISTRATION = "registration", _("Registration rules")
    UNFAIR_COMPETITION = "unfair_competition", _("Unfair competition rules")
    TRADEMARKS = "trademarks", _("Trademark rules")
    PRODUCT_QUALITY = "product_quality", _("Product quality rules")
    ADVERTISING = "advertising", _("Advertising rules")
    CONSUMER_PROTECTION = "consumer_protection", _("Consumer protection rules")
    OTHER = "other", _("Other laws")


class ConductState(models.TextChoices):
    """A catalogue item's life: written, reviewed by experts, published; a newer version supersedes it."""

    DRAFT = "draft", _("Draft")
    REVIEWED = "reviewed", _("Reviewed")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")


class AccessSurface(models.TextChoices):
    """Where someone outside the firm saw its non-public records (S9: access to credit data is logged)."""

    QUERY_PAGE = "query_page", _("Officers' query page")
    CSV_EXPORT = "csv_export", _("CSV export")
    XLSX_EXPORT = "xlsx_export", _("Excel export")
    RECORDS_API = "records_api", _("Records API")
    CLASSES_API = "classes_api", _("Classes API")
    REPORT = "report", _("Credit report")


class SpotOutcome(models.TextChoices):
    """What a double-random spot check found at a firm (SPEC S9), and so the record it writes back."""

    PENDING = "pending", _("Not checked yet")
    NO_PROBLEM = "no_problem", _("No problem found")
    MINOR = "minor", _("Minor issues to correct")
    REFUSED = "refused", _("Refused to cooperate")
    UNREACHABLE = "unreachable", _("Unreachable at its registered address")
    INVESTIGATING = "investigating", _("Violation under investigation")


class CommitmentKind(models.TextChoices):
    """The credit commitments a firm makes (信用承诺): of its own accord, to repair its credit, or as a member
    of a self-regulating trade body."""

    SELF_DISCLOSURE = "self_disclosure", _("Self-disclosure commitment")
    REPAIR = "repair", _("Credit repair commitment")
    SELF_REGULATION = "self_regulation", _("Self-regulation commitment")


class CommitmentState(models.TextChoices):
    """A commitment in its period, then kept or broken as the agency it was made to records it."""

    OPEN = "open", _("Being fulfilled")
    KEPT = "kept", pgettext_lazy("credit commitment", "Kept")
    BROKEN = "broken", pgettext_lazy("credit commitment", "Broken")


class CreditAction(models.TextChoices):
    """What the audit trail records about credit records, appeals, commitments, reports, spot checks and the
    prohibited conduct catalogue."""

    RECORD_RECEIVED = "credit.record_received", _("Credit record received")
    OBJECTION_FILED = "credit.objection_filed", _("Objection filed")
    OBJECTION_DECIDED = "credit.objection_decided", _("Objection decided")
    REPAIR_FILED = "credit.repair_filed", _("Credit repair applied for")
    REPAIR_DECIDED = "credit.repair_decided", _("Credit repair decided")
    COMMITMENT_FILED = "credit.commitment_filed", _("Credit commitment filed")
    COMMITMENT_FULFILMENT = "credit.commitment_fulfilment", _("Commitment fulfilment recorded")
    REPORT_ISSUED = "credit.report_issued", _("Credit report issued")
    SPOT_CHECK_DRAWN = "credit.spot_check_drawn", _("Spot check drawn")
    SPOT_CHECK_RESULT = "credit.spot_check_result", _("Spot check result recorded")
    CONDUCT_IMPORTED = "credit.conduct_imported", _("Prohibited conduct imported")
    CONDUCT_CREATED = "credit.conduct_created", _("Prohibited conduct added")
    CONDUCT_EDITED = "credit.conduct_edited", _("Prohibited conduct draft changed")
    CONDUCT_REVIEWED = "credit.conduct_reviewed", _("Prohibited conduct reviewed")
    CONDUCT_PUBLISHED = "credit.conduct_published", _("Prohibited conduct published")
    CONDUCT_SUPERSEDED = "credit.conduct_superseded", _("Prohibited conduct superseded")
    CONDUCT_NEW_VERSION = "credit.conduct_new_version", _("New version of prohibited conduct started")
