"""`manage.py check --deploy`: an agency secret left at its development default is a warning."""

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register

DEVELOPMENT_SECRET = "insecure-agency-secret"  # noqa: S105 (the value we warn about)


@register(Tags.security, deploy=True)
def agency_secret_check(app_configs: Any, **kwargs: Any) -> list[Warning]:
    if settings.AGENCY_SECRET in (DEVELOPMENT_SECRET, "change-me-too") or len(settings.AGENCY_SECRET) < 24:
        return [
            Warning(
                "AGENCY_SECRET is the development default or shorter than 24 characters.",
                hint="Set AGENCY_SECRET to a long random value shared only with the agencies' systems.",
                id="agencies.W001",
            )
        ]
    return []
