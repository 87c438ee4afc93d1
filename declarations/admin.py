from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from singlewindow.admin import AuditedAdmin

from . import codelists
from .models import CodeListEntry, MandatoryInspectionRule


class ReferenceDataAdmin(AuditedAdmin):
    """Every process checks declarations against the saved data once a change commits: saved or deleted."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        codelists.invalidate()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        codelists.invalidate()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        super().delete_queryset(request, queryset)
        codelists.invalidate()


@admin.register(CodeListEntry)
class CodeListEntryAdmin(ReferenceDataAdmin):
    list_display = ("list", "code", "name_zh", "name_en", "active")
    list_filter = ("list", "active")
    search_fields = ("code", "name_zh", "name_en")


@admin.register(MandatoryInspectionRule)
class MandatoryInspectionRuleAdmin(ReferenceDataAdmin):
    list_display = ("hs_prefix", "description_zh", "description_en", "active")
    list_filter = ("active",)
