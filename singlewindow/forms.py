from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import DeclarationKind, Matter


class _EntrustmentForm(forms.Form):
    """What proposing any relation to another firm asks: who, and for how long."""

    counterparty_uscc = forms.CharField(label=_("The other party's unified social credit code"), max_length=18)
    valid_from = forms.DateField(
        label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    valid_until = forms.DateField(
        label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["valid_from"].initial = today
        self.fields["valid_until"].initial = today + timedelta(days=365)


class ProposalForm(_EntrustmentForm):
    field_order = ["counterparty_uscc", "kinds", "may_submit", "valid_from", "valid_until"]

    kinds = forms.MultipleChoiceField(
        label=_("Declaration kinds"), required=False, widget=forms.CheckboxSelectMultiple, choices=DeclarationKind.choices,
        help_text=_("None ticked: every kind."),
    )  # fmt: skip
    may_submit = forms.BooleanField(label=_("The broker may submit"), required=False)


class AgentRelationForm(_EntrustmentForm):
    field_order = ["counterparty_uscc", "as_agent", "valid_from", "valid_until"]

    as_agent = forms.TypedChoiceField(
        label=_("Your enterprise is"),
        choices=[
            ("1", _("the foreign-trade agent, importing or exporting for the other firm")),
            ("0", _("the consumer/producer unit the other firm imports or exports for")),
        ],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="1",
    )


class OneTimeCodeForm(forms.Form):
    """The current code of the user's authenticator app (second factor)."""

    token = forms.CharField(
        label=_("One-time code"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        help_text=_("The 6 digits your authenticator app shows now."),
    )


class _PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.username})"


class AdministratorForm(forms.Form):
    """The legal representative names a licence administrator among the organisation's people."""

    person = _PersonChoice(label=_("Person"), queryset=None)

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]


class GrantForm(_EntrustmentForm):
    """An administrator grants a person of the organisation authority to sign, for a period."""

    field_order = ["person", "full", "matters", "valid_from", "valid_until"]
    counterparty_uscc = None  # type: ignore[assignment]

    person = _PersonChoice(label=_("Agent"), queryset=None)
    full = forms.TypedChoiceField(
        label=_("Authority"),
        choices=[("1", _("Every matter")), ("0", _("Only the matters ticked below"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    matters = forms.MultipleChoiceField(
        label=_("Matters"), required=False, widget=forms.CheckboxSelectMultiple, choices=Matter.choices
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("What will use it"), max_length=100, required=False, help_text=_("For example: our ERP, 2027.")
    )
