"""Platform administrators' pages: organisations and users. Every change is audited."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.forms.models import model_to_dict
from django.http import HttpRequest

from .models import AgentGrant, AuditEntry, ELicence, Organisation, SubmissionSignature, User
from .services import audit_record, changed_values


class AuditedAdmin(admin.ModelAdmin):
    """Saves made in the admin go into the audit trail like any other change."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = model_to_dict(type(obj).objects.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)
        old, new = changed_values(before, model_to_dict(obj))
        new.pop("password", None)
        old.pop("password", None)
        audit_record(
            actor=request.user,  # type: ignore[arg-type]
            action=f"{obj._meta.model_name}.{'updated' if change else 'created'}_in_admin",
            obj=obj,
            before=old or None,
            after=new,
        )


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ("name", "kind", "agency", "uscc")
    list_filter = ("kind", "agency")
    search_fields = ("name", "name_en", "uscc")


@admin.register(User)
class PortalUserAdmin(UserAdmin, AuditedAdmin):
    list_display = ("username", "first_name", "organisation", "role", "is_active")
    list_filter = ("role", "organisation__kind")
    fieldsets = (*UserAdmin.fieldsets, ("Portal", {"fields": ("organisation", "role")}))  # type: ignore[misc]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never added, changed or deleted in the admin: rows that only services write (the audit trail,
    credit records) keep their trace."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor", "action", "object_type", "object_id")
    list_filter = ("action", "object_type")
    search_fields = ("object_id", "actor__username")


@admin.register(ELicence)
class ELicenceAdmin(AuditedAdmin):
    """A platform administrator may revoke a licence (nobody signs for the firm any more) or change its
    legal representative; everything else is the firm's own business on its licence page."""

    list_display = ("organisation", "legal_representative", "issued_at", "revoked_at")
    fields = ("organisation", "legal_representative", "issued_at", "revoked_at")
    readonly_fields = ("organisation", "issued_at")
    search_fields = ("organisation__name", "organisation__uscc")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # issued with the organisation (singlewindow/elicence.py: elicence_for)


@admin.register(AgentGrant)
class AgentGrantAdmin(ReadOnlyAdmin):
    list_display = ("pk", "organisation", "person", "full", "matters", "valid_from", "valid_until", "revoked_at")
    search_fields = ("organisation__name", "person__username")


@admin.register(SubmissionSignature)
class SubmissionSignatureAdmin(ReadOnlyAdmin):
    list_display = ("signed_at", "organisation", "signer", "capacity", "grant", "object_type", "object_id")
    search_fields = ("object_id", "signer__username", "organisation__uscc")
