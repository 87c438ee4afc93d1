"""The audit trail's actions and their labels. An app whose services record actions names them once, as
TextChoices (NetBox choices.py), and registers them here from its AppConfig.ready(); the admin shows an
entry's action by its label, or by its code when none is registered."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

_labels: dict[str, str | Promise] = {}


def register(*choices: type[models.TextChoices]) -> None:
    for actions in choices:
        for code, label in actions.choices:
            if _labels.get(code, label) != label:
                raise ImproperlyConfigured(f"audit action {code!r} is already registered with another label")
            _labels[code] = label


def label(code: str) -> str:
    """The action's label in the active language; its code if none is registered."""
    return str(_labels.get(code, code))


class PortalAction(models.TextChoices):
    """What the portal core's services (and its admin) record."""

    API_TOKEN_CREATED = "api_token.created", _("API token made")
    API_TOKEN_REVOKED = "api_token.revoked", _("API token revoked")
    API_TOKEN_REVOKED_IN_ADMIN = "api_token.revoked_in_admin", _("API token revoked by the platform administrator")
    DELEGATION_PROPOSED = "delegation.proposed", _("Delegation proposed")
    DELEGATION_CONFIRMED = "delegation.confirmed", _("Delegation confirmed")
    DELEGATION_REVOKED = "delegation.revoked", _("Delegation revoked")
    DELEGATION_TRUST_CHANGED = "delegation.trust_changed", _("Trusted broker changed")
    AGENT_RELATION_PROPOSED = "agent_relation.proposed", _("Agent relation proposed")
    AGENT_RELATION_CONFIRMED = "agent_relation.confirmed", _("Agent relation confirmed")
    AGENT_RELATION_REVOKED = "agent_relation.revoked", _("Agent relation revoked")
    ORGANISATION_UPDATED = "organisation.updated", _("Organisation details changed")


register(PortalAction)
