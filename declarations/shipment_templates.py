"""Saved templates (常用模板): a recurring shipment's declaration kept once, started from many times.

A template holds what the clerk typed — the header without the parties, the goods lines, the
containers — never who declares (the master record fills that when it is used) nor documents (they
belong to one shipment). Each organisation sees and uses only its own templates; a broker's template is
for one client and is usable only while that client's delegation is in force (declaration_create checks).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from singlewindow.errors import DomainError
from singlewindow.models import User
from singlewindow.services import audit_record, json_value

from .choices import DeclarationAction
from .fields import CONTAINER_FIELDS, HEADER_FIELDS, LINE_FIELDS, ONE_TABLE
from .models import Declaration, ShipmentTemplate
from .pipeline import require_preparer
from .services import declaration_create, declaration_save_draft

TYPED_HEADER = tuple(name for name in HEADER_FIELDS if not any(s.name == name and s.prefilled for s in ONE_TABLE))


class TemplateNameMissing(DomainError):
    status_code = 400
    code = "required"
    field = "name"


def templates_of(user: User) -> QuerySet[ShipmentTemplate]:
    return ShipmentTemplate.objects.filter(organisation=user.organisation).select_related("owner")


def template_get(*, user: User, pk: int) -> ShipmentTemplate:
    """One of the user's organisation's templates; 404 for anyone else's."""
    try:
        return templates_of(user).get(pk=pk)
    except (ShipmentTemplate.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@transaction.atomic
def template_save(*, declaration: Declaration, user: User, name: str) -> ShipmentTemplate:
    """Keep this declaration's typed content under a name (saving again under a name replaces it)."""
    require_preparer(declaration, user)
    name = name.strip()
    if not name:
        raise TemplateNameMissing(_("Give the template a name."))
    template, _created = ShipmentTemplate.objects.update_or_create(
        organisation=user.organisation,
        owner=declaration.owner,
        name=name[:100],
        defaults={
            "target": declaration.target,
            "direction": declaration.direction,
            "kind": declaration.kind,
            "header": {n: json_value(getattr(declaration, n)) for n in TYPED_HEADER},
            "lines": [{n: json_value(getattr(row, n)) for n in LINE_FIELDS} for row in declaration.lines.all()],
            "containers": [{n: json_value(getattr(c, n)) for n in CONTAINER_FIELDS} for c in declaration.containers.all()],
            "created_by": user,
        },
    )  # fmt: skip
    audit_record(actor=user, action=DeclarationAction.TEMPLATE_SAVED, obj=declaration, after={"template": name})
    return template


@transaction.atomic
def declaration_from_template(*, template: ShipmentTemplate, user: User) -> Declaration:
    """A new draft holding the template's content, stored the way a clerk's save stores it."""
    if template.organisation_id != user.organisation_id:
        raise Http404
    declaration = declaration_create(
        user=user, target=template.target, direction=template.direction, kind=template.kind,
        client_uscc=template.owner.uscc if template.owner_id != user.organisation_id else "",
    )  # fmt: skip
    declaration_save_draft(
        declaration=declaration,
        user=user,
        header={name: value for name, value in template.header.items() if name in TYPED_HEADER},
        lines=[{k: v for k, v in row.items() if k in LINE_FIELDS} for row in template.lines],
        containers=[{k: v for k, v in row.items() if k in CONTAINER_FIELDS} for row in template.containers],
    )
    audit_record(actor=user, action=DeclarationAction.FROM_TEMPLATE, obj=declaration, after={"template": template.name})
    return declaration


def template_delete(*, template: ShipmentTemplate, user: User) -> None:
    if template.organisation_id != user.organisation_id:
        raise Http404
    template.delete()
