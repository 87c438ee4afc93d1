from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from singlewindow.admin import AuditedAdmin

from . import codelists
from .models import CodeListEntry, MandatoryInspectionRule


@admin.register(CodeListEntry)
class CodeListEntryAdmin(AuditedAdmin):
    list_display = ("list", "code", "name_zh", "name_en", "active")
    list_filter = ("list", "active")
    search_fields = ("code", "name_zh", "name_en")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        codelists.invalidate()


@admin.register(MandatoryInspectionRule)
class MandatoryInspectionRuleAdmin(AuditedAdmin):
    list_display = ("hs_prefix", "description_zh", "description_en", "active")
    list_filter = ("active",)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        codelists.invalidate()
