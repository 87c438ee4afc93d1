"""Credit in the admin. Records, classes, schemes and appeals are read-only: records change only through
services (with their audit entries); schemes are versions loaded by migration. The prohibited-conduct
catalogue is maintained here by platform staff: drafts are edited, reviewed, published (superseding the
version before), and a published item changes by a new version; the real list is imported from CSV."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from singlewindow.admin import AuditedAdmin, ReadOnlyAdmin
from singlewindow.requests import AuthenticatedHttpRequest

from . import conduct, queries
from .choices import ConductState
from .industries import industry_code
from .models import (
    Appeal,
    CheckItem,
    Classification,
    ConductItem,
    CreditRecord,
    FirmIndustry,
    RecordAccess,
    Scheme,
    SpotCheck,
)
from .selectors import class_spec, localised, rule_label


@admin.register(CreditRecord)
class CreditRecordAdmin(ReadOnlyAdmin):
    list_display = ("uscc", "source_agency", "record_id", "kind", "penalty_type", "amount", "decided_at", "state")
    list_filter = ("source_agency", "kind", "state", "channel")
    search_fields = ("uscc", "record_id")


@admin.register(Scheme)
class SchemeAdmin(ReadOnlyAdmin):
    """Each version by its name in the reader's language; where its rules come from is in its rules' source
    note."""

    list_display = ("title", "version", "effective_from", "source")

    @admin.display(description=gettext_lazy("scheme"), ordering="key")
    def title(self, obj: Scheme) -> str:
        return queries.scheme_title(obj)

    @admin.display(description=gettext_lazy("source"))
    def source(self, obj: Scheme) -> str:
        return str(obj.rules.get("source", ""))


class SchemeFilter(admin.SimpleListFilter):
    title = gettext_lazy("scheme")
    parameter_name = "scheme_key"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return queries.scheme_choices()

    def queryset(self, request: HttpRequest, queryset: QuerySet[Classification]) -> QuerySet[Classification]:
        return queryset.filter(scheme_key=self.value()) if self.value() else queryset


class ClassFilter(admin.SimpleListFilter):
    """By "scheme:class", the values and names the officers' query page filters by."""

    title = gettext_lazy("class")
    parameter_name = "klass"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return queries.class_choices()

    def queryset(self, request: HttpRequest, queryset: QuerySet[Classification]) -> QuerySet[Classification]:
        if not self.value():
            return queryset
        scheme_key, _sep, klass = str(self.value()).partition(":")
        return queryset.filter(scheme_key=scheme_key, klass=klass)


@admin.register(Classification)
class ClassificationAdmin(ReadOnlyAdmin):
    """Classes by the names the portal shows them under (the scheme version's own labels), not their codes."""

    list_display = ("uscc", "scheme_title", "class_label", "rule_label", "decided_at", "current")
    list_filter = (SchemeFilter, ClassFilter, "current")
    list_select_related = ("scheme",)
    search_fields = ("uscc",)

    @admin.display(description=gettext_lazy("scheme"), ordering="scheme_key")
    def scheme_title(self, obj: Classification) -> str:
        return queries.scheme_title(obj.scheme)

    @admin.display(description=gettext_lazy("class"), ordering="klass")
    def class_label(self, obj: Classification) -> str:
        return localised(class_spec(obj.scheme, obj.klass)["label"])

    @admin.display(description=gettext_lazy("rule"))
    def rule_label(self, obj: Classification) -> str:
        return rule_label(obj.scheme, obj.klass, obj.rule) or "—"


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ("kind", "record", "state", "filed_at", "due_on", "decided_at")
    list_filter = ("kind", "state")
    search_fields = ("record__uscc", "record__record_id")


@admin.register(RecordAccess)
class RecordAccessAdmin(ReadOnlyAdmin):
    """Who outside a firm saw its non-public records, when and where (S9: access is logged)."""

    list_display = ("at", "viewer", "viewer_agency", "uscc", "surface", "records")
    list_filter = ("surface", "viewer_agency")
    search_fields = ("uscc", "viewer__username")
    date_hierarchy = "at"


LISTS = ("industries", "entity_types", "keywords")


class ConductItemForm(forms.ModelForm):
    """The lists as text, items separated by semicolons, checked as an imported row is."""

    industries = forms.CharField(label=gettext_lazy("industries"), required=False,
                                 help_text=gettext_lazy("GB/T 4754 codes separated by ;, e.g. F51; C14. None: every industry."))  # fmt: skip
    entity_types = forms.CharField(label=gettext_lazy("entity types"), required=False,
                                   help_text=gettext_lazy("Separated by ;. None: every kind."))  # fmt: skip
    keywords = forms.CharField(label=gettext_lazy("keywords"), required=False,
                               help_text=gettext_lazy("Separated by ;."))  # fmt: skip

    class Meta:
        model = ConductItem
        fields = ("code", "title_zh", "title_en", "law", "article", "clause", "penalty_basis", "category",
                  "industries", "entity_types", "keywords", "source_agency", "effective_from", "repealed_at")  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in LISTS:
            if name in self.initial and isinstance(self.initial[name], list):
                self.initial[name] = "; ".join(self.initial[name])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            fields = conduct.cleaned(data)
        except conduct.ConductRefused as refused:
            self.add_error(refused.field if refused.field in self.fields else None, str(refused))
        else:
            data.update({name: fields[name] for name in LISTS})
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV file"), help_text=gettext_lazy(
        "UTF-8, a header row naming the columns (as credit/reference/conduct-sample.csv); lists separated by ;."))  # fmt: skip


@admin.register(ConductItem)
class ConductItemAdmin(admin.ModelAdmin):
    form = ConductItemForm
    list_display = ("code", "version", "title_zh", "category", "state", "effective_from", "repealed_at", "sample")
    list_filter = ("state", "category", "sample")
    search_fields = ("code", "title_zh", "title_en", "law")
    actions = ["review", "publish", "new_version"]
    change_list_template = "admin/credit/conductitem/change_list.html"

    def get_readonly_fields(self, request: HttpRequest, obj: ConductItem | None = None) -> Any:
        """Only a draft is edited; the rest is read as it was reviewed or published."""
        if obj is not None and obj.state != ConductState.DRAFT:
            return [*ConductItemForm.Meta.fields, "state", "version"]
        return ["state", "version"]

    def has_delete_permission(self, request: HttpRequest, obj: ConductItem | None = None) -> bool:
        return super().has_delete_permission(request, obj) and (obj is None or obj.state == ConductState.DRAFT)

    def save_model(self, request: HttpRequest, obj: ConductItem, form: Any, change: bool) -> None:
        conduct.conduct_save(item=obj, user=request.user)  # type: ignore[arg-type]

    @admin.action(description=gettext_lazy("Mark the drafts as reviewed by the experts"))
    def review(self, request: AuthenticatedHttpRequest, queryset: QuerySet[ConductItem]) -> None:
        moved = conduct.conduct_review(items=queryset, user=request.user)
        messages.success(request, _("%(n)d items reviewed.") % {"n": moved})

    @admin.action(description=gettext_lazy("Publish the reviewed items"))
    def publish(self, request: AuthenticatedHttpRequest, queryset: QuerySet[ConductItem]) -> None:
        moved = conduct.conduct_publish(items=queryset, user=request.user)
        messages.success(request, _("%(n)d items published.") % {"n": moved})

    @admin.action(description=gettext_lazy("Make a new draft version of the published items"))
    def new_version(self, request: AuthenticatedHttpRequest, queryset: QuerySet[ConductItem]) -> None:
        for item in queryset.filter(state=ConductState.PUBLISHED):
            try:
                conduct.conduct_new_version(item=item, user=request.user)
            except conduct.ConductRefused as refused:
                messages.error(request, str(refused))
            else:
                messages.success(request, _("Draft version of %(code)s made.") % {"code": item.code})

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name="credit_conductitem_import"), *super().get_urls()]

    def import_view(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        """Platform staff import the real list: every row becomes a draft, or nothing does and each refused
        row is listed with its field and why."""
        if not self.has_add_permission(request):
            return redirect("admin:index")
        errors: list[dict[str, str]] = []
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                rows = conduct.rows_of(upload.read(conduct.MAX_FILE_BYTES + 1))
            except conduct.ConductRefused as refused:
                errors = [{"row": "0", "field": refused.field, "message": str(refused)}]
            else:
                stored, errors = conduct.conduct_import(rows=rows, user=request.user)
                if not errors:
                    messages.success(request, _("%(n)d draft items imported.") % {"n": stored})
                    return redirect("admin:credit_conductitem_changelist")
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
                   "errors": errors, "title": _("Import prohibited conduct from CSV")}  # fmt: skip
        return TemplateResponse(request, "admin/credit/conductitem/import.html", context)


class IndustriesField(forms.CharField):
    """GB/T 4754 codes typed separated by semicolons, stored as a list in their stored form."""

    def prepare_value(self, value: Any) -> Any:
        return "; ".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        codes = []
        for raw in str(value or "").replace("；", ";").split(";"):
            if raw.strip():
                code = industry_code(raw)
                if code is None:
                    raise forms.ValidationError(
                        _("%(value)s is not a GB/T 4754 section (A–T) or division (01–96) code.") % {"value": raw}
                    )
                codes.append(code)
        return sorted(set(codes))


@admin.register(CheckItem)
class CheckItemAdmin(AuditedAdmin):
    """Each agency's spot-check items, maintained by platform staff; a firm's joint form is built from them."""

    list_display = ("agency", "code", "title_zh", "active", "sample")
    list_filter = ("agency", "active", "sample")
    search_fields = ("code", "title_zh", "title_en")

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "industries":
            return IndustriesField(label=db_field.verbose_name, required=False, help_text=db_field.help_text)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(FirmIndustry)
class FirmIndustryAdmin(CheckItemAdmin):
    list_display = ("uscc", "industries")  # type: ignore[assignment]
    list_filter = ()  # type: ignore[assignment]
    search_fields = ("uscc",)  # type: ignore[assignment]


@admin.register(SpotCheck)
class SpotCheckAdmin(ReadOnlyAdmin):
    list_display = ("title", "agency", "drawn_by", "drawn_at", "ratio", "seed", "population_digest")
    list_filter = ("agency",)
    exclude = ("population",)
