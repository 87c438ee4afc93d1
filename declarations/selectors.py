"""Every read of declarations, scoped to what the user's organisation may see (S2)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from singlewindow.choices import OrganisationKind
from singlewindow.models import AuditEntry, User

from .models import AttachedDocument, Declaration, HSCode
from .registry import TARGET_AGENCIES


def declarations_visible_to(user: User) -> QuerySet[Declaration]:
    """An enterprise sees its own; an agency sees what was submitted to it; nobody sees the rest."""
    org = user.organisation
    queryset = Declaration.objects.select_related("owner")
    if org is None:
        return queryset.none()
    if org.kind == OrganisationKind.ENTERPRISE:
        return queryset.filter(owner=org)
    if org.kind == OrganisationKind.AGENCY:
        targets = [target for target, agencies in TARGET_AGENCIES.items() if org.agency in agencies]
        # What was submitted to them, whatever happened since; never a draft never sent.
        return queryset.filter(version_count__gt=0, target__in=targets)
    return queryset.none()


def declaration_get(*, user: User, pk: int) -> Declaration:
    try:
        return declarations_visible_to(user).select_related(None).get(pk=pk)
    except (Declaration.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def declaration_get_own(*, user: User, pk: int, reference: bool = False) -> Declaration:
    """A declaration the user's organisation owns (may edit, copy or submit); 404 for anyone else.
    With reference=True only its id and owner are loaded: enough for a service that locks and
    reloads the row itself (declaration_submit)."""
    try:
        queryset = Declaration.objects.filter(owner_id=user.organisation_id)
        return (queryset.only("id", "owner_id") if reference else queryset).get(pk=pk)
    except (Declaration.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def document_get(*, user: User, declaration_pk: int, pk: int) -> AttachedDocument:
    declaration = declaration_get(user=user, pk=declaration_pk)
    try:
        return declaration.documents.get(pk=pk)
    except AttachedDocument.DoesNotExist:
        raise Http404 from None


def declaration_history(*, declaration: Declaration) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(
        object_type=Declaration._meta.label_lower, object_id=str(declaration.pk)
    ).select_related("actor")


def hs_search(*, query: str, limit: int = 20) -> list[HSCode]:
    """Subheadings whose code starts with the query's digits, or whose description has its words."""
    query = query.strip()
    if not query:
        return []
    queryset = HSCode.objects.filter(level=6)
    digits = query.replace(".", "").replace(" ", "")
    if digits.isdigit():
        queryset = queryset.filter(code__startswith=digits[:6])
    else:
        condition = Q()
        for word in query.split()[:5]:
            condition &= Q(description__icontains=word)
        queryset = queryset.filter(condition)
    return list(queryset.order_by("code")[:limit])
