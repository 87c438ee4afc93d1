from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    """ "Four ones" parallel approvals (seed case 5): a client of the spine, sibling of licensing and
    vessels; it uses singlewindow (organisations, audit, notifications, certificates) and nothing above."""

    name = "approvals"
    verbose_name = _("Parallel approvals")

    def ready(self) -> None:
        from singlewindow import audit_actions, notification_kinds

        from . import checks  # noqa: F401 (registers the calendar check)
        from .choices import NOTIFICATION_KINDS, ApprovalAction

        notification_kinds.register(*NOTIFICATION_KINDS)
        audit_actions.register(ApprovalAction)  # the admin's audit trail shows them by name
