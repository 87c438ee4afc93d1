"""Writing vessel declarations: a ship agency creates one for an arrival or a departure, fills the
general declaration and the FAL lists (typed, or crew and passengers imported from Excel/CSV), and
submits it once; it is frozen and delivered to every agency at the port by the goods declaration's
own mechanism (declarations.pipeline.declaration_freeze). When all have released a departure, the port clearance
certificate is issued; maritime safety may revoke it."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from declarations.choices import DeclarationAction, DeclarationStatus, Direction, EventKind
from declarations.models import Declaration, DeclarationVersion, Event
from declarations.pipeline import (
    DeclarationError,
    DeclarationInvalid,
    declaration_freeze,
    declaration_lock,
    require_draft,
)
from declarations.registry import agencies_receiving
from singlewindow.choices import Agency, OrganisationKind
from singlewindow.models import User
from singlewindow.notifications import notify
from singlewindow.services import audit_record, json_value, sequence_next

from . import certificate, people
from .choices import CLEARANCE_ISSUED, VESSEL, CertificateState, VesselAction
from .models import PortClearance, VesselCall
from .parts import BY_KEY, CALL_FIELDS, PARTS
from .validation import vessel_problems

CLEARANCE_VALID_HOURS = 72
log = logging.getLogger(__name__)


def _require_agent(declaration: Declaration, user: User) -> None:
    if declaration.category != VESSEL or user.organisation_id != declaration.owner_id:
        raise PermissionDenied


@transaction.atomic
def vessel_create(
    *, user: User, direction: str, call: Mapping[str, Any] | None = None,
    parts: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
) -> Declaration:  # fmt: skip
    """A new vessel declaration (arrival: import, departure: export) of the user's ship agency, with as
    much of it as the caller has."""
    org = user.organisation
    if org is None or org.kind != OrganisationKind.SHIP_AGENCY:
        raise PermissionDenied
    declaration = Declaration.objects.create(
        owner=org, created_by=user, category=VESSEL, direction=direction, domestic_party_name=org.name,
        domestic_party_uscc=org.uscc,
    )  # fmt: skip
    VesselCall.objects.create(declaration=declaration)
    audit_record(
        actor=user,
        action=DeclarationAction.CREATED,
        obj=declaration,
        after={"category": "vessel", "direction": direction},
    )
    if call or parts:
        vessel_save(declaration=declaration, user=user, call=call or {}, parts=parts)
    return declaration


def parts_of(declaration: Declaration) -> dict[str, list[models.Model]]:
    return {part.key: list(getattr(declaration, part.key).all()) for part in PARTS}


def _state(call: VesselCall, parts: Mapping[str, Sequence[models.Model]]) -> dict[str, Any]:
    return {
        **{name: json_value(getattr(call, name)) for name in CALL_FIELDS},
        **{
            key: [{n: json_value(getattr(r, n)) for n in BY_KEY[key].fields} for r in rows]
            for key, rows in parts.items()
        },
    }


@transaction.atomic
def vessel_save(
    *,
    declaration: Declaration,
    user: User,
    call: Mapping[str, Any],
    parts: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
) -> Declaration:
    """Store what the agent typed: the general declaration's items and whole FAL lists given (a list
    not given is left as it is). Business rules wait for validation."""
    _require_agent(declaration, user)
    declaration_lock(declaration)
    require_draft(declaration)
    record = declaration.vessel
    before = _state(record, parts_of(declaration))
    for name in CALL_FIELDS:
        if name in call:
            value = call[name]
            setattr(record, name, value.strip().upper() if isinstance(value, str) and name in CODES else value)
    record.save()
    for key, rows in (parts or {}).items():
        _replace(declaration, key, rows)
    after = _state(record, parts_of(declaration))
    changed = {k: v for k, v in after.items() if before.get(k) != v}
    if changed:
        declaration.save(update_fields=["updated_at"])
        audit_record(actor=user, action=DeclarationAction.DRAFT_SAVED, obj=declaration,
                     before={k: before.get(k) for k in changed}, after=changed)  # fmt: skip
    return declaration


CODES = {"imo_number", "call_sign", "flag_state", "port", "last_port", "next_port"}


ROW_CODES = {"bill_of_lading", "hs_code", "un_number", "port_of_loading", "port_of_discharge", "nationality",
             "port_of_embarkation", "port_of_disembarkation", "document_number"}  # fmt: skip


def _row(part_fields: tuple[str, ...], row: Mapping[str, Any]) -> dict[str, Any]:
    """A list row's known fields, codes and identifiers in capitals as agencies match them."""
    return {
        name: row[name].strip().upper() if name in ROW_CODES and isinstance(row[name], str) else row[name]
        for name in part_fields
        if name in row
    }


def _replace(declaration: Declaration, key: str, rows: Sequence[Mapping[str, Any]]) -> None:
    part = BY_KEY[key]
    getattr(declaration, key).all().delete()
    part.model._default_manager.bulk_create(
        [
            part.model(declaration=declaration, position=i, **_row(part.fields, row))
            for i, row in enumerate(rows, start=1)
        ]
    )


@transaction.atomic
def vessel_import_people(
    *, declaration: Declaration, user: User, key: str, upload: UploadedFile
) -> people.ImportResult:
    """Replace the crew list ("crew") or the passenger list ("passengers") with an Excel/CSV file's
    rows, if every row is valid; otherwise keep the list and return the problems."""
    _require_agent(declaration, user)
    declaration_lock(declaration)
    require_draft(declaration)
    read = people.import_crew if key == "crew" else people.import_passengers
    on = timezone.localdate(declaration.vessel.expected_at) if declaration.vessel.expected_at else timezone.localdate()
    result = read(upload.read(people.MAX_BYTES + 1), on=on)
    if result.errors:
        return result
    before = len(getattr(declaration, key).all())
    _replace(declaration, key, [dataclasses.asdict(row) for row in result.rows])
    audit_record(actor=user, action=DeclarationAction.DRAFT_SAVED, obj=declaration,
                 before={key: before}, after={key: len(result.rows), "file": upload.name})  # fmt: skip
    return result


def vessel_problems_of(declaration: Declaration) -> list:
    return vessel_problems(declaration, declaration.vessel, parts_of(declaration))


def vessel_snapshot(
    declaration: Declaration, call: VesselCall, parts: Mapping[str, Sequence[models.Model]]
) -> dict[str, Any]:
    """The frozen form every agency's vessel message is built from."""
    return {
        "category": VESSEL,
        "pre_entry_no": declaration.pre_entry_no,
        "direction": declaration.direction,
        "agencies": list(agencies_receiving(VESSEL)),
        "general": {name: json_value(getattr(call, name)) for name in CALL_FIELDS},
        **{
            key: [{"no": r.position, **{n: json_value(getattr(r, n)) for n in BY_KEY[key].fields}} for r in rows]  # type: ignore[attr-defined]
            for key, rows in parts.items()
        },
    }


@transaction.atomic
def vessel_submit(*, declaration: Declaration, user: User) -> DeclarationVersion:
    """Validate once; if clean, freeze and send to customs, inspection, border inspection and maritime
    safety at once. Invalid: DeclarationInvalid, nothing changes."""
    _require_agent(declaration, user)
    declaration_lock(declaration)
    require_draft(declaration)
    agency = declaration.owner  # the ship agency filing: its record, never a typed name
    declaration.domestic_party_name, declaration.domestic_party_uscc = agency.name, agency.uscc
    declaration.save(update_fields=["domestic_party_name", "domestic_party_uscc"])
    call, parts = declaration.vessel, parts_of(declaration)
    problems = vessel_problems(declaration, call, parts)
    if problems:
        raise DeclarationInvalid(problems)
    payload = {**vessel_snapshot(declaration, call, parts), "ship_agency": {"name": agency.name, "uscc": agency.uscc}}
    return declaration_freeze(declaration=declaration, user=user, payload=payload)


# --- the port clearance certificate ---------------------------------------------------------------


def _port(code: str) -> certificate.Port:
    from declarations import codelists
    from declarations.choices import CodeList

    found = codelists.names(CodeList.PORTS, code)
    return certificate.Port(locode=code, name_en=found[1] if found else code, name_zh=found[0] if found else "")


def clearances_due(declaration_ids: Sequence[int]) -> None:
    """Called when receipts change statuses: every released vessel departure gets its certificate."""
    due = Declaration.objects.filter(
        pk__in=declaration_ids, category=VESSEL, direction=Direction.EXPORT,
        status=DeclarationStatus.RELEASED, port_clearance__isnull=True,
    )  # fmt: skip
    for declaration in due:
        try:
            with transaction.atomic():  # a savepoint: a failed issue must not undo the receipts recorded
                clearance_issue(declaration=declaration)
        except Exception:
            log.exception("port clearance for declaration %s could not be issued", declaration.pk)


def clearance_issue(*, declaration: Declaration) -> PortClearance:
    """Maritime safety's port clearance, once every agency has released the latest version."""
    version = declaration.versions.get(number=declaration.version_count)
    released = {e.agency: e.at for e in Event.objects.filter(version=version, kind=EventKind.RELEASED).order_by("at")}
    if set(released) != set(version.agencies):
        raise DeclarationError(_("Not every agency has released this vessel yet."))
    general = version.payload["general"]
    issued_at = timezone.now()
    port = general["port"]
    names = {agency: _both_languages(Agency(agency).label) for agency in (*version.agencies, Agency.MARITIME)}
    facts = certificate.PortClearanceFacts(
        number=certificate.certificate_number(
            port=port,
            issued_at=issued_at,
            # per port and year in Beijing time, the year the number shows
            sequence=sequence_next(name=f"clearance-{port}-{issued_at.astimezone(certificate.SHANGHAI).year}"),
        ),
        vessel_name=general["vessel_name"],
        vessel_name_zh=general["vessel_name_cn"],
        imo_number=general["imo_number"],
        call_sign=general["call_sign"],
        flag_state=general["flag_state"],
        gross_tonnage=int(float(general["gross_tonnage"] or 0)),
        voyage_number=general["voyage_no"],
        port_of_departure=_port(port),
        next_port_of_call=_port(general["next_port"]),
        issued_at=issued_at,
        valid_until=issued_at + timedelta(hours=CLEARANCE_VALID_HOURS),
        authority_zh=names[Agency.MARITIME][0],
        authority_en=names[Agency.MARITIME][1],
        releasing_agencies=tuple(
            certificate.ReleasingAgency(names[a][0], names[a][1], released[a]) for a in version.agencies
        ),
    )
    clearance = PortClearance.objects.create(
        declaration=declaration, number=facts.number, facts=certificate.facts_as_json(facts),
        digest=certificate.facts_digest(facts), issued_at=issued_at, valid_until=facts.valid_until,
    )  # fmt: skip
    audit_record(
        actor=None, action=VesselAction.PORT_CLEARANCE_ISSUED, obj=declaration, after={"certificate": clearance.number}
    )
    notify(
        organisation_ids=[declaration.owner_id],
        kind=CLEARANCE_ISSUED,
        url=reverse("vessels:detail", args=[declaration.pk]),
        params={"vessel": facts.vessel_name, "number": facts.number},
    )
    return clearance


def _both_languages(label: Any) -> tuple[str, str]:
    """A label in Chinese and in English, as the bilingual certificate prints it."""
    with translation.override("zh-hans"):
        chinese = str(label)
    with translation.override("en"):
        return chinese, str(label)


@transaction.atomic
def clearance_revoke(*, clearance: PortClearance, user: User, reason: str) -> PortClearance:
    """Maritime safety withdraws a certificate; the public page says so at once."""
    if user.organisation is None or user.organisation.agency != Agency.MARITIME:
        raise PermissionDenied
    if not reason.strip():
        raise DeclarationError(_("Give the reason for revoking the certificate."))
    return _revoke(clearance=clearance, actor=user, reason=reason)


def _revoke(*, clearance: PortClearance, actor: User | None, reason: str) -> PortClearance:
    """The one way a certificate is revoked: by maritime safety's officer, or by an agency's receipt
    revoking its release (actor None)."""
    clearance = PortClearance.objects.select_for_update().get(pk=clearance.pk)
    if clearance.state == CertificateState.REVOKED:
        return clearance
    clearance.state, clearance.revoked_at, clearance.revoked_by = CertificateState.REVOKED, timezone.now(), actor
    clearance.revocation_reason = reason.strip()[:300]
    clearance.save()
    audit_record(actor=actor, action=VesselAction.PORT_CLEARANCE_REVOKED, obj=clearance.declaration,
                 after={"certificate": clearance.number, "reason": clearance.revocation_reason})  # fmt: skip
    return clearance


def clearances_withdrawn(declaration_ids: Sequence[int]) -> None:
    """Called when receipts change statuses: a vessel whose release an agency revoked loses its port
    clearance certificate, with that agency's reason; the public verification page says so at once."""
    for clearance in PortClearance.objects.filter(declaration_id__in=declaration_ids).exclude(
        state=CertificateState.REVOKED
    ):
        revocation = (
            Event.objects.filter(declaration_id=clearance.declaration_id, kind=EventKind.RELEASE_REVOKED)
            .order_by("-at", "-id")
            .first()
        )
        agency = _both_languages(Agency(revocation.agency).label) if revocation else ("", "")
        reason = str(revocation.data.get("reason", "")) if revocation else ""
        # Printed as the certificate is: in Chinese and in English, whoever reads it.
        said = f"{agency[0]} / {agency[1]}: {reason}" if reason else f"{agency[0]} / {agency[1]}"
        _revoke(clearance=clearance, actor=None, reason=said)


def clearance_facts(clearance: PortClearance) -> certificate.PortClearanceFacts:
    return certificate.facts_from_json(clearance.facts)


def clearance_pdf(clearance: PortClearance) -> bytes:
    facts = clearance_facts(clearance)
    return certificate.render_port_clearance_pdf(
        facts, certificate.verify_url_for(facts, base_url=settings.PORTAL_BASE_URL)
    )


def clearance_verify(*, number: str, token: str) -> tuple[PortClearance | None, str]:
    """The certificate on record for a number and what the public page says about it."""
    clearance = PortClearance.objects.filter(number=number).first()
    facts = clearance_facts(clearance) if clearance else None
    status = certificate.certificate_status(
        facts=facts, token=token, revoked=bool(clearance and clearance.state == CertificateState.REVOKED),
        now=timezone.now(),
    )  # fmt: skip
    return clearance, status
