"""The e-commerce pages' forms: types only; the rules are the services'."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _


class TaxPaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("Tax paid (yuan)"), max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    reference = forms.CharField(label=_("Payment reference"), max_length=60)


class BookEntryForm(forms.Form):
    item_no = forms.CharField(label=_("Item number"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=250, required=False)
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=19, decimal_places=5, min_value=Decimal("0.00001"))
    reference = forms.CharField(label=_("Entry document"), max_length=60, required=False)


class MonthForm(forms.Form):
    month = forms.DateField(label=_("Month"), input_formats=["%Y-%m"], required=False,
                            widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"))  # fmt: skip
