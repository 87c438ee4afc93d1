"""One filter definition for the declaration list page and the API (NetBox filtersets). What a
declaration says is searched and filtered by the selectors: the working copy for the firm and its
broker, the version delivered for an agency's officer (so the filterset needs the request)."""

from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from singlewindow.models import User

from .choices import DeclarationKind, DeclarationStatus, Direction, Target
from .models import Declaration
from .selectors import declarations_search, declarations_where, may_declare


class DeclarationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=DeclarationStatus.choices, empty_label=_("All"), label=_("Status"))
    target = django_filters.ChoiceFilter(
        choices=Target.choices, empty_label=_("All"), label=_("Declare to"), method="where"
    )
    direction = django_filters.ChoiceFilter(
        choices=Direction.choices, empty_label=_("All"), label=_("Direction"), method="where"
    )
    kind = django_filters.ChoiceFilter(
        choices=DeclarationKind.choices, empty_label=_("All"), label=_("Declaration kind"), method="where"
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.request is None:  # whose filters these are decides what they read
            raise ImproperlyConfigured("DeclarationFilterSet needs the request")
        if not may_declare(self.user):  # an agency is sent submitted declarations only: no drafts to filter
            status = self.filters["status"]
            status.extra["choices"] = [c for c in DeclarationStatus.choices if c[0] != DeclarationStatus.DRAFT]
            vars(status).pop("_field", None)  # a form field built earlier (the API schema) is built again

    @property
    def user(self) -> User:
        return self.request.user

    def search(self, queryset: QuerySet[Declaration], name: str, value: str) -> QuerySet[Declaration]:
        return declarations_search(queryset=queryset, user=self.user, text=value)

    def where(self, queryset: QuerySet[Declaration], name: str, value: str) -> QuerySet[Declaration]:
        return declarations_where(queryset=queryset, user=self.user, name=name, value=value)
