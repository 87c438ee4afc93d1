"""What every page's header and footer need: a broker's clients and the one it works for now, how many
notifications are unread, and who runs the portal."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

from . import delegations, notifications
from .choices import OrganisationKind
from .views import CLIENT_SESSION_KEY


def broker_clients(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    org = getattr(user, "organisation", None)
    if not user.is_authenticated or org is None or org.kind != OrganisationKind.BROKER:
        return {}
    clients = delegations.clients_of(broker_id=org.pk)
    chosen = request.session.get(CLIENT_SESSION_KEY)
    return {"broker_clients": clients, "broker_client": next((c for c in clients if c.pk == chosen), None)}


def unread_notifications(request: HttpRequest) -> dict[str, Any]:
    if not request.user.is_authenticated:
        return {}
    return {"unread_notifications": notifications.unread_count(request.user)}


def portal_operator(request: HttpRequest) -> dict[str, Any]:
    """The footer: the operator, its help line and service hours (settings PORTAL_OPERATOR, PORTAL_HELP_LINE,
    PORTAL_SERVICE_HOURS)."""
    return {
        "portal_operator": settings.PORTAL_OPERATOR,
        "portal_help_line": settings.PORTAL_HELP_LINE,
        "portal_service_hours": settings.PORTAL_SERVICE_HOURS or _("Monday to Friday, 9:00–17:00 (Beijing time)"),
    }
