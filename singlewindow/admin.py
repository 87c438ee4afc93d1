"""Platform administrators' pages: organisations and users (every change audited); delegations, API
tokens and notifications looked up, a delegation or a token revoked through the services; the audit trail."""

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db import transaction
from django.db.models import QuerySet
from django.forms.models import model_to_dict
from django.http import HttpRequest
from django.utils.translation import gettext_lazy, ngettext

from . import audit_actions, delegations, tokens
from .choices import DelegationStatus
from .models import (
    AgentGrant,
    ApiToken,
    AuditEntry,
    Delegation,
    ELicence,
    Notification,
    Organisation,
    SubmissionSignature,
    User,
)
from .requests import AuthenticatedHttpRequest
from .services import audit_record, changed_values


class AuditedAdmin(admin.ModelAdmin):
    """Saves made in the admin go into the audit trail like any other change."""

    def __init__(self, model: type[Any], admin_site: admin.AdminSite) -> None:
        super().__init__(model, admin_site)
        audit_actions.register_admin_saves(model)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = model_to_dict(type(obj).objects.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)
        old, new = changed_values(before, model_to_dict(obj))
        new.pop("password", None)
        old.pop("password", None)
        save = audit_actions.AdminSave.UPDATED if change else audit_actions.AdminSave.CREATED
        audit_record(
            actor=request.user,  # type: ignore[arg-type]
            action=audit_actions.admin_save(type(obj), save),
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
    fieldsets = (
        *UserAdmin.fieldsets,  # type: ignore[misc]
        (gettext_lazy("Portal"), {"fields": ("organisation", "role", "language")}),
    )


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never added, changed or deleted in the admin: rows that only services write (the audit trail,
    credit records) keep their trace."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AuditActionFilter(admin.SimpleListFilter):
    """The actions recorded so far, by their labels."""

    title = gettext_lazy("action")
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        codes = AuditEntry.objects.order_by().values_list("action", flat=True).distinct()
        return sorted(((code, audit_actions.label(code)) for code in codes), key=lambda choice: choice[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor", "organisation", "action_label", "object_type", "object_id")
    list_filter = (AuditActionFilter, "object_type")
    list_select_related = ("actor", "organisation")
    search_fields = ("object_id", "actor__username")
    date_hierarchy = "at"

    @admin.display(description=gettext_lazy("action"), ordering="action")
    def action_label(self, obj: AuditEntry) -> str:
        return audit_actions.label(obj.action)


@admin.register(Delegation)
class DelegationAdmin(ReadOnlyAdmin):
    """Broker delegations looked up; revoked (for a client that cannot, a broker gone rogue) through the
    delegation service, as a party would, so the audit trail records who did it."""

    list_display = ("pk", "client", "broker", "status", "may_submit", "valid_from", "valid_until", "decided_at")
    list_filter = ("status", "may_submit")
    list_select_related = ("client", "broker")
    search_fields = ("client__name", "client__uscc", "broker__name", "broker__uscc")
    actions = ["revoke"]

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("singlewindow.change_delegation")

    @admin.action(description=gettext_lazy("Revoke the selected delegations"), permissions=["revoke"])
    def revoke(self, request: AuthenticatedHttpRequest, queryset: QuerySet[Delegation]) -> None:
        revoked = 0
        for delegation in queryset.exclude(status=DelegationStatus.REVOKED):
            with transaction.atomic():
                delegations.delegation_revoke_as_operator(user=request.user, delegation=delegation)
            revoked += 1
        messages.success(request, ngettext("%(n)d delegation revoked.", "%(n)d delegations revoked.", revoked) % {
            "n": revoked})  # fmt: skip


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """A user's API tokens looked up by user; a leaked one revoked through the token service. The key's
    digest is never shown."""

    list_display = ("prefix", "name", "user", "created_at", "expires_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter), "expires_at")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__first_name", "name", "prefix")
    fields = ("user", "name", "prefix", "created_at", "expires_at", "revoked_at")
    actions = ["revoke"]

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("singlewindow.change_apitoken")

    @admin.action(description=gettext_lazy("Revoke the selected tokens"), permissions=["revoke"])
    def revoke(self, request: AuthenticatedHttpRequest, queryset: QuerySet[ApiToken]) -> None:
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True):
            tokens.token_revoke_as_operator(user=request.user, token=token)
            revoked += 1
        messages.success(request, ngettext(
            "%(n)d token revoked: requests with its key are refused.",
            "%(n)d tokens revoked: requests with their keys are refused.", revoked) % {"n": revoked})  # fmt: skip


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """What the portal told whom, and whether the email went out."""

    list_display = ("created_at", "recipient", "kind", "text", "read_at", "emailed_at")
    list_filter = ("kind", ("emailed_at", admin.EmptyFieldListFilter), ("read_at", admin.EmptyFieldListFilter))
    list_select_related = ("recipient",)
    search_fields = ("recipient__username", "recipient__first_name")
    date_hierarchy = "created_at"
    fields = ("recipient", "kind", "text", "url", "created_at", "read_at", "emailed_at")
    readonly_fields = ("text",)

    @admin.display(description=gettext_lazy("message"))
    def text(self, obj: Notification) -> str:
        return obj.message  # in the administrator's language


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
