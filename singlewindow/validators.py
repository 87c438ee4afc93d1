"""Identifier validators shared by models, forms and the declaration rules."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError as StdnumError


def validate_uscc(value: str) -> None:
    """The 18-character Unified Social Credit Code, with its check character."""
    try:
        uscc.validate(value)
    except StdnumError:
        raise ValidationError(
            _("%(value)s is not a valid unified social credit code (18 characters with a check character)."),
            code="invalid_uscc",
            params={"value": value},
        ) from None
