from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EcommerceConfig(AppConfig):
    name = "ecommerce"
    verbose_name = _("Cross-border e-commerce")

    def ready(self) -> None:
        from declarations.registry import register_category
        from singlewindow import audit_actions

        from .choices import EcommerceAction
        from .forwarding import CATEGORY

        # Accepted inventories go to customs as filings of their own (ecommerce/forwarding.py).
        register_category(CATEGORY)
        audit_actions.register(EcommerceAction)  # the admin's audit trail shows them by name
