"""One filter definition for the declaration list page and the API (NetBox filtersets)."""

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .choices import DeclarationKind, DeclarationStatus, Direction, Target
from .models import Declaration


class DeclarationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=DeclarationStatus.choices, empty_label=_("All"), label=_("Status"))
    target = django_filters.ChoiceFilter(choices=Target.choices, empty_label=_("All"), label=_("Declare to"))
    direction = django_filters.ChoiceFilter(choices=Direction.choices, empty_label=_("All"), label=_("Direction"))
    kind = django_filters.ChoiceFilter(
        choices=DeclarationKind.choices, empty_label=_("All"), label=_("Declaration kind")
    )
    submitted_from = django_filters.DateFilter(
        field_name="submitted_at",
        lookup_expr="date__gte",
        label=_("Submitted from"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    submitted_to = django_filters.DateFilter(
        field_name="submitted_at",
        lookup_expr="date__lte",
        label=_("Submitted to"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Declaration
        fields = ["q", "status", "target", "direction", "kind", "submitted_from", "submitted_to"]

    def search(self, queryset: QuerySet[Declaration], name: str, value: str) -> QuerySet[Declaration]:
        value = value.strip()
        return queryset.filter(
            Q(pre_entry_no__icontains=value)
            | Q(bill_of_lading__icontains=value)
            | Q(contract_no__icontains=value)
            | Q(domestic_party_name__icontains=value)
            | Q(overseas_party_name__icontains=value)
        )
