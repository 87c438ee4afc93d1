from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    """Enterprise credit (S9): records from every agency, classes by versioned schemes, risk lanes. Below
    the spine: it imports only singlewindow and takes plain values (USCC, agency codes)."""

    name = "credit"
    verbose_name = _("Enterprise credit")

    def ready(self) -> None:
        from singlewindow import audit_actions

        from .choices import CreditAction

        audit_actions.register(CreditAction)  # the admin's audit trail shows them by name
