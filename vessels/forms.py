"""Forms of the vessel declaration: they type what was typed; validation.py holds the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms import formset_factory, modelform_factory
from django.utils.translation import gettext_lazy as _

from declarations.choices import Direction

from .models import VesselCall
from .parts import CALL_FIELDS, PARTS, Part

CODES = ("port", "last_port", "next_port")


class NewVesselForm(forms.Form):
    direction = forms.ChoiceField(
        label=_("The call"),
        choices=[(Direction.IMPORT, _("Arrival (entering port)")), (Direction.EXPORT, _("Departure (leaving port)"))],
        widget=forms.RadioSelect,
        initial=Direction.EXPORT,
    )


class VesselCallForm(forms.ModelForm):
    class Meta:
        model = VesselCall
        fields = list(CALL_FIELDS)
        widgets = {"expected_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
        self.fields["expected_at"].input_formats = formats  # type: ignore[attr-defined]
        for name in CODES:
            self.fields[name].widget.attrs.update({"list": "list-ports", "class": "code", "autocomplete": "off"})


class PeopleUploadForm(forms.Form):
    file = forms.FileField(label=_("Excel (.xlsx) or CSV file"))


def part_formset(part: Part) -> type[forms.BaseFormSet]:
    form = modelform_factory(part.model, fields=list(part.fields))
    for field in form.base_fields.values():
        field.required = False  # a half-filled row can be kept; validation names what is missing
    return formset_factory(form, extra=1, can_delete=True)


FORMSETS = {part.key: part_formset(part) for part in PARTS}


def rows_of(formset: forms.BaseFormSet) -> list[dict[str, Any]]:
    rows = []
    for form in formset.forms:
        data = {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
        if form.cleaned_data.get("DELETE") or not any(v not in (None, "", False) for v in data.values()):
            continue
        rows.append(
            {k: ("" if v is None and isinstance(form.fields[k], forms.CharField) else v) for k, v in data.items()}
        )
    return rows
