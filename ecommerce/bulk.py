"""Many rows in one statement, without a model instance per row: on PostgreSQL a COPY (the ids taken
from the table's sequence first when the caller needs them), or, to skip conflicts, an `INSERT … SELECT
… FROM unnest(%s::type[], …)` with one array per column, bound on the server (no query text of a hundred
thousand placeholders to build, quote and split); elsewhere (SQLite for `make run`) Django's bulk_create. The columns are the model's own, so a field added later
with a default needs nothing here.

A batch of 1,000 messages was dominated by the ORM: a model instance, then a prepared value for every
field of every row, then the client-side quoting of the whole statement (docs/ECOMMERCE.md, figures)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from django.db import connection, models
from psycopg.types.array import ListBinaryDumper

_PARAMS = re.compile(r"\(.*\)")


@contextmanager
def pg_cursor() -> Iterator[psycopg.Cursor[Any]]:
    """A cursor on the connection (so in its transaction) that binds parameters on the server: an array
    is one parameter, not a thousand placeholders quoted and split on the client (PostgreSQL only). Lists
    go in PostgreSQL's binary array format: psycopg writes the text format in Python, quoting each element
    (a regular expression per string), eight times slower."""
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.adapters.register_dumper(list, ListBinaryDumper)  # this cursor's adapters only
        yield cursor


def pairs_arrays(pairs: Sequence[tuple[str, str]]) -> list[list[str]]:
    """Pairs as the two arrays `unnest(%s::varchar[], %s::varchar[])` takes."""
    return [[a for a, _b in pairs], [b for _a, b in pairs]]


def pairs_lookup(table: str, first: str, second: str, select: str, condition: str = "TRUE") -> str:
    """SQL for `select` of the rows of `table` whose (first, second) is one of the pairs bound as the two
    arrays of `pairs_arrays`: an index lookup per pair (LATERAL; OFFSET 0 keeps the planner from
    flattening it into a join that, on statistics a fresh batch has outrun, sorts or scans the table)."""
    return (
        "SELECT r.* FROM unnest(%s::varchar[], %s::varchar[]) AS k(a, b) CROSS JOIN LATERAL "  # noqa: S608
        f"(SELECT {select} FROM {table} WHERE {first} = k.a AND {second} = k.b AND {condition} OFFSET 0) AS r"
    )


def _columns(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not isinstance(f, models.AutoField)]


def rows_insert(model: type[models.Model], rows: Sequence[dict[str, Any]], *, returning: str = "",
                conflict: str = "") -> list[Any]:  # fmt: skip
    """Insert rows given as {attname: value} (a missing attname takes the field's default); returns the
    `returning` column of each row inserted, in order (empty when not asked)."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        objs = [model(**row) for row in rows]
        model._default_manager.bulk_create(objs, ignore_conflicts=bool(conflict))
        return [getattr(obj, returning) for obj in objs] if returning else []
    given = rows[0].keys()
    uniform = all(row.keys() == given for row in rows)  # then a field is missing from all rows or none
    values: list[list[Any]] = []
    for field in _columns(model):
        key = field.attname
        if uniform and key in given:
            values.append([row[key] for row in rows])
        else:
            default = field.get_default()
            values.append([row.get(key, default) for row in rows])
    return _columns_insert(model, values, len(rows), returning=returning, conflict=conflict)


def _columns_insert(model: type[models.Model], values: list[list[Any]], count: int, *, returning: str = "",
                    conflict: str = "") -> list[Any]:  # fmt: skip
    """rows_insert on PostgreSQL, given one list of values per column of `_columns(model)`."""
    fields = _columns(model)
    columns = []
    for field, column in zip(fields, values, strict=True):
        db_type = _PARAMS.sub("", field.db_type(connection) or "text").strip()
        if db_type == "jsonb":
            column = [None if v is None else json.dumps(v, ensure_ascii=False, default=str) for v in column]
        columns.append((connection.ops.quote_name(str(field.column)), db_type, column))
    table = connection.ops.quote_name(model._meta.db_table)
    with pg_cursor() as cursor:  # server-side binding; COPY rows dumped in C
        if conflict:  # COPY cannot skip conflicts: one array per column
            arrays = ", ".join(f"%s::{'text' if t == 'jsonb' else t}[]" for _n, t, _v in columns)
            selects = ", ".join(f"c{n}::jsonb" if t == "jsonb" else f"c{n}" for n, (_c, t, _v) in enumerate(columns))
            aliases = ", ".join(f"c{n}" for n in range(len(columns)))
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(c for c, _t, _v in columns)}) SELECT {selects} "  # noqa: S608
                f"FROM unnest({arrays}) AS u({aliases}) {conflict}"
                + (f" RETURNING {connection.ops.quote_name(returning)}" if returning else ""),
                [v for _c, _t, v in columns],
            )
            return [row[0] for row in cursor.fetchall()] if returning else []
        ids: list[Any] = []
        pk = model._meta.pk
        if returning and pk is not None and returning == pk.column and isinstance(pk, models.AutoField):
            # The ids first, from the table's own sequence, then COPY them with the rows.
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [model._meta.db_table, pk.column, count])  # fmt: skip
            ids = [row[0] for row in cursor.fetchall()]
            columns.insert(0, (connection.ops.quote_name(pk.column), "bigint", ids))
        elif returning:
            ids = list(columns[[f.column for f in fields].index(returning)][2])
        with cursor.copy(f"COPY {table} ({', '.join(c for c, _t, _v in columns)}) FROM STDIN") as copy:
            for row in zip(*(v for _c, _t, v in columns), strict=True):
                copy.write_row(row)
        return ids


def instances_insert(objs: Sequence[models.Model]) -> None:
    """bulk_create for instances already built (receipts): their values as they are, their ids set."""
    if not objs:
        return
    model = type(objs[0])
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objs)
        return
    values = [[getattr(obj, field.attname) for obj in objs] for field in _columns(model)]
    for obj, pk in zip(objs, _columns_insert(model, values, len(objs), returning=str(model._meta.pk.column)),
                       strict=True):  # fmt: skip
        obj.pk = pk
        obj._state.adding = False
