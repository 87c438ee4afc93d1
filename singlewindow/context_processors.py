"""What every page's header needs: a broker's clients and the one it works for now, and how many
notifications are unread."""

from typing import Any

from django.http import HttpRequest

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
