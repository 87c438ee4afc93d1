"""`manage.py check --deploy`: no published or shared secret goes to production.

Errors, not warnings (`make test` and the container's start run `check --deploy --fail-level ERROR`):
the secret key, the portal's signing key or an agency's key left at its published development value,
or unset (which means the same); a key that is not a key; one key serving twice (two agencies, or an
agency and the portal), so that one party could sign as another.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

from singlewindow.signatures import KeyTextError, development_private_text, key_id, public_text

from .adapters import adapters

DEVELOPMENT_SECRET_KEY = "insecure-development-key-change-me"  # noqa: S105 (the value we refuse)
HINT = "Generate a set with `make keys` (it writes .env); docs/AGENCY_PROTOCOL.md section 4 says how to enrol one."


@register(Tags.security, deploy=True)
def secrets_check(app_configs: Any, **kwargs: Any) -> list[Error]:
    errors: list[Error] = []
    if settings.SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(settings.SECRET_KEY) < 50:
        errors.append(
            Error(
                "SECRET_KEY is unset, the development default, or shorter than 50 characters.",
                hint=HINT,
                id="agencies.E001",
            )
        )
    owners: dict[str, str] = {}  # public key id → who holds it
    try:
        portal = public_text(settings.PORTAL_SIGNING_KEY)
    except KeyTextError as error:
        errors.append(Error(f"PORTAL_SIGNING_KEY is not an Ed25519 key ({error}).", hint=HINT, id="agencies.E002"))
    else:
        owners[key_id(portal)] = "the portal"
        if development_private_text("portal") == settings.PORTAL_SIGNING_KEY:
            errors.append(Error("PORTAL_SIGNING_KEY is unset or the development key.", hint=HINT, id="agencies.E002"))
        if settings.PORTAL_SIGNING_KEY == settings.SECRET_KEY:
            errors.append(Error("PORTAL_SIGNING_KEY is the SECRET_KEY.", hint=HINT, id="agencies.E004"))
    for agency in (adapter.agency for adapter in adapters()):
        name = f"AGENCY_{agency.upper()}_PUBLIC_KEYS"
        keys = settings.AGENCY_PUBLIC_KEYS[agency]
        if not 1 <= len(keys) <= 2:
            errors.append(Error(f"{name} must hold one key, or two while rotating.", hint=HINT, id="agencies.E003"))
        for text in keys:
            try:
                kid = key_id(text)
            except KeyTextError as error:
                errors.append(
                    Error(f"{name} holds a value that is not a key ({error}).", hint=HINT, id="agencies.E003")
                )
                continue
            if text == public_text(development_private_text(agency)):
                errors.append(Error(f"{name} is unset or the development key.", hint=HINT, id="agencies.E003"))
            if kid in owners:
                errors.append(Error(f"{name} holds a key of {owners[kid]}.", hint=HINT, id="agencies.E004"))
            owners[kid] = agency
    return errors
