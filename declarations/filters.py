"""One filter definition for the declaration list page and the API (NetBox filtersets). What a
declaration says is searched and filtered by the selectors: the working copy for the firm and its
broker, the version delivered for an agency's officer (so the filterset needs the request)."""

from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from singlewindow.models import User

from .choices import DeclarationKind, DeclarationStatus, Direction, EventKind, Target
from .models import Declaration, Event
from .selectors import declarations_search, declarations_where, may_declare, officer_agency


class AgencyQueue(models.TextChoices):
    """An officer's view of the list: what waits for their own agency, and what their agency holds."""

    AWAITING = "awaiting", _("Awaiting my agency")
    HELD = "held", _("Held by my agency")


# A branch is final once its agency released or rejected it (a revocation comes only after a release):
# final means final (events.py), so either receipt, whenever it came, ends the agency's part.
DECIDED = (EventKind.RELEASED, EventKind.REJECTED)
HOLDING = (EventKind.HELD, EventKind.INSPECTION_ORDERED)


def declarations_for_agency(*, queryset: QuerySet[Declaration], agency: str, held: bool) -> QuerySet[Declaration]:
    """Of an officer's list (annotated with seen_version, the version delivered to their agency), the
    declarations their agency has not yet released or rejected; held: only those whose latest receipt from
    their agency is a hold or an inspection order. Read from that agency's own receipts on the version it
    was delivered, never from another agency's (the branch state of events.branch_walk, in SQL)."""
    receipts = Event.objects.filter(version_id=OuterRef("seen_version"), agency=agency, receipt_id__isnull=False)
    queryset = queryset.filter(~Exists(receipts.filter(kind__in=DECIDED)))
    if not held:
        return queryset
    latest = receipts.order_by("-sequence", "-receipt_id").values("kind")[:1]  # the agency's own order
    return queryset.annotate(agency_state=Subquery(latest)).filter(agency_state__in=HOLDING)


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
    queue = django_filters.ChoiceFilter(
        choices=AgencyQueue.choices,
        empty_label=_("All"),
        label=_("My agency"),
        method="agency_queue",
        help_text=_(
            "Agency officers only. awaiting: delivered to your agency and not yet released or rejected by it; "
            "held: your agency's latest receipt is a hold or an inspection order. Read from your own agency's "
            "receipts only."
        ),
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
        fields = ["q", "status", "queue", "target", "direction", "kind", "submitted_from", "submitted_to"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.request is None:  # whose filters these are decides what they read
            raise ImproperlyConfigured("DeclarationFilterSet needs the request")
        if not may_declare(self.user):  # an agency is sent submitted declarations only: no drafts to filter
            status = self.filters["status"]
            status.extra["choices"] = [c for c in DeclarationStatus.choices if c[0] != DeclarationStatus.DRAFT]
            vars(status).pop("_field", None)  # a form field built earlier (the API schema) is built again
        if officer_agency(self.user) is None:  # what waits for an agency is its officers' question only
            del self.filters["queue"]

    @property
    def user(self) -> User:
        return self.request.user

    def search(self, queryset: QuerySet[Declaration], name: str, value: str) -> QuerySet[Declaration]:
        return declarations_search(queryset=queryset, user=self.user, text=value)

    def agency_queue(self, queryset: QuerySet[Declaration], name: str, value: str) -> QuerySet[Declaration]:
        agency = officer_agency(self.user)
        if agency is None:
            return queryset
        return declarations_for_agency(queryset=queryset, agency=agency, held=value == AgencyQueue.HELD)

    def where(self, queryset: QuerySet[Declaration], name: str, value: str) -> QuerySet[Declaration]:
        return declarations_where(queryset=queryset, user=self.user, name=name, value=value)
