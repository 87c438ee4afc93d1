"""Portal-wide writes: the audit trail, number sequences and the enterprise master record."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, connections, models, transaction
from django.forms.models import model_to_dict

from .audit_actions import PortalAction
from .choices import Role
from .models import AuditEntry, Organisation, Sequence, User
from .prepared import insert_later


def audit_record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Add one entry to the audit trail. Callers pass JSON-ready before/after values. Inside a
    prepared.writes_together() block the entry is written with the block's other rows as it ends (its id is set
    then): inside the caller's transaction, so it stands or falls with what it records."""
    entry = AuditEntry(
        actor=actor,
        organisation_id=actor.organisation_id if actor else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        before=dict(before) if before is not None else None,
        after=dict(after) if after is not None else None,
    )
    return insert_later([entry])[0]


def sequence_next(*, name: str, gapless: bool = True) -> int:
    """The next value of a named counter. Call it inside the transaction that uses the number.

    gapless (certificate and licence numbers): the counter's row stays locked until that transaction
    commits, so numbers are unique and without gaps, and concurrent transactions take their turns.
    Not gapless (pre-entry and filing numbers, taken by every submission): on PostgreSQL a database
    sequence, which never waits; a number taken by a transaction that rolls back is not used again, as
    customs' own pre-entry numbers skip. The sequence goes on from the counter's row."""
    if not gapless and connection.vendor == "postgresql":
        return _sequence_next_unlocked(name)
    table = connection.ops.quote_name(Sequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET value = value + 1 WHERE name = %s RETURNING value", [name])  # noqa: S608
        row = cursor.fetchone()
    if row is None:
        Sequence.objects.get_or_create(name=name)
        return sequence_next(name=name)
    return int(row[0])


_SEQUENCES_MADE: set[str] = set()  # counters whose database sequence this process saw committed


def _sequence_next_unlocked(name: str) -> int:
    sequence = connection.ops.quote_name("sw_seq_" + hashlib.sha256(name.encode()).hexdigest()[:20])
    if name not in _SEQUENCES_MADE:
        _sequence_make(name, sequence)
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s)", [sequence])
        return int(cursor.fetchone()[0])


def _sequence_make(name: str, sequence: str) -> None:
    """Make the counter's sequence (once: it may exist already) on a connection of its own, committed at
    once: made in the caller's transaction, every other transaction would wait for that one to end. It
    goes on from the counter's row, which it then replaces: processes of a release that still number from
    the row must not run beside it (they would hand out the same numbers). The database role needs the
    right to create objects in the schema; if the sequence cannot be made, the error says so."""
    table = connection.ops.quote_name(Sequence._meta.db_table)
    side = connections.create_connection(connection.alias)
    try:
        with side.cursor() as cursor:
            cursor.execute(f"SELECT value FROM {table} WHERE name = %s", [name])  # noqa: S608
            row = cursor.fetchone()
            start = int(row[0] if row else 0) + 1
            with contextlib.suppress(DatabaseError):  # another process made it at the same moment (checked below)
                cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {sequence} START WITH {start}")
            cursor.execute("SELECT to_regclass(%s)", [sequence])
            if cursor.fetchone()[0] is None:
                raise DatabaseError(f"the sequence of counter {name!r} ({sequence}) could not be made")
    finally:
        side.close()
    _SEQUENCES_MADE.add(name)


def changed_values(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[dict, dict]:
    """The keys whose values differ, as (before, after) dicts with JSON-ready values."""
    keys = [key for key in after if before.get(key) != after.get(key)]
    return ({k: json_value(before.get(k)) for k in keys}, {k: json_value(after.get(k)) for k in keys})


def json_value(value: Any) -> Any:
    """One canonical JSON form: decimals without trailing zeros ("2450.5"), dates in ISO 8601."""
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


MASTER_RECORD_FIELDS = ("name", "name_en", "address", "contact_name", "phone", "email")


@transaction.atomic
def organisation_update(*, organisation: Organisation, user: User, data: Mapping[str, Any]) -> Organisation:
    """Change the enterprise master record; only its own managers may, and every change is audited."""
    if user.organisation_id != organisation.pk or user.role != Role.MANAGER:
        raise PermissionDenied
    before = model_to_dict(organisation, fields=MASTER_RECORD_FIELDS)
    for field in MASTER_RECORD_FIELDS:
        if field in data:
            setattr(organisation, field, data[field])
    organisation.full_clean()
    organisation.save()
    old, new = changed_values(before, model_to_dict(organisation, fields=MASTER_RECORD_FIELDS))
    if new:
        audit_record(actor=user, action=PortalAction.ORGANISATION_UPDATED, obj=organisation, before=old, after=new)
    return organisation
