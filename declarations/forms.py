"""Forms for the one table. They parse and type what was typed; the rules live in validation.py.

Which fields a form has follows the declaration's targets (the registry), so a customs-only
declaration never shows an inspection-only field. Code-list fields are text inputs bound to one
shared <datalist> per list, and check themselves on change through HTMX.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.forms import formset_factory
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import registry
from .choices import DeclarationKind, Direction, DocumentKind, Target
from .defaults import rules_for
from .fields import HS, FieldSpec, Required, specs_for
from .models import Container, Declaration, GoodsLine
from .parties import DOMESTIC_PARTY_FIELDS
from .registry import agencies_for, fields_for
from .selectors import working_rows

REQUIRED_TITLES = {
    Required.ALWAYS: _("Required"),
    Required.IMPORT: _("Required on imports"),
    Required.EXPORT: _("Required on exports"),
}


def datalist_id(reference: str) -> str:
    return f"list-{reference}"


def _decorate(form: forms.BaseForm, specs: list[FieldSpec]) -> None:
    check_url = reverse("declarations:check_field")
    declaration = getattr(getattr(form, "instance", None), "pk", None)
    for spec in specs:
        field = form.fields[spec.name]
        attrs = field.widget.attrs
        if spec.required is not Required.OPTIONAL and not isinstance(field, forms.BooleanField):
            field.required_marker = REQUIRED_TITLES[spec.required]  # type: ignore[attr-defined]
            field.required_when = spec.required.value  # type: ignore[attr-defined]
        if rules := rules_for(spec.key):  # filled from what was typed elsewhere (defaults.py)
            attrs["data-default"] = json.dumps(rules)
        field.reference = spec.reference  # type: ignore[attr-defined]
        if spec.reference:
            attrs["list"] = datalist_id(spec.reference)
            attrs["autocomplete"] = "off"
            attrs["class"] = "code"
        if spec.reference == HS:
            attrs.update(
                {
                    "hx-get": reverse("declarations:hs_suggest"),
                    "hx-trigger": "input changed delay:250ms, change",
                    "hx-target": f"#{datalist_id(HS)}",
                    "hx-swap": "outerHTML",
                    "hx-vals": json.dumps({"field": spec.key}),
                }
            )
        elif offer := registry.field_offer(spec.key):  # another app offers data for this field
            attrs.update(
                {
                    "hx-get": reverse(offer),
                    "hx-trigger": "change",
                    "hx-target": "next .hint",
                    "hx-swap": "outerHTML",
                }
            )
            if declaration:  # offered for this declaration: the offer checks whom it concerns
                attrs["hx-vals"] = json.dumps({"declaration": declaration})
        elif spec.reference or spec.name in ("domestic_party_uscc", "user_unit_uscc", "number"):
            attrs.update(
                {
                    "hx-get": check_url,
                    "hx-trigger": "change",
                    "hx-target": "next .hint",
                    "hx-swap": "outerHTML",
                    "hx-vals": json.dumps({"field": spec.key}),
                }
            )


class NewDeclarationForm(forms.Form):
    """What a new declaration is; customs brokers also choose the client it is for."""

    target = forms.ChoiceField(
        label=_("Declare to"), choices=Target.choices, widget=forms.RadioSelect, initial=Target.BOTH
    )
    direction = forms.ChoiceField(
        label=_("Direction"), choices=Direction.choices, widget=forms.RadioSelect, initial=Direction.IMPORT
    )
    kind = forms.ChoiceField(
        label=_("Declaration kind"), choices=DeclarationKind.choices, initial=DeclarationKind.GENERAL
    )

    def __init__(self, *args: Any, clients: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if clients:
            self.fields["client"] = forms.ChoiceField(
                label=_("Client"), choices=[(str(c.pk), f"{c.name} ({c.uscc})") for c in clients]
            )
            self.order_fields(["client"])


class _SpecForm(forms.ModelForm):
    specs: list[FieldSpec] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _decorate(self, self.specs)


def header_form_class(target: str) -> type[forms.ModelForm]:
    specs = specs_for(fields_for(agencies_for(target)), "header")

    class HeaderForm(_SpecForm):
        class Meta:
            model = Declaration
            fields = ["target", "direction", "kind", *[s.name for s in specs]]
            widgets = {
                "target": forms.Select(attrs={"data-autosave": "1"}),
                "import_export_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                "marks_and_remarks": forms.Textarea(attrs={"rows": 2}),
            }

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            for name in DOMESTIC_PARTY_FIELDS:  # shown, never typed: the owner's record (parties.py)
                if name in self.fields:
                    self.fields[name].disabled = True

    HeaderForm.specs = specs
    return HeaderForm


def _row_form_class(model: type, section: str, target: str) -> type[forms.ModelForm]:
    specs = specs_for(fields_for(agencies_for(target)), section)

    meta = type("Meta", (), {"model": model, "fields": [s.name for s in specs]})
    return type(f"{model.__name__}Form", (_SpecForm,), {"Meta": meta, "specs": specs})


def line_formset_class(target: str) -> type[forms.BaseFormSet]:
    return formset_factory(_row_form_class(GoodsLine, "line", target), extra=0, can_delete=True)


def container_formset_class(target: str) -> type[forms.BaseFormSet]:
    return formset_factory(_row_form_class(Container, "container", target), extra=0, can_delete=True)


class DocumentForm(forms.Form):
    prefix = "document"

    kind = forms.ChoiceField(label=_("Document type"), choices=DocumentKind.choices)
    file = forms.FileField(label=_("File (PDF, JPEG or PNG)"))


def rows_from(formset: forms.BaseFormSet) -> list[dict[str, Any]]:
    """The cleaned rows of a valid formset, without those marked for deletion or left empty."""
    rows = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE"):
            continue
        rows.append({k: v for k, v in data.items() if k != "DELETE"})
    return rows


def kept_forms(formset: forms.BaseFormSet) -> list[forms.BaseForm]:
    """The forms whose rows rows_from() keeps, in the same order (problems refer to these)."""
    return [f for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


def edit_forms(declaration: Declaration, data: Any = None) -> tuple[Any, Any, Any]:
    """The edit page's header form and goods-line and container formsets: bound to what was posted, or
    showing the stored working copy."""
    target = declaration.target
    if data is not None:
        return (
            header_form_class(target)(data, instance=declaration),
            line_formset_class(target)(data, prefix="lines"),
            container_formset_class(target)(data, prefix="containers"),
        )
    lines, containers = working_rows(declaration)
    return (
        header_form_class(target)(instance=declaration),
        line_formset_class(target)(initial=lines, prefix="lines"),
        container_formset_class(target)(initial=containers, prefix="containers"),
    )
