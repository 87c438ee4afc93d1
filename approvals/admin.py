"""Operators link a department to the organisation whose officers review for it (joining it), flag the
window, and change a stage's deadlines; cases, reviews and decisions are read-only here (their changes
go through the services, audited)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from .application import FIELDS
from .models import ApprovalCase, Department, PerformanceWarning, Stage, StageDepartment


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "organisation", "is_window")
    autocomplete_fields = ("organisation",)


class NeedInline(admin.TabularInline):
    model = StageDepartment
    extra = 0


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ("number", "code", "name", "notice_workdays")
    inlines = [NeedInline]


class ReadOnly(admin.ModelAdmin):
    """Shown, never changed here."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ApprovalCase)
class ApprovalCaseAdmin(ReadOnly):
    list_display = ("number", "project_name", "applicant", "stage", "state", "filed_at")
    list_filter = ("state", "stage")
    exclude = ("form",)
    readonly_fields = ("form_shown",)

    @admin.display(description=_("application form"))
    def form_shown(self, case: ApprovalCase) -> SafeString:
        """The one form as the case page shows it: each field's label and value, then the materials."""
        rows = [(spec.label, case.form.get(spec.key) or "—") for spec in FIELDS]
        rows.append((_("Materials enclosed"), case.materials_text or "—"))
        return format_html('<dl class="approval-form">{}</dl>',
                           format_html_join("", "<dt>{}</dt><dd>{}</dd>", rows))  # fmt: skip


@admin.register(PerformanceWarning)
class PerformanceWarningAdmin(ReadOnly):
    list_display = ("department", "period", "period_start", "count", "raised_at")
    list_filter = ("period",)
