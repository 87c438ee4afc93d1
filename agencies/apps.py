from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = _("Agencies")

    def ready(self) -> None:
        from declarations.registry import register_dispatcher, register_field_map

        from . import adapters, checks  # noqa: F401 (checks registers itself)
        from .customs.adapter import ADAPTER as customs
        from .inspection.adapter import ADAPTER as inspection

        for adapter in (customs, inspection):
            register_field_map(adapter.field_map)
            adapters.register(adapter)
        from .tasks import enqueue

        register_dispatcher(enqueue)
