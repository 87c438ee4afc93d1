from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = _("Agencies")

    def ready(self) -> None:
        from declarations.registry import register_field_map

        from .customs.fields import FIELD_MAP as customs
        from .inspection.fields import FIELD_MAP as inspection

        register_field_map(customs)
        register_field_map(inspection)
