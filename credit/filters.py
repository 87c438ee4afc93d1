"""One filter definition for the officers' credit query page, its exports and the API (NetBox filtersets):
by class (any scheme), source agency, record kind and the period the decision falls in."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from singlewindow.choices import Agency

from .choices import RecordKind
from .models import CreditRecord
from .queries import class_choices, in_class


class RecordFilterSet(django_filters.FilterSet):
    klass = django_filters.ChoiceFilter(choices=class_choices, empty_label=_("All"), label=_("Class"),
                                        method="in_class")  # fmt: skip
    source_agency = django_filters.ChoiceFilter(choices=Agency.choices, empty_label=_("All"), label=_("Source agency"))
    kind = django_filters.ChoiceFilter(choices=RecordKind.choices, empty_label=_("All"), label=_("Kind"))
    decided_from = django_filters.DateFilter(field_name="decided_at", lookup_expr="gte", label=_("Decided from"),
                                             widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    decided_to = django_filters.DateFilter(field_name="decided_at", lookup_expr="lte", label=_("Decided to"),
                                           widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    uscc = django_filters.CharFilter(field_name="uscc", lookup_expr="exact", label=_("Unified social credit code"))

    class Meta:
        model = CreditRecord
        fields = ["klass", "source_agency", "kind", "decided_from", "decided_to", "uscc"]

    def in_class(self, queryset: QuerySet[CreditRecord], name: str, value: Any) -> QuerySet[CreditRecord]:
        return in_class(queryset, value)
