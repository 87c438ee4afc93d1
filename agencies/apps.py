from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = _("Agencies")

    def ready(self) -> None:
        from declarations.registry import register_dispatcher, register_field_map

        from . import adapters, checks  # noqa: F401 (checks registers itself)
        from .border.adapter import ADAPTER as border
        from .customs.adapter import ADAPTER as customs
        from .inspection.adapter import ADAPTER as inspection
        from .maritime.adapter import ADAPTER as maritime

        for adapter in (customs, inspection, border, maritime):
            register_field_map(adapter.field_map)
            adapters.register(adapter)
        from .tasks import enqueue

        register_dispatcher(enqueue)
