"""Goods lines against licences (核销): the check that a line cites the licence its commodity code needs, and
the write-off that can never overdraw.

The check (`line_problems`) is pure: validation runs it with what `licences_cited` read in one query. The
write-off runs when a goods declaration is frozen (`reserve`, a registry listener's `on_freezing`), in the
submission's transaction, with conditional UPDATEs — a use is taken only `WHERE uses < max_uses`, a
quantity only `WHERE written_off + q <= quantity × (1 + tolerance)` — so two declarations racing for the
last use or the last quantity cannot both have it: the loser's submission is refused with the reason on its
line and nothing of it is kept. A release consumes the reservation, a rejection or a newer version gives it
back; nothing is given back after a release. Every write-off is a `LicenceUse` row: the ledger.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django.db import connection
from django.db.models import F, Field, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from declarations.choices import DeclarationStatus
from declarations.models import Declaration
from declarations.pipeline import DeclarationInvalid
from declarations.registry import StatusChange
from singlewindow.certificates import SHANGHAI
from singlewindow.choices import Agency
from singlewindow.prepared import prepared
from singlewindow.problems import Problem
from singlewindow.services import json_value

from . import conditions
from .choices import LicenceKind, LicenceState, UseState
from .models import Licence, LicenceLine, LicenceUse

IN_FORCE = (LicenceState.ISSUED, LicenceState.PARTIALLY_USED)


@dataclass(frozen=True)
class Cited:
    """One goods line as the licence check sees it."""

    index: int  # its position in the declaration (problems' field paths)
    line_no: int
    hs_code: str
    licence_no: str
    licence_line: int | None
    quantities: Mapping[str, Decimal]  # unit → quantity, declared and legal


@dataclass(frozen=True)
class Held:
    """What earlier versions of the declarations being checked still hold: their reserved quantity per licence
    line and the licences they use (a new version gives them back before it takes its own)."""

    quantity: Mapping[tuple[int, int], Decimal]  # (declaration id, licence line id) → quantity
    licences: frozenset[tuple[int, int]]  # (declaration id, licence id)


NOTHING_HELD = Held({}, frozenset())


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def cited(lines: Iterable[Any]) -> list[Cited]:
    """Goods lines (models or a frozen payload's dicts) as the check sees them."""
    out = []
    for index, line in enumerate(lines):
        get = line.get if isinstance(line, dict) else lambda name, line=line: getattr(line, name, None)
        quantities = {}
        for unit, quantity in (
            (get("legal_unit"), get("legal_quantity")),
            (get("declared_unit"), get("declared_quantity")),
        ):
            amount = _decimal(quantity)
            if unit and amount is not None:
                quantities[unit] = amount
        raw_line = get("licence_line")
        out.append(
            Cited(
                index=index,
                line_no=index + 1,
                hs_code=get("hs_code") or "",
                licence_no=(get("licence_no") or "").strip().upper(),
                licence_line=int(raw_line) if raw_line not in (None, "") else None,
                quantities=quantities,
            )
        )
    return out


@dataclass(frozen=True)
class Licensed:
    """A licence with its lines, as the check reads them."""

    licence: Licence
    lines: list[LicenceLine]


LICENCE_COLUMNS = (
    "id",
    "number",
    "kind",
    "holder_id",
    "state",
    "valid_from",
    "valid_until",
    "place_of_clearance",
    "max_uses",
    "uses",
)
LINE_COLUMNS = ("id", "line_no", "hs_code", "unit", "quantity", "tolerance", "written_off")


def _typed(model: type[Licence] | type[LicenceLine], columns: Sequence[str], values: Sequence[Any]) -> list[Any]:
    """Raw column values as the model's fields hold them (SQLite hands back dates as text, decimals as floats)."""
    fields = [
        cast("Field[Any, Any]", model._meta.get_field(c.removesuffix("_id") if c != "id" else c)) for c in columns
    ]
    return [v if v is None else f.to_python(v) for f, v in zip(fields, values, strict=True)]


def _with_lines(where: str, params: Sequence[Any]) -> dict[str, Licensed]:
    """Licences and their lines, as the check reads them, in one query written out: every submission citing a
    licence runs it, and composing it through the ORM cost more than running it."""
    licence_table, line_table = (connection.ops.quote_name(m._meta.db_table) for m in (Licence, LicenceLine))
    columns = ", ".join([*(f"c.{c}" for c in LICENCE_COLUMNS), *(f"l.{c}" for c in LINE_COLUMNS)])
    found: dict[str, Licensed] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM {licence_table} c JOIN {line_table} l ON l.licence_id = c.id"  # noqa: S608
            f" WHERE {where} ORDER BY c.id, l.line_no",
            params,
        )
        for row in cursor.fetchall():
            head = _typed(Licence, LICENCE_COLUMNS, row[: len(LICENCE_COLUMNS)])
            licensed = found.get(head[1])
            if licensed is None:
                licensed = found[head[1]] = Licensed(Licence(**dict(zip(LICENCE_COLUMNS, head, strict=True))), [])
            tail = _typed(LicenceLine, LINE_COLUMNS, row[len(LICENCE_COLUMNS) :])
            line = LicenceLine(**dict(zip(LINE_COLUMNS, tail, strict=True)))
            line.licence = licensed.licence
            licensed.lines.append(line)
    return found


def licences_cited(numbers: Iterable[str]) -> dict[str, Licensed]:
    """The licences with these numbers and their lines, in one query."""
    wanted = sorted({n for n in numbers if n})
    if not wanted:
        return {}
    return _with_lines(f"c.number IN ({', '.join(['%s'] * len(wanted))})", wanted)


def licences_held(owner_ids: Iterable[int], *, since: date) -> dict[str, Licensed]:
    """Every licence these firms hold that was still valid on `since` or later, with its lines, in one query:
    what their declarations may cite (a number another firm holds is as good as unknown)."""
    owners = sorted(set(owner_ids))
    if not owners:
        return {}
    return _with_lines(f"c.holder_id IN ({', '.join(['%s'] * len(owners))}) AND c.valid_until >= %s", [*owners, since])


def held_by(declaration_ids: Iterable[int]) -> Held:
    quantity: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    licences = set()
    rows = LicenceUse.objects.filter(declaration_id__in=list(declaration_ids), state=UseState.RESERVED).values_list(
        "declaration_id", "licence_id", "licence_line_id", "quantity"
    )
    for declaration_id, licence_id, line_id, amount in rows:
        quantity[(declaration_id, line_id)] += amount
        licences.add((declaration_id, licence_id))
    return Held(dict(quantity), frozenset(licences))


def _names(found: Sequence[conditions.Condition]) -> str:
    """The documents' names in the reader's language (the code list has both)."""
    if (translation.get_language() or "").startswith("zh"):
        return "、".join(c.name_zh for c in found)
    return ", ".join(c.name_en for c in found)


def _licence_line(licensed: Licensed, line: Cited) -> LicenceLine | None:
    lines = licensed.lines
    if line.licence_line is not None:
        return next((ll for ll in lines if ll.line_no == line.licence_line), None)
    same = [ll for ll in lines if ll.hs_code == line.hs_code]
    return same[0] if len(same) == 1 else None


def _problem(line: Cited, field: str, code: str, message: str) -> Problem:
    return Problem(f"lines[{line.index}].{field}", code, message)


def line_problems(
    *,
    declaration_id: int | None,
    owner_id: int,
    direction: str,
    port: str,
    today: date,
    lines: Sequence[Cited],
    licences: Mapping[str, Licensed],
    held: Held = NOTHING_HELD,
) -> list[Problem]:
    """Each goods line against the supervision conditions of its code and the licence it cites."""
    problems: list[Problem] = []
    wanted: dict[int, Decimal] = defaultdict(Decimal)  # licence line id → what this declaration writes off
    for line in lines:
        required, prohibited = conditions.required(line.hs_code, direction)
        if prohibited:
            problems.append(_problem(line, "hs_code", "goods_prohibited", _(
                "These goods may not cross the border: %(what)s.") % {"what": _names(prohibited)}))  # fmt: skip
            continue
        if not line.licence_no:
            if required:
                problems.append(_problem(line, "licence_no", "licence_required", _(
                    "This commodity code needs a %(kind)s: give its number.") % {"kind": _names(required)}))  # fmt: skip
            continue
        licensed = licences.get(line.licence_no)
        if licensed is None or licensed.licence.holder_id != owner_id:  # another firm's licence is as good as none
            problems.append(_problem(line, "licence_no", "licence_unknown", _(
                "Your enterprise holds no licence with this number.")))  # fmt: skip
            continue
        licence = licensed.licence
        if not required:
            problems.append(_problem(line, "licence_no", "licence_not_needed", _(
                "These goods need no licence going this way: leave the licence blank.")))  # fmt: skip
            continue
        if licence.kind not in {c.code for c in required}:
            problems.append(_problem(line, "licence_no", "licence_wrong_kind", _(
                "This is a %(cited)s; these goods need a %(kind)s.") % {
                "cited": LicenceKind(licence.kind).label, "kind": _names(required)}))  # fmt: skip
            continue
        if licence.state not in IN_FORCE:
            message = (
                _("This licence has been used up.") if licence.state == LicenceState.EXHAUSTED
                else _("This licence has been revoked.")
            )  # fmt: skip
            problems.append(_problem(line, "licence_no", f"licence_{licence.state}", message))
            continue
        if not licence.valid_from <= today <= licence.valid_until:
            problems.append(_problem(line, "licence_no", "licence_expired", _(
                "This licence is valid from %(start)s to %(end)s.") % {
                "start": licence.valid_from.isoformat(), "end": licence.valid_until.isoformat()}))  # fmt: skip
            continue
        if licence.place_of_clearance and port and licence.place_of_clearance != port:
            problems.append(_problem(line, "licence_no", "licence_other_port", _(
                "This licence is for clearance at customs %(port)s only.") % {"port": licence.place_of_clearance}))  # fmt: skip
            continue
        own = (declaration_id, licence.pk) in held.licences
        if licence.max_uses is not None and licence.uses - own >= licence.max_uses:
            problems.append(_problem(line, "licence_no", "licence_used_up", _(
                "This licence has been used %(uses)d of %(max)d times.") % {
                "uses": licence.uses, "max": licence.max_uses}))  # fmt: skip
            continue
        target = _licence_line(licensed, line)
        if target is None:
            problems.append(_problem(line, "licence_line", "licence_line_unknown", _(
                "Give the licence's line for these goods (the licence has no single line with this code).")))  # fmt: skip
            continue
        if target.hs_code != line.hs_code:
            problems.append(_problem(line, "hs_code", "licence_other_goods", _(
                "Line %(n)d of the licence is for commodity code %(code)s.") % {
                "n": target.line_no, "code": target.hs_code}))  # fmt: skip
            continue
        quantity = line.quantities.get(target.unit)
        if quantity is None or quantity <= 0:
            problems.append(_problem(line, "declared_unit", "licence_other_unit", _(
                "The licence counts these goods in unit %(unit)s: declare a quantity in it.") % {"unit": target.unit}))  # fmt: skip
            continue
        wanted[target.pk] += quantity
        already = target.written_off - held.quantity.get((declaration_id or 0, target.pk), Decimal(0))
        ceiling = target.quantity * (1 + target.tolerance)
        if already + wanted[target.pk] > ceiling or (already >= target.quantity and wanted[target.pk] > 0):
            left = max(target.quantity - already, Decimal(0))
            problems.append(_problem(line, "declared_quantity", "licence_quantity_exceeded", _(
                "The licence line has %(left)s %(unit)s left.") % {"left": json_value(left), "unit": target.unit}))  # fmt: skip
    return problems


# --- the write-off ---------------------------------------------------------------------------------


def _give_back(uses: Iterable[LicenceUse]) -> None:
    """Return reserved quantities and uses (rows locked by the caller's UPDATE of their state)."""
    per_line: dict[int, Decimal] = defaultdict(Decimal)
    licences: set[tuple[int, int]] = set()
    for use in uses:
        per_line[use.licence_line_id] += use.quantity
        licences.add((use.declaration_id, use.licence_id))
    for line_id in sorted(per_line):
        LicenceLine.objects.filter(pk=line_id).update(written_off=F("written_off") - per_line[line_id])
    per_licence: dict[int, int] = defaultdict(int)
    for _declaration, licence_id in licences:
        per_licence[licence_id] += 1
    for licence_id in sorted(per_licence):
        Licence.objects.filter(pk=licence_id).update(uses=F("uses") - per_licence[licence_id])
        _restate(licence_id)


@prepared  # every receipt recorded that releases or rejects a declaration asks it; most cite no licence
def _reserved(*, declaration_ids: Sequence[int], state: str) -> QuerySet[LicenceUse]:
    return LicenceUse.objects.filter(declaration_id__in=declaration_ids, state=state).select_for_update().order_by("id")


def _settle(declaration_ids: Sequence[int], state: str) -> None:
    uses = _reserved.all(declaration_ids=declaration_ids, state=UseState.RESERVED)
    if not uses:
        return
    LicenceUse.objects.filter(pk__in=[u.pk for u in uses]).update(state=state, settled_at=timezone.now())
    if state == UseState.RETURNED:
        _give_back(uses)


def _restate(licence_id: int) -> None:
    """Issued, partially used or used up, from its uses and lines (a revoked licence stays revoked)."""
    licence = Licence.objects.get(pk=licence_id)
    if licence.state == LicenceState.REVOKED:
        return
    lines = list(licence.lines.all())
    if (licence.max_uses is not None and licence.uses >= licence.max_uses) or all(
        line.written_off >= line.quantity for line in lines
    ):
        state = LicenceState.EXHAUSTED
    elif licence.uses or any(line.written_off for line in lines):
        state = LicenceState.PARTIALLY_USED
    else:
        state = LicenceState.ISSUED
    if state != licence.state:
        Licence.objects.filter(pk=licence_id).update(state=state)


def _refuse(line: Cited, code: str, message: str) -> DeclarationInvalid:
    return DeclarationInvalid([_problem(line, "licence_no", code, message)])


def _take_quantity(line_id: int, quantity: Decimal) -> Decimal | None:
    """Write `quantity` off a licence line if it fits (never past its quantity plus tolerance, never onto a line
    already used up); what is left after, or None when it did not fit. One statement: the row stays locked until
    the submission commits, so the next submitter reads what this one left."""
    table = connection.ops.quote_name(LicenceLine._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET written_off = written_off + %s WHERE id = %s AND written_off < quantity"  # noqa: S608
            " AND written_off + %s <= quantity * (1 + tolerance) RETURNING quantity - written_off",
            [quantity, line_id, quantity],
        )
        row = cursor.fetchone()
    return None if row is None else max(Decimal(row[0]), Decimal(0))


def _take_use(licence_id: int, *, today: date, port: str) -> bool:
    """One use of a licence in force, binding its place of clearance on the first (一证一关), and its state
    from its uses and lines (which this transaction has already written off). One statement, written out:
    it runs while the licence's rows are locked, and composing it through the ORM cost more than running it."""
    licence, line = (connection.ops.quote_name(m._meta.db_table) for m in (Licence, LicenceLine))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {licence} SET uses = uses + 1, place_of_clearance = %s, state = CASE"  # noqa: S608
            " WHEN (max_uses IS NOT NULL AND max_uses <= uses + 1) OR NOT EXISTS (SELECT 1 FROM"
            f" {line} l WHERE l.licence_id = {licence}.id AND l.written_off < l.quantity) THEN %s ELSE %s END"
            " WHERE id = %s AND state IN (%s, %s) AND valid_from <= %s AND valid_until >= %s"
            " AND (max_uses IS NULL OR uses < max_uses) AND (place_of_clearance = '' OR place_of_clearance = %s)",
            [port, LicenceState.EXHAUSTED, LicenceState.PARTIALLY_USED, licence_id, *IN_FORCE, today, today, port],
        )
        return cursor.rowcount == 1


def reserve(declaration: Declaration, payload: dict[str, Any]) -> None:
    """Freeze listener: give back what earlier versions reserved, then take this version's write-offs with
    conditional updates; say what was written off in the payload (the agencies' messages carry it). The
    declaration was validated moments ago in this transaction; what can still go wrong is another submission
    taking the last use or quantity first, which the conditional updates refuse."""
    if declaration.version_count:
        _settle([declaration.pk], UseState.RETURNED)  # a newer version supersedes what earlier ones reserved
    if Agency.CUSTOMS not in payload.get("agencies", ()):
        return
    lines = [line for line in cited(payload["lines"]) if line.licence_no]
    if not lines:
        return
    today = timezone.now().astimezone(SHANGHAI).date()
    port = payload["header"].get("port_customs") or ""
    licences = licences_cited(line.licence_no for line in lines)
    plan: list[tuple[Cited, Licence, LicenceLine, Decimal]] = []
    for line in lines:
        licensed = licences.get(line.licence_no)
        target = _licence_line(licensed, line) if licensed else None
        quantity = line.quantities.get(target.unit) if target else None
        if licensed is None or target is None or quantity is None or licensed.licence.holder_id != declaration.owner_id:
            raise DeclarationInvalid(line_problems(
                declaration_id=declaration.pk, owner_id=declaration.owner_id, direction=payload["direction"],
                port=port, today=today, lines=[line], licences=licences,
            ) or [_problem(line, "licence_no", "licence_unknown", _("Your enterprise holds no licence with this number."))])  # fmt: skip
        plan.append((line, licensed.licence, target, quantity))
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for _line, _licence, target, quantity in plan:
        totals[target.pk] += quantity
    # Lines first, then licences, each in id order: every submitter locks in the same order (no deadlock),
    # and the licence row, the one every use of it contends for, is held for the shortest time.
    left: dict[int, Decimal] = {}
    for line_id in sorted(totals):
        remaining = _take_quantity(line_id, totals[line_id])
        if remaining is None:
            first = next(line for line, _l, target, _q in plan if target.pk == line_id)
            raise _refuse(first, "licence_quantity_exceeded", _(
                "Another declaration has just written off what was left of this licence line."))  # fmt: skip
        left[line_id] = remaining
    version = declaration.version_count + 1
    LicenceUse.objects.bulk_create(
        [
            LicenceUse(
                licence=licence,
                licence_line=target,
                declaration=declaration,
                version=version,
                line_no=line.line_no,
                quantity=quantity,
                left_after=left[target.pk],
            )
            for line, licence, target, quantity in plan
        ]
    )
    for licence_id in sorted({licence.pk for _line, licence, _t, _q in plan}):
        if not _take_use(licence_id, today=today, port=port):
            first = next(line for line, licence, _t, _q in plan if licence.pk == licence_id)
            raise _refuse(first, "licence_used_up", _("Another declaration has just used this licence up."))
    payload["licences"] = {
        "documents": [
            {"code": licence.kind, "number": licence.number}
            for licence in sorted({lic.pk: lic for _l, lic, _t, _q in plan}.values(), key=lambda lic: lic.number)
        ],
        "lines": [
            {
                "line_no": line.line_no,
                "licence_no": licence.number,
                "licence_line": target.line_no,
                "quantity": json_value(quantity),
                "unit": target.unit,
                "left": json_value(left[target.pk]),
            }
            for line, licence, target, quantity in plan
        ],
    }


def settle(changes: list[StatusChange]) -> None:
    """Status listener: a release consumes the reservation, a rejection gives it back (never after release)."""
    released = [c.declaration_id for c in changes if c.after == DeclarationStatus.RELEASED]
    rejected = [c.declaration_id for c in changes if c.after == DeclarationStatus.REJECTED]
    if released:
        _settle(released, UseState.CONSUMED)
    if rejected:
        _settle(rejected, UseState.RETURNED)
