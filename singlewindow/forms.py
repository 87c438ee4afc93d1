from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import DeclarationKind


class ProposalForm(forms.Form):
    counterparty_uscc = forms.CharField(label=_("The other party's unified social credit code"), max_length=18)
    kinds = forms.MultipleChoiceField(
        label=_("Declaration kinds"), required=False, widget=forms.CheckboxSelectMultiple, choices=DeclarationKind.choices,
        help_text=_("None ticked: every kind."),
    )  # fmt: skip
    may_submit = forms.BooleanField(label=_("The broker may submit"), required=False)
    valid_from = forms.DateField(
        label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    valid_until = forms.DateField(
        label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["valid_from"].initial = today
        self.fields["valid_until"].initial = today + timedelta(days=365)
