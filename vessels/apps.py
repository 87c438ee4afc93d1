from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VesselsConfig(AppConfig):
    name = "vessels"
    verbose_name = _("Vessel clearance")

    def ready(self) -> None:
        from declarations import registry
        from singlewindow import audit_actions, notification_kinds

        from . import filing
        from .choices import CLEARANCE_ISSUED, VesselAction

        registry.register_category(filing.CATEGORY)
        registry.register_rule(filing.MANIFEST_RULE)
        registry.register_listener(filing.CLEARANCE_LISTENER)
        registry.register_field_offer(field_key="header.bill_of_lading", url_name="manifest_offer")
        notification_kinds.register(CLEARANCE_ISSUED)
        audit_actions.register(VesselAction)  # the admin's audit trail shows them by name
