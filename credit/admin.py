"""Credit in the admin: read-only. Records change only through services (with their audit entries);
schemes are versions loaded by migration."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Classification, CreditRecord, Scheme


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CreditRecord)
class CreditRecordAdmin(ReadOnly):
    list_display = ("uscc", "source_agency", "record_id", "kind", "penalty_type", "amount", "decided_at", "state")
    list_filter = ("source_agency", "kind", "state", "channel")
    search_fields = ("uscc", "record_id")


@admin.register(Scheme)
class SchemeAdmin(ReadOnly):
    list_display = ("key", "version", "name", "effective_from")


@admin.register(Classification)
class ClassificationAdmin(ReadOnly):
    list_display = ("uscc", "scheme_key", "klass", "rule", "decided_at", "current")
    list_filter = ("scheme_key", "klass", "current")
    search_fields = ("uscc",)
