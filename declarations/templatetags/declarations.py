import re

from django import template
from django.forms import BoundField

from declarations import codelists
from declarations.fields import HS

register = template.Library()


@register.filter
def code_name(field: BoundField) -> str:
    """The name of the code a code-list field holds, in the active language ('' otherwise)."""
    reference = getattr(field.field, "reference", None)
    value = field.value()
    if not reference or not value or not isinstance(value, str):
        return ""
    name = codelists.name(reference, value.strip().upper())
    return name[:80] if reference == HS else name


@register.filter
def get_item(mapping: dict, key: str) -> object:
    return mapping.get(key, key)


@register.filter
def notes_for(notes: dict | str, field: BoundField) -> list:
    """The notes shown beside one input of the edit form (declarations/field_notes.py): those for this
    input, and those for this field on any row ("id_lines-*-hs_code")."""
    if not isinstance(notes, dict):
        return []
    auto_id = str(field.auto_id)
    any_row = re.sub(r"-\d+-", "-*-", auto_id, count=1)
    return [*notes.get(auto_id, []), *(notes.get(any_row, []) if any_row != auto_id else [])]
