"""`manage.py check` verifies what other apps plugged into the spine: every category can be numbered and
has a page, every category an agency takes is registered (with the parts it is sent), every rule and listener names a registered
category, a dispatcher delivers the outbox. `manage.py check --deploy` also lists it all."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, Info, register
from django.urls import NoReverseMatch, reverse

from . import registry


@register("registry")
def registry_check(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    categories = {c.key for c in registry.categories()}
    for category in registry.categories():
        if not callable(category.number) or not callable(category.agencies):
            messages.append(Error(f"category {category.key!r} has no numbering or routing", id="declarations.E001"))
        try:
            reverse(category.detail_url, args=[1])
        except NoReverseMatch:
            messages.append(
                Error(f"category {category.key!r}: no page named {category.detail_url!r}", id="declarations.E002")
            )
    agencies = set(registry.registered_agencies())
    for agency in agencies:
        for key in registry.agencies_receiving_all().get(agency, ()):
            if key not in categories:
                messages.append(
                    Error(f"agency {agency!r} takes category {key!r}, which nobody registered", id="declarations.E003")
                )
            elif unknown := set(registry.parts_for(agency, key)) - set(registry.category(key).parts):
                # an officer is shown only its agency's parts of a category's declared parts
                messages.append(
                    Error(
                        f"agency {agency!r} is sent parts {sorted(unknown)} of {key!r} the category does not declare",
                        id="declarations.E007",
                    )
                )
    for rule in registry.rules():
        if rule.category not in categories:
            messages.append(
                Error(f"rule {rule.key!r} is for category {rule.category!r}, not registered", id="declarations.E004")
            )
    for listener in registry.listeners():
        for key in listener.categories - categories:
            messages.append(
                Error(f"listener {listener.key!r} names category {key!r}, not registered", id="declarations.E005")
            )
    if not registry.registrations()["dispatcher"]:
        messages.append(
            Error("no dispatcher delivers the outbox (is the agencies app installed?)", id="declarations.E006")
        )
    return messages


@register("registry", deploy=True)
def registry_listing(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """`manage.py check --deploy` also says what is plugged in (kept out of every other command's output)."""
    listing = "; ".join(f"{kind}: {', '.join(items) or '—'}" for kind, items in registry.registrations().items())
    return [Info(f"Registered with the declarations spine: {listing}", id="declarations.I001")]
