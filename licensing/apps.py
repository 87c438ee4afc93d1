from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicensingConfig(AppConfig):
    name = "licensing"
    verbose_name = _("Licences and qualifications")

    def ready(self) -> None:
        from declarations.choices import GOODS
        from declarations.registry import Listener, register_listener, register_rule

        from . import writeoff
        from .rules import INSPECTION_REGISTRATION, LICENCES

        register_rule(INSPECTION_REGISTRATION)
        register_rule(LICENCES)
        register_listener(
            Listener(
                key="licensing.writeoff",
                categories=frozenset({GOODS}),
                on_freezing=writeoff.reserve,
                on_status=writeoff.settle,
            )
        )
        # The licence application, a filing of its own (licensing/filing.py), and its notification.
        from declarations.registry import register_category
        from singlewindow import audit_actions, notification_kinds

        from . import filing
        from .choices import LICENCE_ISSUED, QUALIFICATION_APPLIED, LicensingAction

        register_category(filing.CATEGORY)
        register_listener(filing.ISSUE_LISTENER)
        notification_kinds.register(LICENCE_ISSUED, QUALIFICATION_APPLIED)
        audit_actions.register(LicensingAction)  # the admin's audit trail shows them by name
