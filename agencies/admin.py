from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from declarations.choices import DeliveryStatus
from declarations.models import Delivery
from singlewindow.choices import Agency
from singlewindow.requests import AuthenticatedHttpRequest

from . import adapters, circuit
from . import delivery as deliveries
from .models import AgencyHealth, QuarantinedReceipt


@admin.register(QuarantinedReceipt)
class QuarantinedReceiptAdmin(admin.ModelAdmin):
    list_display = ("received_at", "reason", "remote_addr", "resolved")
    list_filter = ("resolved",)
    readonly_fields = ("received_at", "reason", "remote_addr", "text")
    fields = ("received_at", "reason", "remote_addr", "text", "resolved")

    @admin.display(description=_("body"))
    def text(self, obj: QuarantinedReceipt) -> str:
        return bytes(obj.body).decode("utf-8", errors="replace")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("message_id", "agency", "status", "attempts", "next_attempt_at", "last_error")
    list_filter = ("status", "agency")
    ordering = ("-pk",)  # the latest branches first
    search_fields = ("message_id",)
    actions = ["retry"]
    readonly_fields = [f.name for f in Delivery._meta.fields]

    @admin.action(description=_("Deliver the failed branches again"))
    def retry(self, request: AuthenticatedHttpRequest, queryset: QuerySet[Delivery]) -> None:
        failed = queryset.filter(status=DeliveryStatus.FAILED).select_related("version__declaration")
        retried = sum(deliveries.delivery_retry(delivery=item, user=request.user) for item in failed)
        messages.success(request, _("%(n)d branches queued again.") % {"n": retried})

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AgencyHealth)
class AgencyHealthAdmin(admin.ModelAdmin):
    """Whether each agency is answering, read-only: the circuit (agencies/circuit.py) changes by itself.
    Every agency the portal talks to is listed, an answering one that never failed included."""

    list_display = (
        "agency_name",
        "state",
        "failing_since",
        "consecutive_failures",
        "last_probe_at",
        "waiting",
        "alerted_at",
        "last_error",
    )
    list_filter = ("state",)

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if self.has_view_permission(request):  # an answering agency has no row until this page lists it
            circuit.health_rows_ensure(agencies=[adapter.agency for adapter in adapters.adapters()])
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("agency"), ordering="agency")
    def agency_name(self, obj: AgencyHealth) -> str:
        return str(dict(Agency.choices).get(obj.agency, obj.agency))

    def get_queryset(self, request: HttpRequest) -> QuerySet[AgencyHealth]:
        waiting = (
            Delivery.objects.filter(agency=OuterRef("agency"), status=DeliveryStatus.PENDING)
            .values("agency")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return super().get_queryset(request).annotate(waiting_count=Coalesce(Subquery(waiting), 0))

    @admin.display(description=_("branches waiting"), ordering="waiting_count")
    def waiting(self, obj: AgencyHealth) -> int:
        return int(getattr(obj, "waiting_count", 0))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
