from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeclarationsConfig(AppConfig):
    name = "declarations"
    verbose_name = _("Declarations")

    def ready(self) -> None:
        from singlewindow import audit_actions, notification_kinds

        from . import checks, goods, parties, registry  # noqa: F401 (checks registers itself)
        from .choices import NOTIFICATION_KINDS, DeclarationAction, ImportAction

        registry.register_category(goods.CATEGORY)
        registry.register_rule(parties.PARTIES_RULE)
        notification_kinds.register(*NOTIFICATION_KINDS)
        audit_actions.register(DeclarationAction, ImportAction)  # the admin's audit trail shows them by name
