from django.contrib import admin

from singlewindow.admin import AuditedAdmin

from .models import Qualification


@admin.register(Qualification)
class QualificationAdmin(AuditedAdmin):
    list_display = ("organisation", "kind", "number", "valid_from", "valid_until", "revoked")
    list_filter = ("kind", "revoked")
    search_fields = ("number", "organisation__name", "organisation__uscc")
