"""Reads of qualifications, for other apps: they ask here, never query the models themselves."""

from collections.abc import Iterable
from datetime import date

from django.db.models import Q, QuerySet
from django.http import Http404

from declarations.models import Declaration
from declarations.selectors import declarations_visible_to, officer_agency
from singlewindow.choices import Agency
from singlewindow.models import User
from singlewindow.prepared import prepared

from .choices import LICENCE_APPLICATION
from .models import Licence, LicenceUse, Qualification, QualificationKind


def qualifications_of(*, organisation_id: int) -> QuerySet[Qualification]:
    return Qualification.objects.filter(organisation_id=organisation_id)


def inspection_registrations_of(*, organisation_ids: Iterable[int]) -> dict[int, list[tuple[date, date | None]]]:
    """Each of these organisations' inspection registrations not revoked, as (valid from, valid until), by
    organisation id (the enterprise declaring, whatever a declaration's header says)."""
    periods: dict[int, list[tuple[date, date | None]]] = {}
    for organisation_id, start, until in _registrations.all(organisation_ids=list(organisation_ids)):
        periods.setdefault(organisation_id, []).append((start, until))
    return periods


@prepared  # validation asks it on every submission
def _registrations(*, organisation_ids: list[int]) -> QuerySet[Qualification, tuple[int, date, date | None]]:
    return Qualification.objects.filter(
        organisation_id__in=organisation_ids, kind=QualificationKind.INSPECTION_REGISTRATION, revoked=False
    ).values_list("organisation_id", "valid_from", "valid_until")


def has_active_qualification(*, uscc: str, kind: QualificationKind | str, on: date) -> bool:
    """Whether the organisation with this USCC holds this qualification, valid on this day."""
    return (
        Qualification.objects.filter(organisation__uscc=uscc, kind=kind, revoked=False, valid_from__lte=on)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .exists()
    )


# --- licences and licence applications (the firm's own; officers of the agencies that act on them) ----

# Customs writes licences off on declarations, commerce issues them: their officers read every licence.
LICENCE_READERS = (Agency.CUSTOMS, Agency.COMMERCE)


def licences_visible_to(user: User) -> QuerySet[Licence]:
    """The holder's licences for an enterprise; every licence for an officer of customs or commerce;
    nothing for anyone else."""
    queryset = Licence.objects.select_related("holder", "issuer").prefetch_related("lines")
    if officer_agency(user) in LICENCE_READERS:
        return queryset
    if user.organisation_id is None:
        return queryset.none()
    return queryset.filter(holder_id=user.organisation_id)


def licence_get(*, user: User, number: str) -> Licence:
    try:
        return licences_visible_to(user).get(number=number)
    except Licence.DoesNotExist:
        raise Http404 from None


def licence_ledger(*, licence: Licence) -> QuerySet[LicenceUse]:
    """The licence's uses, oldest first, with the declaration each came from."""
    return licence.ledger.select_related("declaration", "licence_line").order_by("reserved_at", "id")


def applications_visible_to(user: User) -> QuerySet[Declaration]:
    """The enterprise's own applications; for an officer, those delivered to its agency (the spine's
    rule); a broker's clients' are not its business."""
    queryset = declarations_visible_to(user, LICENCE_APPLICATION).select_related("licence_application")
    if officer_agency(user) is None:
        queryset = queryset.filter(owner_id=user.organisation_id)
    return queryset


def application_get(*, user: User, pk: int) -> Declaration:
    try:
        return applications_visible_to(user).get(pk=pk)
    except (Declaration.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def application_get_own(*, user: User, pk: int) -> Declaration:
    """An application of the user's own enterprise; 404 for anyone else (an officer, a broker)."""
    try:
        return Declaration.objects.select_related("licence_application").get(
            pk=pk, category=LICENCE_APPLICATION, owner_id=user.organisation_id
        )
    except (Declaration.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
