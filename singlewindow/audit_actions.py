"""The audit trail's actions and their labels. An app whose services record actions names them once, as
TextChoices (NetBox choices.py), and registers them here from its AppConfig.ready(); the admin shows an
entry's action by its label, or by its code when none is registered. An audited admin registers the saves
it records of its model (AdminSave). tests/test_audit_actions.py reads the source for unregistered codes."""

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


class AdminSave(models.TextChoices):
    """What an audited admin (singlewindow.admin.AuditedAdmin) records when it saves a row, after the model's
    name: "organisation.updated_in_admin". Registered for each model such an admin edits."""

    CREATED = "created_in_admin", _("Added by the platform administrator")
    UPDATED = "updated_in_admin", _("Changed by the platform administrator")


def admin_save(model: type[models.Model], save: AdminSave) -> str:
    return f"{model._meta.model_name}.{save.value}"


def register_admin_saves(model: type[models.Model]) -> None:
    for save in AdminSave:
        _labels[admin_save(model, save)] = save.label


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


class ElicenceAction(models.TextChoices):
    """What the electronic licence's services record (singlewindow/elicence.py): who manages it and signs
    under it, its signatures and its showings."""

    LEGAL_REPRESENTATIVE_APPOINTED = "elicence.legal_representative_appointed", _("Legal representative appointed")
    ADMINISTRATOR_ADDED = "elicence.administrator_added", _("Licence administrator added")
    ADMINISTRATOR_REMOVED = "elicence.administrator_removed", _("Licence administrator removed")
    GRANT_GIVEN = "elicence.grant_given", _("Signing authority granted")
    GRANT_REVOKED = "elicence.grant_revoked", _("Signing authority revoked")
    SUBMISSION_SIGNED = "submission.signed", _("Submission signed")
    PRESENTED = "elicence.presented", _("Licence shown")
    PRESENTATION_VERIFIED = "elicence.presentation_verified", _("Shown licence verified")


register(PortalAction, ElicenceAction)
