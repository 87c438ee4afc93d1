from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicensingConfig(AppConfig):
    name = "licensing"
    verbose_name = _("Licences and qualifications")

    def ready(self) -> None:
        from declarations.registry import register_rule

        from .rules import INSPECTION_REGISTRATION

        register_rule(INSPECTION_REGISTRATION)
