from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SingleWindowConfig(AppConfig):
    name = "singlewindow"
    verbose_name = _("Portal")
