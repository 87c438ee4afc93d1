"""Declaration constants, named once."""

from django.db import models
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from singlewindow.choices import DeclarationKind  # portal-wide: delegations are granted per kind
from singlewindow.notification_kinds import NotificationKind

__all__ = ["DeclarationKind"]


# The spine's own kind of filing, the one table; other apps register theirs (declarations/registry.py).
GOODS = "goods"
GOODS_LABEL = _("Goods declaration")


class Target(models.TextChoices):
    """Which agencies the firm declares to in the one table."""

    BOTH = "both", _("Customs and inspection")
    CUSTOMS = "customs", _("Customs only")
    INSPECTION = "inspection", _("Inspection only")


class Direction(models.TextChoices):
    IMPORT = "import", pgettext_lazy("direction of goods", "Import")
    EXPORT = "export", pgettext_lazy("direction of goods", "Export")


class DeclarationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    REJECTED = "rejected", _("Rejected: correct and resubmit")
    RELEASED = "released", _("Released")
    REVOKED = "revoked", _("Release revoked")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Being delivered")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Delivery failed")
    CANCELLED = "cancelled", _("Superseded by a newer version")


class EventKind(models.TextChoices):
    """What happened on one agency's branch, in the vocabulary of its receipts (ACE-like)."""

    SUBMITTED = "submitted", _("Submitted")
    DELIVERED = "delivered", _("Delivered to the agency")
    DELIVERY_FAILED = "delivery_failed", _("Delivery failed")
    RECEIVED = "received", _("Received by the agency")
    ACCEPTED = "accepted", _("Accepted, under review")
    REJECTED = "rejected", _("Rejected")
    INSPECTION_ORDERED = "inspection_ordered", _("Inspection ordered")
    INSPECTION_RESULT = "inspection_result", _("Inspection result")
    DUTIES_ASSESSED = "duties_assessed", _("Duties assessed")
    PAYMENT = "payment", _("Payment")
    HELD = "held", _("Held")
    RELEASED = "released", _("Released")
    RELEASE_REVOKED = "release_revoked", _("Release revoked")


class InspectionResult(models.TextChoices):
    """What an inspection found, as an agency's receipt says it (its <Result>)."""

    PASSED = "passed", pgettext_lazy("inspection result", "Passed")
    FAILED = "failed", pgettext_lazy("inspection result", "Failed")


# A branch in one of these states stays there: a later receipt is kept for the record and changes
# nothing, except an explicit revocation of a release (declarations/events.py).
FINAL_KINDS = frozenset({EventKind.RELEASED, EventKind.REJECTED, EventKind.RELEASE_REVOKED})


class PaymentStatus(models.TextChoices):
    UNPAID = "unpaid", _("Unpaid")
    PAID = "paid", _("Paid")
    GUARANTEED = "guaranteed", _("Guaranteed")


class DocumentKind(models.TextChoices):
    INVOICE = "invoice", _("Commercial invoice")
    PACKING_LIST = "packing_list", _("Packing list")
    CONTRACT = "contract", _("Contract")
    LICENCE = "licence", _("Licence")
    CERTIFICATE = "certificate", _("Certificate")
    BILL_OF_LADING = "bill_of_lading", _("Bill of lading")
    OTHER = "other", _("Other")


class CodeList(models.TextChoices):
    """The code lists a declaration is checked against (besides HS, countries and currencies)."""

    CUSTOMS_OFFICES = "customs_offices", _("Customs offices")
    PORTS = "ports", _("Ports (UN/LOCODE)")
    TRANSPORT_MODES = "transport_modes", _("Transport modes")
    TRADE_MODES = "trade_modes", _("Trade modes (supervision modes)")
    LEVY_NATURES = "levy_natures", _("Levy natures")
    DUTY_MODES = "duty_modes", _("Duty modes")
    UNITS = "units", _("Units of measure")
    PACKAGE_TYPES = "package_types", _("Package types")
    INCOTERMS = "incoterms", _("Incoterms")
    INSPECTION_AUTHORITIES = "inspection_authorities", _("Inspection authorities")
    PURPOSES = "purposes", _("Purposes of imported goods")
    CONTAINER_TYPES = "container_types", _("Container size and type")


class DeclarationAction(models.TextChoices):
    """What the audit trail records about a declaration."""

    CREATED = "declaration.created", _("Created")
    IMPORTED = "declaration.imported", _("Imported from a file")
    DRAFT_SAVED = "declaration.draft_saved", _("Draft changed")
    SUBMITTED = "declaration.submitted", _("Submitted")
    COPIED = "declaration.copied", _("Copied from another declaration")
    DOCUMENT_ATTACHED = "declaration.document_attached", _("Document attached")
    DOCUMENT_REMOVED = "declaration.document_removed", _("Document removed")
    DISCARDED = "declaration.discarded", _("Draft discarded")
    STATUS_DERIVED = "declaration.status_derived", _("Status changed by the agencies' receipts")
    EXCHANGE_SENT = "declaration.sent_for_review", _("Revision sent")
    EXCHANGE_APPROVED = "declaration.approved", _("Approved by the client")
    TEMPLATE_SAVED = "declaration.template_saved", _("Saved as a template")
    FROM_TEMPLATE = "declaration.from_template", _("Started from a saved template")


class ReviewState(models.TextChoices):
    """Where a draft stands between a customs broker and its client (draft exchange)."""

    NONE = "", _("Not under review")
    WITH_CLIENT = "with_client", _("Sent to the client for review")
    WITH_BROKER = "with_broker", _("Handed to the broker")
    APPROVED = "approved", _("Approved by the client")


class ImportFormat(models.TextChoices):
    XML = "xml", "XML"
    XLSX = "xlsx", _("Excel workbook")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Refused")


class ImportAction(models.TextChoices):
    """What the audit trail records about an import of a file of declarations."""

    QUEUED = "import.queued", _("Import file queued")
    FINISHED = "import.finished", _("Import finished")


# What this app tells people (registered in apps.py).
SENT_FOR_REVIEW = NotificationKind(
    "sent_for_review", _("Draft sent for review"), _("%(by)s sent declaration %(declaration)s for your review.")
)
HANDED_TO_BROKER = NotificationKind(
    "handed_to_broker",
    _("Draft handed to the broker"),
    _("%(by)s handed declaration %(declaration)s to you to prepare."),
)
RETURNED_TO_BROKER = NotificationKind(
    "returned_to_broker",
    _("Draft returned to the broker"),
    _("%(by)s returned declaration %(declaration)s to you. %(note)s"),
)
COMMENTED = NotificationKind(
    "commented", _("Comment on a draft"), _("%(by)s commented on declaration %(declaration)s: %(text)s")
)
APPROVED = NotificationKind(
    "approved", _("Draft approved"), _("%(by)s approved declaration %(declaration)s; it may be submitted.")
)
IMPORT_FINISHED = NotificationKind(
    "import_finished",
    _("Import finished"),
    _("Import of %(file)s finished: %(created)s drafts created, %(failed)s with errors."),
)
NOTIFICATION_KINDS = (SENT_FOR_REVIEW, HANDED_TO_BROKER, RETURNED_TO_BROKER, COMMENTED, APPROVED, IMPORT_FINISHED)


# What the edit pages, goods and vessels alike, say once they have read the form.
DRAFT_NOT_SAVED = _("Some values could not be read; nothing was saved. See the marked fields.")


def draft_saved(problems: int | None = None) -> str:
    """What an edit page says once it has saved the draft: only that (problems=None: not checked), that it
    is ready to submit (checked, no problems), or how many problems stand in the way."""
    if problems is None:
        return gettext("Draft saved.")
    if not problems:
        return gettext("Draft saved. No problems found: the declaration is ready to submit.")
    return ngettext(
        "Draft saved, but it has %(count)d problem to fix before it can be submitted.",
        "Draft saved, but it has %(count)d problems to fix before it can be submitted.",
        problems,
    ) % {"count": problems}
