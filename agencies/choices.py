"""Agencies' constants, named once."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CircuitState(models.TextChoices):
    """Whether the portal sends an agency its branches (agencies/circuit.py)."""

    CLOSED = "closed", _("Answering")
    OPEN = "open", _("Unreachable: branches wait")
    HALF_OPEN = "half_open", _("Unreachable: trying one branch")


class DeliveryAction(models.TextChoices):
    """What the audit trail records about the delivery of a declaration's branches."""

    RETRIED = "delivery.retried", _("Failed delivery sent again")
