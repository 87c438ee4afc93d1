"""Credit in the admin: read-only. Records change only through services (with their audit entries);
schemes are versions loaded by migration."""

from django.contrib import admin

from singlewindow.admin import ReadOnlyAdmin

from .models import Appeal, Classification, CreditRecord, Scheme


@admin.register(CreditRecord)
class CreditRecordAdmin(ReadOnlyAdmin):
    list_display = ("uscc", "source_agency", "record_id", "kind", "penalty_type", "amount", "decided_at", "state")
    list_filter = ("source_agency", "kind", "state", "channel")
    search_fields = ("uscc", "record_id")


@admin.register(Scheme)
class SchemeAdmin(ReadOnlyAdmin):
    list_display = ("key", "version", "name", "effective_from")


@admin.register(Classification)
class ClassificationAdmin(ReadOnlyAdmin):
    list_display = ("uscc", "scheme_key", "klass", "rule", "decided_at", "current")
    list_filter = ("scheme_key", "klass", "current")
    search_fields = ("uscc",)


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ("kind", "record", "state", "filed_at", "due_on", "decided_at")
    list_filter = ("kind", "state")
    search_fields = ("record__uscc", "record__record_id")
