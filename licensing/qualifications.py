"""Enterprise qualifications (S7): a firm applies once in the portal, the agency the kind belongs to reviews
it, and approval files the qualification with its number and writes the code into the master record, so every
declaration is pre-filled with it from then on. Officers see any firm's qualifications (the facts are shared
with every agency); an officer decides only applications of its own agency's kinds."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from declarations import codelists
from declarations.choices import CodeList
from singlewindow.audit_actions import PortalAction
from singlewindow.choices import FIRM_KINDS, Agency, OrganisationKind, Role
from singlewindow.errors import DomainError
from singlewindow.models import Organisation, User
from singlewindow.notifications import notify
from singlewindow.services import audit_record, sequence_next

from .choices import QUALIFICATION_APPLIED, LicensingAction
from .models import ApplicationState, Qualification, QualificationApplication, QualificationKind

# Which agency reviews each kind: foreign trade operators file with commerce; declarant registration is
# customs'; inspection registration the inspection authority's.
REVIEWER = {
    QualificationKind.FOREIGN_TRADE_OPERATOR: Agency.COMMERCE,
    QualificationKind.CUSTOMS_DECLARANT: Agency.CUSTOMS,
    QualificationKind.INSPECTION_REGISTRATION: Agency.INSPECTION,
}
# The master record field each kind's number fills (pre-filling declarations' domestic party codes).
RECORD_FIELD = {
    QualificationKind.CUSTOMS_DECLARANT: "customs_code",
    QualificationKind.INSPECTION_REGISTRATION: "inspection_code",
}
OFFICE_LIST = {
    QualificationKind.CUSTOMS_DECLARANT: CodeList.CUSTOMS_OFFICES,
    QualificationKind.INSPECTION_REGISTRATION: CodeList.INSPECTION_AUTHORITIES,
}


class QualificationRefused(DomainError):
    status_code = 400
    code = "qualification_refused"


def _refused(message: str, *, field: str) -> QualificationRefused:
    error = QualificationRefused(message)
    error.field = field
    return error


def office_choices(kind: str = "") -> list[tuple[str, Any]]:
    """The offices a firm may apply to for this kind: those of the agency that decides it (none for a kind
    filed without an office). Without a kind, every office, grouped under the kind it registers."""
    if kind in QualificationKind.values:
        listed = OFFICE_LIST.get(QualificationKind(kind))
        return list(codelists.choices(listed)) if listed else []
    return [(str(QualificationKind(k).label), codelists.choices(listed)) for k, listed in OFFICE_LIST.items()]


def office_name(application: QualificationApplication) -> str:
    """The office applied to as its code list names it, in the active language (the code if unlisted)."""
    listed = OFFICE_LIST.get(QualificationKind(application.kind))
    if not application.office or listed is None:
        return application.office
    return codelists.name(listed, application.office) or application.office


def with_office_names(
    applications: Iterable[QualificationApplication],
) -> list[tuple[QualificationApplication, str]]:
    return [(application, office_name(application)) for application in applications]


def _check_office(kind: QualificationKind, office: str) -> None:
    """The office must be one of the deciding agency's, or none where the kind names no office."""
    agency = Agency(REVIEWER[kind]).label
    listed = OFFICE_LIST.get(kind)
    if listed is None:
        if office:
            raise _refused(
                _("%(agency)s decides this qualification: choose no office.") % {"agency": agency}, field="office"
            )
        return
    if codelists.is_known(listed, office):
        return
    other = next((other for other in OFFICE_LIST.values() if codelists.is_known(other, office)), None)
    if other is not None:
        raise _refused(
            _("%(office)s does not register this qualification: choose an office of %(agency)s.")
            % {"office": codelists.name(other, office), "agency": agency},
            field="office",
        )
    raise _refused(_("Choose the office you register with."), field="office")


def officers_deciding(kind: str) -> QuerySet[User]:
    """The active officers of the agency that decides this kind of qualification."""
    return User.objects.filter(
        is_active=True, role=Role.OFFICER, organisation__kind=OrganisationKind.AGENCY,
        organisation__agency=REVIEWER[QualificationKind(kind)],
    )  # fmt: skip


def _require_firm(user: User) -> Organisation:
    org = user.organisation
    if org is None or org.kind not in FIRM_KINDS:  # agencies and the portal's operator apply for none
        raise Http404
    return org


def application_submit(*, user: User, kind: str, office: str = "", details: str = "") -> QualificationApplication:
    """File an application for a qualification the firm does not hold yet (one pending per kind), at an office
    of the agency that decides the kind; that agency's officers are told."""
    org = _require_firm(user)
    if kind not in QualificationKind.values:
        raise QualificationRefused(_("Choose a qualification."))
    _check_office(QualificationKind(kind), office)
    today = timezone.localdate()
    if holds(organisation=org, kind=kind, on=today):
        raise QualificationRefused(_("Your enterprise already holds this qualification."))
    with transaction.atomic():
        if (
            QualificationApplication.objects.select_for_update()
            .filter(organisation=org, kind=kind, state=ApplicationState.SUBMITTED)
            .exists()
        ):
            raise QualificationRefused(_("An application for this qualification is already awaiting review."))
        application = QualificationApplication.objects.create(
            organisation=org, kind=kind, office=office, details=details.strip(), submitted_by=user
        )
        audit_record(actor=user, action=LicensingAction.QUALIFICATION_APPLIED, obj=application, after={"kind": kind})
        notify(
            kind=QUALIFICATION_APPLIED, url=reverse("qualification_review"),
            params={"firm": org.name_in_both, "uscc": org.uscc}, users=officers_deciding(kind),
        )  # fmt: skip
    return application


def holds(*, organisation: Organisation, kind: str, on: date) -> bool:
    return (
        Qualification.objects.filter(organisation=organisation, kind=kind, revoked=False, valid_from__lte=on)
        .exclude(valid_until__lt=on)
        .exists()
    )


def is_officer(user: User) -> bool:
    org = user.organisation
    return user.role == Role.OFFICER and org is not None and org.kind == OrganisationKind.AGENCY


def applications_to_review(user: User) -> QuerySet[QualificationApplication]:
    """The applications an officer's agency decides; a 404 for anyone but an officer."""
    if not is_officer(user):
        raise Http404
    org = user.organisation
    assert org is not None
    kinds = [kind for kind, agency in REVIEWER.items() if agency == org.agency]
    return QualificationApplication.objects.filter(kind__in=kinds).select_related("organisation")


def applications_of(user: User) -> QuerySet[QualificationApplication]:
    return QualificationApplication.objects.filter(organisation=_require_firm(user))


def _number(application: QualificationApplication) -> str:
    """Customs and inspection codes are 10 characters: the office's first four digits, then a sequence of six
    per office; a foreign trade operator's filing number is FT, the year and a sequence."""
    if application.kind in RECORD_FIELD:
        sequence = sequence_next(name=f"qualification-{application.kind}-{application.office}")
        return f"{application.office[:4]}{sequence:06d}"
    year = timezone.localdate().year
    return f"FT{year}{sequence_next(name=f'qualification-ft-{year}'):08d}"


@transaction.atomic
def application_decide(*, application_id: int, user: User, approve: bool, reason: str = "") -> QualificationApplication:
    """An officer of the reviewing agency approves (files the qualification, writes the code into the
    master record) or rejects with a reason; another agency's application is a 404."""
    application = applications_to_review(user).select_for_update(of=("self",)).filter(pk=application_id).first()
    if application is None:
        raise Http404
    if application.state != ApplicationState.SUBMITTED:
        raise QualificationRefused(_("This application has already been decided."))
    if not approve and not reason.strip():
        error = QualificationRefused(_("Give the reason for rejecting the application."))
        error.field = "reason"
        raise error
    now = timezone.now()
    application.decided_by, application.decided_at, application.reason = user, now, reason.strip()
    if approve:
        application.state, action = ApplicationState.APPROVED, LicensingAction.QUALIFICATION_APPROVED
        number = _number(application)
        application.qualification = Qualification.objects.create(
            organisation=application.organisation, kind=application.kind, number=number, valid_from=timezone.localdate()
        )
        field = RECORD_FIELD.get(QualificationKind(application.kind))
        if field:
            org = application.organisation
            before = getattr(org, field)
            setattr(org, field, number)
            org.save(update_fields=[field, "updated_at"])
            audit_record(
                actor=user,
                action=PortalAction.ORGANISATION_UPDATED,
                obj=org,
                before={field: before},
                after={field: number},
            )
    else:
        application.state, action = ApplicationState.REJECTED, LicensingAction.QUALIFICATION_REJECTED
    application.save()
    audit_record(
        actor=user, action=action, obj=application,
        before={"state": ApplicationState.SUBMITTED}, after={"state": application.state, "reason": application.reason},
    )  # fmt: skip
    return application


def firm_facts(*, user: User, uscc: str) -> tuple[Organisation | None, list[Qualification]]:
    """An officer looks a firm up by its USCC: its master record and qualifications (shared with agencies);
    (None, []) when no firm has it."""
    if not is_officer(user):
        raise Http404
    firm = Organisation.objects.exclude(kind=OrganisationKind.AGENCY).filter(uscc=uscc.strip().upper()).first()
    return firm, list(Qualification.objects.filter(organisation=firm)) if firm else []
