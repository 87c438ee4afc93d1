"""Reads of qualifications, for other apps: they ask here, never query the models themselves."""

from datetime import date

from django.db.models import Q, QuerySet

from .models import Qualification, QualificationKind


def qualifications_of(*, organisation_id: int) -> QuerySet[Qualification]:
    return Qualification.objects.filter(organisation_id=organisation_id)


def has_inspection_registration(*, uscc: str, on: date) -> bool:
    return has_active_qualification(uscc=uscc, kind=QualificationKind.INSPECTION_REGISTRATION, on=on)


def has_active_qualification(*, uscc: str, kind: QualificationKind | str, on: date) -> bool:
    """Whether the organisation with this USCC holds this qualification, valid on this day."""
    return (
        Qualification.objects.filter(organisation__uscc=uscc, kind=kind, revoked=False, valid_from__lte=on)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .exists()
    )
