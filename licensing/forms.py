from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from singlewindow.models import Organisation
from singlewindow.services import MASTER_RECORD_FIELDS

from .applications import KIND_FIELDS, LINE_FIELDS, label
from .choices import LicenceKind
from .models import LicenceApplication, LicenceApplicationLine


class MasterRecordForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = MASTER_RECORD_FIELDS


class NewApplicationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of licence"), choices=LicenceKind.choices, widget=forms.RadioSelect)


def application_form(kind: str) -> type[forms.ModelForm]:
    """The form of one kind of licence: the items its licence has, labelled as it prints them."""
    names = list(KIND_FIELDS[kind])
    return forms.modelform_factory(
        LicenceApplication,
        fields=names,
        labels={name: label(name, kind) for name in names},
        widgets={
            "valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "place_of_clearance": forms.TextInput(
                attrs={"list": "list-offices", "class": "code", "autocomplete": "off"}
            ),
        },
    )


def _line_form() -> type[forms.ModelForm]:
    form = forms.modelform_factory(
        LicenceApplicationLine,
        fields=list(LINE_FIELDS),
        widgets={"unit": forms.TextInput(attrs={"list": "list-units", "class": "code", "autocomplete": "off"})},
    )
    for field in form.base_fields.values():
        field.required = False  # a half-filled line can be kept; validation names what is missing
    return form


LineFormSet = forms.formset_factory(_line_form(), extra=1, can_delete=True)


def line_rows(formset: forms.BaseFormSet) -> list[dict[str, Any]]:
    """The goods lines typed, skipping empty and deleted rows."""
    rows = []
    for form in formset.forms:
        data = {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
        if form.cleaned_data.get("DELETE") or not any(v not in (None, "", False) for v in data.values()):
            continue
        rows.append(data)
    return rows
