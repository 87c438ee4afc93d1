from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# One line per agency the portal talks to, each with its folder agencies/<agency>/ (adapter.py: what
# it receives and how its messages look). The order is the order branches are listed in.
AGENCIES = ("customs", "inspection", "border", "maritime", "commerce")


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = _("Agencies")

    def ready(self) -> None:
        from declarations.registry import AgencyReceives, register_agency, register_dispatcher, register_outages
        from singlewindow import audit_actions
        from vessels.choices import VESSEL

        from . import adapters, checks  # noqa: F401 (checks registers itself)
        from .choices import DeliveryAction
        from .circuit import outages
        from .tasks import enqueue

        for agency in AGENCIES:
            adapter = import_module(f"agencies.{agency}.adapter").ADAPTER
            adapters.register(adapter)
            register_agency(
                AgencyReceives(
                    agency=agency,
                    categories=adapter.categories,
                    goods=adapter.goods.field_map if adapter.goods else None,
                    parts={VESSEL: adapter.vessel_parts} if adapter.vessel_parts else {},
                )
            )
        register_dispatcher(enqueue)
        register_outages(outages)
        audit_actions.register(DeliveryAction)  # the admin's audit trail shows them by name
