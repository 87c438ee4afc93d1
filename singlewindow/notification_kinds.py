"""The kinds of notification, registered by the app that sends them (from its AppConfig.ready()), each
with its label and the sentence shown to the recipient. A notification stores its kind's key and its
parameters; the sentence is rendered when read, in the reader's language. A parameter the data holds in both
languages (a department's name) or a translatable text (a rule's label) is kept in both (`in_both`,
`translated`), and read in the reader's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.translation import override

from .languages import in_reader_language


@dataclass(frozen=True)
class NotificationKind:
    key: str  # stored in Notification.kind (at most 30 characters)
    label: str | Promise
    template: str | Promise  # the sentence, with %(name)s parameters

    def __str__(self) -> str:
        return self.key


_kinds: dict[str, NotificationKind] = {}


def register(*kinds: NotificationKind) -> None:
    for kind in kinds:
        if kind.key in _kinds:
            raise ImproperlyConfigured(f"notification kind {kind.key!r} is already registered")
        if apps.ready:  # every process registers the same kinds at start-up
            raise ImproperlyConfigured(f"register notification kind {kind.key!r} from an AppConfig.ready()")
        if len(kind.key) > 30:
            raise ImproperlyConfigured(f"notification kind {kind.key!r} is longer than 30 characters")
        _kinds[kind.key] = kind


def registered() -> list[NotificationKind]:
    return list(_kinds.values())


def kind_choices() -> list[tuple[str, Any]]:
    """Notification.kind's choices: what is registered."""
    return [(kind.key, kind.label) for kind in _kinds.values()]


def message(key: str, params: dict[str, Any]) -> str:
    """The sentence shown to the recipient, in the active language; its label if the parameters do not
    fit (an older notification), its key if the kind is not registered (any more)."""
    kind = _kinds.get(key)
    if kind is None:
        return key
    shown = {
        name: in_reader_language(value.get("zh", ""), value.get("en", "")) if isinstance(value, dict) else value
        for name, value in params.items()
    }
    try:
        return str(kind.template) % shown
    except (KeyError, TypeError, ValueError):
        return str(kind.label)


def in_both(chinese: str, english: str) -> dict[str, str]:
    """A parameter the data holds in both languages: each reader reads it in theirs (the other where that is
    empty)."""
    return {"zh": chinese, "en": english}


def translated(text: str | Promise) -> dict[str, str]:
    """A translatable text as a parameter, kept in both languages as it is now translated."""
    with override("zh-hans"):
        chinese = str(text)
    with override("en"):
        english = str(text)
    return in_both(chinese, english)
