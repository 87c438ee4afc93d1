"""A write refuses what it would otherwise drop without a word: a field the operation does not take
(a misspelt "gross_wieght"), or one the portal sets itself. Mixed into a serializer, nested ones included, so
the refusal names the exact path ("lines[0].bogus") in the API's error shape."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

UNKNOWN_FIELD = "unknown_field"
READ_ONLY = "read_only"


class StrictFieldsMixin:
    """Refuse (400) a body's fields the serializer does not write: unknown ones with code `unknown_field`,
    read-only ones with code `read_only`. `echoed_fields`, read-only fields the API answers with and an
    integrator sends back as read (id, status), are let through when they hold the object's value."""

    echoed_fields: tuple[str, ...] = ()

    def to_internal_value(self, data: Any) -> Any:
        refused: dict[str, Any] = {}
        if isinstance(data, Mapping):
            found = {name: self._refusal(name, data[name]) for name in data}
            refused = {name: [problem] for name, problem in found.items() if problem is not None}
        try:
            value = super().to_internal_value(data)  # type: ignore[misc]
        except serializers.ValidationError as invalid:  # every problem at once, nested rows' too
            if isinstance(invalid.detail, dict):
                raise serializers.ValidationError({**invalid.detail, **refused}) from None
            raise
        if refused:
            raise serializers.ValidationError(refused)
        return value

    def echo_matches(self, name: str, value: Any) -> bool:
        """Whether an echoed read-only field holds what the API answers for this object."""
        instance = getattr(self, "instance", None)
        if instance is None:
            return False
        field = self.fields[name]  # type: ignore[attr-defined]
        return str(field.to_representation(field.get_attribute(instance))) == str(value)

    def _refusal(self, name: str, value: Any) -> serializers.ErrorDetail | None:
        field = self.fields.get(name)  # type: ignore[attr-defined]
        if field is None:
            return serializers.ErrorDetail(
                _("This operation does not take this field: check its name against the API schema."),
                code=UNKNOWN_FIELD,
            )
        if not field.read_only or (name in self.echoed_fields and self.echo_matches(name, value)):
            return None
        return serializers.ErrorDetail(_("The portal sets this field: leave it out of the request."), code=READ_ONLY)


__all__ = ["READ_ONLY", "UNKNOWN_FIELD", "StrictFieldsMixin"]
