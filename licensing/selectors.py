"""Reads of qualifications, for other apps: they ask here, never query the models themselves."""

from collections.abc import Iterable
from datetime import date

from django.db.models import Q, QuerySet

from .models import Qualification, QualificationKind


def qualifications_of(*, organisation_id: int) -> QuerySet[Qualification]:
    return Qualification.objects.filter(organisation_id=organisation_id)


def inspection_registrations_of(*, organisation_ids: Iterable[int]) -> dict[int, list[tuple[date, date | None]]]:
    """Each of these organisations' inspection registrations not revoked, as (valid from, valid until), by
    organisation id (the enterprise declaring, whatever a declaration's header says)."""
    periods: dict[int, list[tuple[date, date | None]]] = {}
    rows = Qualification.objects.filter(
        organisation_id__in=list(organisation_ids), kind=QualificationKind.INSPECTION_REGISTRATION, revoked=False
    ).values_list("organisation_id", "valid_from", "valid_until")
    for organisation_id, start, until in rows:
        periods.setdefault(organisation_id, []).append((start, until))
    return periods


def has_active_qualification(*, uscc: str, kind: QualificationKind | str, on: date) -> bool:
    """Whether the organisation with this USCC holds this qualification, valid on this day."""
    return (
        Qualification.objects.filter(organisation__uscc=uscc, kind=kind, revoked=False, valid_from__lte=on)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .exists()
    )
