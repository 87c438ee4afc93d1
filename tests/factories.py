"""Test data: organisations, users and declarations built through the services."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from stdnum.cn import uscc

from declarations import services
from declarations.choices import DocumentKind, Target
from declarations.examples import blank_pdf, example_containers, example_header, example_line
from declarations.models import Declaration
from licensing.models import Qualification, QualificationKind
from singlewindow.choices import Agency, DelegationStatus, OrganisationKind, Role
from singlewindow.elicence import grant_standing
from singlewindow.models import Delegation, Organisation, User

_serial = itertools.count(1)


def new_uscc() -> str:
    body = f"913101{next(_serial):011d}"
    return body + uscc.calc_check_digit(body)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.ENTERPRISE
    name = factory.Sequence(lambda n: f"测试贸易有限公司{n}")
    name_en = factory.Sequence(lambda n: f"Test Trading Co. {n}")
    uscc = factory.LazyFunction(new_uscc)
    customs_code = factory.Sequence(lambda n: f"3122{n:06d}")
    inspection_code = factory.Sequence(lambda n: f"3100{n:06d}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.cn")
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.DECLARANT
    password = factory.PostGenerationMethodCall("set_password", "pass-for-tests")

    @factory.post_generation
    def saved(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            obj.save()

    @factory.post_generation
    def grant(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:
        """Someone who files for a firm holds a full grant under its electronic licence (grant=False: none)."""
        org = obj.organisation
        signs = org is not None and org.kind != OrganisationKind.AGENCY and obj.role in (Role.DECLARANT, Role.MANAGER)
        if create and extracted is not False and signs:
            grant_standing(person=obj)


def enterprise(*, inspection_registered: bool = True, **kwargs: Any) -> Organisation:
    org = OrganisationFactory(**kwargs)
    if inspection_registered:
        Qualification.objects.create(
            organisation=org,
            kind=QualificationKind.INSPECTION_REGISTRATION,
            number=org.inspection_code,
            valid_from=date(2020, 1, 1),
        )
    return org


def clerk(org: Organisation | None = None, **kwargs: Any) -> User:
    return UserFactory(organisation=org or enterprise(), **kwargs)


def officer(agency: str = Agency.CUSTOMS) -> User:
    org = OrganisationFactory(kind=OrganisationKind.AGENCY, agency=agency, customs_code="", inspection_code="")
    return UserFactory(organisation=org, role=Role.OFFICER)


def valid_draft(
    user: User, *, lines: int = 3, target: str = Target.BOTH, documents: bool = True, **header: Any
) -> Declaration:
    """A draft that passes validation as it stands."""
    declaration = services.declaration_create(user=user, target=target)
    services.declaration_save_draft(
        declaration=declaration,
        user=user,
        header={**example_header(), **header},
        lines=[example_line(i) for i in range(lines)],
        containers=example_containers(),
    )
    if documents:
        for kind in (DocumentKind.INVOICE, DocumentKind.PACKING_LIST):
            services.document_attach(
                declaration=declaration,
                user=user,
                kind=kind,
                upload=SimpleUploadedFile(f"{kind}.pdf", blank_pdf(kind), "application/pdf"),
            )
    declaration.refresh_from_db()
    return declaration


def broker(*clients: Organisation, may_submit: bool = True, kinds: list[str] | None = None, grant: bool = True) -> User:
    """A customs broker's clerk holding a delegation in force from each of these clients (and a grant under
    the broker's electronic licence: it signs what it submits)."""
    user = UserFactory(organisation=OrganisationFactory(kind=OrganisationKind.BROKER), grant=grant)
    today = timezone.localdate()
    for client in clients:
        Delegation.objects.create(
            client=client, broker=user.organisation, status=DelegationStatus.ACTIVE, may_submit=may_submit,
            kinds=kinds or [], valid_from=today, valid_until=today + timedelta(days=30), proposed_by=client,
        )  # fmt: skip
    return user


def ship_agent(**kwargs: Any) -> User:
    return UserFactory(organisation=OrganisationFactory(kind=OrganisationKind.SHIP_AGENCY), **kwargs)


def vessel_draft(
    agent: User, *, direction: str = "export", crew: int = 3, consignee: Organisation | None = None, **changes: Any
) -> Declaration:
    """The example call; its manifest's bill consigned to `consignee` when given (by its name and USCC)."""
    from vessels import services as vessel_services
    from vessels.examples import example_call, example_parts

    declaration = vessel_services.vessel_create(user=agent, direction=direction)
    parts = example_parts(crew)
    if consignee is not None:
        for line in parts["manifest_lines"]:
            line["consignee"], line["consignee_uscc"] = consignee.name, consignee.uscc
    vessel_services.vessel_save(declaration=declaration, user=agent, call=example_call(**changes), parts=parts)
    declaration.refresh_from_db()
    return declaration


def delivered(declaration: Declaration, *agencies: str) -> Declaration:
    """The latest version's branches (to these agencies, or all) delivered, as when each agency's system
    took the message (agencies/delivery.py): only then do its officers see the declaration."""
    from declarations.choices import DeliveryStatus
    from declarations.models import Delivery

    declaration.refresh_from_db()
    branches = Delivery.objects.filter(version__declaration=declaration, version__number=declaration.version_count)
    if agencies:
        branches = branches.filter(agency__in=agencies)
    branches.filter(status=DeliveryStatus.PENDING).update(status=DeliveryStatus.DELIVERED, delivered_at=timezone.now())
    return declaration
