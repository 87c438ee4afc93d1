"""ORM queries compiled once and run many times: the statements of the hot paths (a submission, a delivery,
a receipt) that run thousands of times an hour with only their values changing.

Django compiles a queryset to SQL each time it runs it: for the short queries of those paths that is ~0.5–1.5 ms
of Python, where the database answers in ~0.05 ms. `prepared(build)` compiles `build(**stand_ins)` once per
process, each argument replaced by a stand-in value of its type, notes where each stand-in landed
among the statement's parameters, and from then on runs the same SQL with the real values, building rows or
model instances (`select_related` included) the way Django's own iterables do. `insert(obj)` does the same for
`obj.save()` of a new row (`insert_all(objs)` for several in one statement), `save_fields(obj, names)` for `obj.save(update_fields=names)`. The SQL is Django's, so it is right for every backend (SQLite for `make run`,
PostgreSQL in production) and follows the models.

Only a query whose SQL has the same shape whatever the values can be prepared. A list argument is for `__in` (which Django
expands to `IN (%s, %s, …)`): it is padded to the next power of two with its last item, which `IN` ignores, so a
query is compiled for a handful of lengths, not for every batch size (an empty list answers nothing, as the
ORM's does, without asking the database). A boolean or None (often compiled into the SQL text) or a
pattern built around a value (`__contains`) is refused with ValueError the first time it is compiled — that
is, by the tests — rather than run with a value baked in.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import itertools
import json
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Generic, TypeVar
from uuid import UUID

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, DatabaseError, NotSupportedError, connection, connections, models
from django.db.models import Field, Model, QuerySet
from django.db.models.constants import OnConflict
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    NamedValuesListIterable,
    ValuesListIterable,
    get_related_populators,
)
from django.db.models.signals import post_save, pre_save
from django.db.models.sql import InsertQuery, UpdateQuery
from django.db.models.sql.compiler import SQLInsertCompiler
from django.db.models.utils import create_namedtuple_class
from django.db.transaction import TransactionManagementError
from psycopg.types.json import Jsonb

T = TypeVar("T")
# What was compiled, for the process, by query (or model) and shape: every thread's connection runs the same SQL.
# A compiler kept with a query is asked only for conversions, which depend on the backend, not on the connection
# it was made with. (Per connection, a web process's four threads each compiled everything the first time.)
_compiled_queries: dict[tuple, _Compiled] = {}
_compiled_inserts: dict[tuple, _Insert | None] = {}
_compiled_updates: dict[tuple, tuple[str, list[Field]]] = {}
_numbers = itertools.count(1)
_EPOCH = datetime(1901, 1, 1, tzinfo=UTC)
MAX_LIST = 16_384  # the most items of a list argument: integer stand-ins come back after 20,000


def _stand_in(name: str, value: object) -> object:
    """A value of the argument's type that no other stand-in holds and no constant in a query is likely to."""
    n = next(_numbers)
    if isinstance(value, bool) or value is None:
        raise ValueError(f"prepared query argument {name!r}: booleans and None change the SQL; pass them as constants")
    if isinstance(value, int):
        return 10_000 + n % 20_000  # positive and under 32,768: a small or positive integer column takes it too
    if isinstance(value, str):
        return f"\ue000{n}\ue000"  # private-use characters: no text holds them, no str method changes them
    if isinstance(value, datetime):
        return _EPOCH + timedelta(seconds=n, microseconds=n)
    if isinstance(value, date):
        return date.fromordinal(_EPOCH.toordinal() + n)
    raise ValueError(f"prepared query argument {name!r}: {type(value).__name__} cannot be prepared")


def _stand_ins(values: dict[str, Any]) -> dict[str, Any]:
    return {
        name: [_stand_in(name, item) for item in value] if isinstance(value, list) else _stand_in(name, value)
        for name, value in values.items()
    }


def _shape(values: dict[str, Any]) -> tuple:
    """What the SQL may depend on besides the values: each argument's name, type and (a list) length. None and
    booleans are refused on every call, not only the first (the SQL compiled for a value is wrong for them)."""
    shape = []
    for name in sorted(values):
        value = values[name]
        items = value if isinstance(value, list) else [value]
        if len(items) > MAX_LIST:
            raise ValueError(f"prepared query argument {name!r}: more than {MAX_LIST} items (ask in parts)")
        for item in items:
            if item is None or isinstance(item, bool):
                raise ValueError(f"prepared query argument {name!r}: booleans and None change the SQL")
            if isinstance(item, int) and not -(2**63) <= item < 2**63:
                raise ValueError(f"prepared query argument {name!r}: {item} is beyond a database integer")
            if isinstance(item, datetime) and item.tzinfo is None:
                raise ValueError(f"prepared query argument {name!r}: a naive datetime (give it a time zone)")
        kinds = tuple(type(item).__name__ for item in items[:1])
        shape.append((name, kinds, len(value) if isinstance(value, list) else None))
    return tuple(shape)


Slot = tuple[str, int | None, Callable[[Any], Any]] | tuple[None, None, Any]  # argument, its item, how adapted


@dataclass
class _Compiled:
    sql: str | None  # None: the query answers nothing whatever the values (an empty list)
    slots: list[Slot]  # for each parameter of the SQL: the argument (or item of one) it holds, or a constant
    rows: Callable[[list[tuple]], list[Any]]
    locks: bool


class Prepared(Generic[T]):
    """A query compiled once per process and shape of its arguments; `all(**values)` and `first(**values)`
    run it."""

    def __init__(self, build: Callable[..., QuerySet[Any, T]]) -> None:
        self.build = build

    def all(self, **values: Any) -> list[T]:
        db, compiled, values = _compiled_for(self, self.build, values, update=False)
        if compiled.locks and db.get_autocommit():
            raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        if compiled.sql is None:
            return []
        cursor = _cursor(db)
        cursor.execute(compiled.sql, _params(compiled, values))  # as the ORM compiled it
        return compiled.rows(cursor.fetchall())

    def first(self, **values: Any) -> T | None:
        """The first row, for a query that answers at most one (its own ordering and slicing apply)."""
        found = self.all(**values)
        return found[0] if found else None


class PreparedUpdate:
    """An UPDATE compiled once per process and shape of its arguments: `run(**values)` changes the rows and
    answers how many. The function builds (queryset, {field: value or expression}), as `queryset.update(…)`
    takes them; a value given as an argument is a parameter, an expression (F(), Coalesce…) part of the SQL."""

    def __init__(self, build: Callable[..., tuple[QuerySet[Any, Any], dict[str, Any]]]) -> None:
        self.build = build

    def run(self, **values: Any) -> int:
        db, compiled, values = _compiled_for(self, self.build, values, update=True)
        if compiled.sql is None:
            return 0
        cursor = _cursor(db)
        cursor.execute(compiled.sql, _params(compiled, values))
        return cursor.rowcount


def prepared_update(build: Callable[..., tuple[QuerySet[Any, Any], dict[str, Any]]]) -> PreparedUpdate:
    """Decorate a function that builds (queryset, changes) from its keyword arguments."""
    return PreparedUpdate(build)


def _compiled_for(
    owner: object, build: Callable[..., Any], values: dict[str, Any], *, update: bool
) -> tuple[Any, _Compiled, dict[str, Any]]:
    """This thread's connection, the statement compiled for the values' shape (compiled now the first time)
    and the values, lists padded."""
    values = {name: _padded(v) if isinstance(v, (list, tuple, set, frozenset)) else v for name, v in values.items()}
    db = connections[DEFAULT_DB_ALIAS]  # this thread's connection (`connection` is a proxy shared by all)
    key = (owner, db.vendor, _shape(values))  # the query itself, not its id(): a discarded one's id can be reused
    compiled = _compiled_queries.get(key)
    if compiled is None:
        compiled = _compiled_queries[key] = _compile(build, values, update=update)
    return db, compiled, values


def _cursor(db: Any) -> Any:
    """The cursor this module's statements run on: one kept per connection, as `db.cursor()` wraps it (the
    debug cursor that tests count queries with included), not closed after each statement. Opening and closing
    a cursor (psycopg copies the connection's adapters for each) is ~15 % of a short statement's Python. Safe
    here, and only here: each statement's rows are all fetched before the next one runs."""
    db.close_if_health_check_failed()
    db.ensure_connection()
    kept = db.__dict__.get("_prepared_cursor")
    if kept is None or getattr(kept, "closed", False) or kept.connection is not db.connection:
        with db.wrap_database_errors:
            kept = db.create_cursor()
        db.__dict__["_prepared_cursor"] = kept
    return db._prepare_cursor(kept)


def _params(compiled: _Compiled, values: dict[str, Any]) -> list[Any]:
    return [
        adapt if name is None else adapt(values[name] if item is None else values[name][item])
        for name, item, adapt in compiled.slots
    ]


def _padded(items: Iterable[Any]) -> list[Any]:
    """The items, and their last again up to the next power of two (1, 2, 4, 8…): the same rows for `IN`."""
    padded = list(items)
    if padded:
        padded += padded[-1:] * ((1 << (len(padded) - 1).bit_length()) - len(padded))
    return padded


def prepared(build: Callable[..., QuerySet[Any, T]]) -> Prepared[T]:
    """Decorate a function that builds a queryset from its keyword arguments."""
    return Prepared(build)


def _compile(build: Callable[..., Any], values: dict[str, Any], *, update: bool = False) -> _Compiled:
    """Compile the query twice, with two sets of stand-ins: a parameter that differs between the two is an
    argument's (or the query is refused: the value was transformed, or went into the SQL's text); one that does
    not is a constant of the query."""
    first, second = _stand_ins(values), _stand_ins(values)
    queryset, compiler = _compiler(build(**first), update=update)
    if queryset.db != DEFAULT_DB_ALIAS or queryset._known_related_objects or queryset._prefetch_related_lookups:  # type: ignore[attr-defined]
        raise ValueError("prepared queries read the default database, without prefetch_related")
    locks = queryset.query.select_for_update
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        if any(value == [] for value in values.values()):  # an empty list: nothing can match, as the ORM says
            return _Compiled(sql=None, slots=[], rows=list, locks=locks)
        raise ValueError(
            "prepared query: a stand-in value made the query answer nothing; it cannot be prepared"
        ) from None
    other_sql, other_params = _compiler(build(**second), update=update)[1].as_sql()
    slot, other_slot = _slotter(_places(first)), _slotter(_places(second))
    slots = [slot(param) for param in params]
    if other_sql != sql or [other_slot(param) for param in other_params] != slots:
        raise ValueError("prepared query: its SQL depends on the values (one went into its text, or was changed)")
    if missing := {name for name in values} - {name for name, _item, _adapt in slots if name is not None}:
        raise ValueError(f"prepared query: {', '.join(sorted(missing))} not among the SQL's parameters")
    return _Compiled(sql=sql, slots=slots, rows=list if update else _rows(queryset, compiler), locks=locks)


def _compiler(built: Any, *, update: bool) -> tuple[QuerySet, Any]:
    """The queryset and the compiler of its SELECT, or (update) of the UPDATE `queryset.update(**changes)` runs."""
    if not update:
        return built, built.query.get_compiler(using=built.db)
    queryset, changes = built
    if queryset.query.is_sliced or queryset.query.combinator:
        raise ValueError("prepared update: a sliced or combined queryset cannot be updated")
    query = queryset.query.chain(UpdateQuery)
    query.add_update_values(changes)
    query.clear_ordering(force=True)  # as update(): an UPDATE has no order
    query.annotations = {}
    return queryset, query.get_compiler(using=queryset.db)


def _places(stand_ins: dict[str, Any]) -> list[tuple[str, int | None, object]]:
    return [
        (name, item, stand_in)
        for name, value in stand_ins.items()
        for item, stand_in in (enumerate(value) if isinstance(value, list) else [(None, value)])
    ]


def _slotter(places: list[tuple[str, int | None, object]]) -> Callable[[object], Slot]:
    """`_slot` for these places, looked up by value (a batch's list of 64 ids is 64 places and parameters)."""
    ops = connection.ops
    found: dict[tuple[type, object], Slot] = {}
    for name, item, stand_in in reversed(places):  # the first place holding a value wins, as in _slot
        found[(type(stand_in), stand_in)] = (name, item, _same)
        if isinstance(stand_in, datetime):
            adapted = ops.adapt_datetimefield_value(stand_in)
            found.setdefault((type(adapted), adapted), (name, item, ops.adapt_datetimefield_value))
        elif isinstance(stand_in, date):
            adapted = ops.adapt_datefield_value(stand_in)
            found.setdefault((type(adapted), adapted), (name, item, ops.adapt_datefield_value))
    integers = {stand_in: (name, item) for name, item, stand_in in reversed(places) if type(stand_in) is int}

    def slot(param: object) -> Slot:
        try:
            hit = found.get((type(param), param))
        except TypeError:  # unhashable (a list or dict the query holds): looked for place by place
            return _slot(param, places)
        if hit is not None:
            return hit
        if isinstance(param, int) and not isinstance(param, bool) and param in integers:
            name, item = integers[param]
            return name, item, type(param)  # the backend's own integer type (psycopg's Int2 for a small column)
        return _slot(param, places)  # a constant, or a value built into a pattern (refused there)

    return slot


def _slot(param: object, places: list[tuple[str, int | None, object]]) -> Slot:
    """Which argument (or item of a list argument) a parameter of the SQL holds and how the backend adapted
    it, or the constant it is."""
    ops = connection.ops
    for name, item, stand_in in places:
        if param == stand_in and type(param) is type(stand_in):
            return name, item, _same
        if param == stand_in and isinstance(param, int) and isinstance(stand_in, int):
            return name, item, type(param)  # the backend's own integer type (psycopg's Int2 for a small column)
        if isinstance(stand_in, datetime) and param == ops.adapt_datetimefield_value(stand_in):
            return name, item, ops.adapt_datetimefield_value
        if isinstance(stand_in, date) and param == ops.adapt_datefield_value(stand_in):
            return name, item, ops.adapt_datefield_value
        if isinstance(stand_in, str) and isinstance(param, str) and stand_in in param:
            raise ValueError(f"prepared query argument {name!r} is built into a pattern; it cannot be prepared")
    return None, None, param


M = TypeVar("M", bound=Model)


@dataclass
class _Insert:
    sql: str
    fields: list[Field]
    compiler: Any
    returning: list[Field]
    unnest: bool  # several rows' values as one array per field
    # Per field, the one type of value the backend takes as it is (_plain_type), or None: always prepared.
    plain: list[type | None]
    json: bool = False  # several rows as one JSON array (_json_rows), not one array per field


# Fields whose value of exactly this type (or None) Django's save prepares into itself on PostgreSQL and SQLite:
# taken as they are, skipping ~3 µs of preparation a value (a receipt batch inserts hundreds of events).
_PLAIN_TYPES: dict[type[Field], type] = {
    models.CharField: str,
    models.TextField: str,
    models.IntegerField: int,
    models.BigIntegerField: int,
    models.SmallIntegerField: int,
    models.PositiveIntegerField: int,
    models.PositiveBigIntegerField: int,
    models.PositiveSmallIntegerField: int,
    models.BooleanField: bool,
    models.DateTimeField: datetime,  # aware only (_values), and on PostgreSQL only (_plain_type)
}


def _plain_type(field: Field, vendor: str) -> type | None:
    """The type of value `field` saves unchanged, or None when its values are always prepared the ORM's way (a
    field of its own class, a date stamped on save, a relation to anything but an integer key, and a time
    elsewhere than on PostgreSQL: SQLite keeps times as text, which Django writes in UTC without an offset, and
    the driver's own text would not sort with it)."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return None
    if isinstance(field, models.DateTimeField) and vendor != "postgresql":
        return None
    if isinstance(field, models.ForeignKey):
        target = field.target_field
        return int if type(target) in (models.AutoField, models.BigAutoField, models.BigIntegerField) else None
    return _PLAIN_TYPES.get(type(field))


def _values(compiled: _Insert, objs: Sequence[Model]) -> list[list[Any]] | None:
    """The rows' values as save() prepares them: a plain field's value of its plain type as it is (an aware
    datetime for a DateTimeField: a naive one is made aware, with Django's warning), any other through the
    field's own preparation. None when a value is an expression (F(), a function…): its SQL is the ORM's to
    write."""
    prepare, pre_save_val = compiled.compiler.prepare_value, compiled.compiler.pre_save_val
    shape = list(zip(compiled.fields, [f.attname for f in compiled.fields], compiled.plain, strict=True))
    rows = []
    for obj in objs:
        values = obj.__dict__
        row = []
        for field, attname, kind in shape:
            value = values.get(attname, _MISSING)
            if kind is not None and (
                value is None or (type(value) is kind and (kind is not datetime or value.tzinfo is not None))  # type: ignore[attr-defined]
            ):
                row.append(value)
            else:
                prepared = prepare(field, pre_save_val(field, obj))
                if hasattr(prepared, "as_sql"):
                    return None
                row.append(prepared)
        rows.append(row)
    return rows


_MISSING = object()


def _saves_itself(model: type[Model]) -> bool:
    """Whether saving the model runs code of its own (a save() of its own, unless it says `insert_skips_save`:
    its save() does nothing a new row needs; or signal receivers): then it is saved the ORM's way."""
    own_save = model.save is not Model.save and not getattr(model, "insert_skips_save", False)
    return own_save or pre_save.has_listeners(model) or post_save.has_listeners(model)


def insert(obj: M) -> M:
    """Save a new row as `obj.save()` does (auto_now_add and defaults filled, its id set), with its INSERT
    compiled once per model and process. A model that saves itself (_saves_itself), a proxy or a child of
    another model, or an object whose id is already set, takes `save()`."""
    return insert_all([obj])[0]


def insert_all(new: Sequence[M], *, ignore_conflicts: bool = False) -> list[M]:
    """`insert()` for new rows of one model, in one INSERT compiled once per model, number of rows and
    process (on PostgreSQL once for any number above ROWS_LISTED: it takes the rows as one JSON array). With
    ignore_conflicts, as `bulk_create(ignore_conflicts=True)`: a row a unique constraint already holds is
    skipped, and no ids are set."""
    objs = list(new)
    if not objs:
        return objs
    planned = _insert_plan(objs, ignore_conflicts)
    if planned is None:
        return _the_orms_way(type(objs[0]), objs, ignore_conflicts)
    db, compiled, params = planned
    cursor = _cursor(db)
    cursor.execute(compiled.sql, params)
    if ignore_conflicts:
        returned: list[Any] = [()] * len(objs)
    elif len(objs) == 1:
        returned = [db.ops.fetch_returned_insert_columns(cursor, compiled.compiler.returning_params)]
    else:
        returned = db.ops.fetch_returned_insert_rows(cursor)
    _inserted(objs, compiled, returned)
    return objs


def _insert_plan(objs: list[M], ignore_conflicts: bool) -> tuple[Any, _Insert, list[Any]] | None:
    """The connection, the compiled INSERT and its parameters for these new rows of one model; None when they
    are to be saved the ORM's way (or, where the backend cannot return rows from a bulk insert, one by one)."""
    model = type(objs[0])
    db = connections[DEFAULT_DB_ALIAS]
    own_way = _saves_itself(model) or model._meta.proxy or model._meta.parents
    if own_way or any(type(obj) is not model or obj.pk for obj in objs):
        return None
    if len(objs) > 1 and not ignore_conflicts and not db.features.can_return_rows_from_bulk_insert:
        return None
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="save")  # type: ignore[attr-defined]  # as save()
    compiled = _insert_compiled(model, objs, db, ignore_conflicts)
    if compiled is None:
        return None
    rows = _values(compiled, objs)
    if rows is None:
        return None
    # Rows listed: their values in field order, a row after another. More than ROWS_LISTED on PostgreSQL: the rows
    # as one JSON array (_json_rows_sql), or, for a column JSON does not carry, each field's values as one array
    # (INSERT … SELECT * FROM UNNEST(…)).
    if compiled.json:
        params: list[Any] = [_json_rows(rows)]
    elif compiled.unnest:
        params = [list(column) for column in zip(*rows, strict=True)]
    else:
        params = list(itertools.chain(*rows))
    return db, compiled, [*params, *compiled.compiler.returning_params]


def _inserted(objs: Sequence[Model], compiled: _Insert, returned: Sequence[Sequence[Any]]) -> None:
    """The rows written: their returned columns (the id) set, and each marked saved, as save() leaves it."""
    for obj, row in zip(objs, returned, strict=True):
        for field, value in zip(compiled.returning, row, strict=True):
            setattr(obj, field.attname, value)
        obj._state.adding = False
        obj._state.db = DEFAULT_DB_ALIAS


@dataclass
class _Block:
    depth: int  # the savepoints open as it began: rows given under a deeper one are not its own
    groups: list[Sequence[Model]]
    updates: dict[tuple[type[Model], Any], tuple[Model, list[str]]] = dataclasses.field(default_factory=dict)  # by row


_blocks = threading.local()  # this thread's open writes_together() blocks, innermost last


def _open_blocks() -> list[_Block]:
    blocks = getattr(_blocks, "open", None)
    if blocks is None:
        blocks = _blocks.open = []
    return blocks


def _depth() -> int:
    """The savepoints open (a nested atomic block without one stands in Django's list as None); -1 outside any
    transaction, so that a transaction opened inside a block opened outside one writes its rows itself."""
    db = connections[DEFAULT_DB_ALIAS]
    if not db.in_atomic_block:
        return -1
    return sum(sid is not None for sid in db.savepoint_ids)


@contextlib.contextmanager
def writes_together() -> Iterator[None]:
    """The rows insert_later() is given in the block written as it ends, on PostgreSQL all in one statement
    (each model's INSERT a query of its WITH clause; elsewhere an INSERT each): inside the caller's transaction,
    so they stand or fall with the rest of its work. An exception leaves them unwritten, as it rolls back the
    work they belong to. A block inside another writes with it, unless a savepoint (or the transaction) was
    opened between them (work that may roll back on its own and carry on, a batch submission's declaration):
    then it is a block of its own, written as it ends, inside that savepoint."""
    blocks, depth = _open_blocks(), _depth()
    if blocks and blocks[-1].depth == depth:
        yield
        return
    block = _Block(depth, [])
    blocks.append(block)
    try:
        yield
    finally:
        blocks.pop()
    _write(block)


def save_fields_later(obj: Model, names: Sequence[str]) -> None:
    """save_fields(obj, names) as the writes_together() block around it ends, with the object's values then (a
    row given twice is written once, with both calls' fields); at once outside a block, or under a savepoint
    opened inside it. Nothing may read the row back before the block ends."""
    blocks = _open_blocks()
    if not blocks or blocks[-1].depth != _depth():
        save_fields(obj, names)
        return
    key = (type(obj), obj.pk)
    earlier = blocks[-1].updates.get(key, (obj, []))[1]
    blocks[-1].updates[key] = (obj, [*earlier, *(name for name in names if name not in earlier)])


def insert_later(new: Sequence[M]) -> list[M]:
    """insert_all(new) as the writes_together() block around it ends (their ids are set then; nothing may ask
    for them, or read them back, before); at once outside one, or under a savepoint opened inside it."""
    objs = list(new)
    blocks = _open_blocks()
    if not blocks or blocks[-1].depth != _depth():
        return insert_all(objs)
    if objs:
        blocks[-1].groups.append(objs)
    return objs


def _write(block: _Block) -> None:
    """A block's rows inserted and rows updated, on PostgreSQL in one statement:
    `WITH w0 AS (INSERT … RETURNING id), w1 AS (UPDATE … RETURNING id) SELECT 0, id FROM w0 UNION ALL …`, a
    round trip and a statement for all of them. Every query of a WITH clause sees the same snapshot, so none
    may need another's rows to exist as it is written, but for a foreign key Django declares deferred
    (checked at commit). What this cannot write so (saved the ORM's way, a key not an integer, an insert not
    returning exactly its key, an update with an expression) is written on its own, first; elsewhere than
    PostgreSQL everything is."""
    db = connections[DEFAULT_DB_ALIAS]
    combine = db.vendor == "postgresql"
    by_model: dict[type[Model], list[Model]] = {}  # a model's rows in one INSERT, in the order they were given
    for group in block.groups:
        if group:
            by_model.setdefault(type(group[0]), []).extend(group)
    # (the rows, or the row updated; the SQL; its parameters; for rows inserted, the compiled insert)
    queries: list[tuple[list[Model], str, list[Any], _Insert | None]] = []
    for objs in by_model.values():
        planned = _insert_plan(objs, False) if combine and _integer_key(type(objs[0])) else None
        if planned is None or planned[1].returning != [type(objs[0])._meta.pk]:
            insert_all(objs)
        else:
            queries.append((objs, planned[1].sql, planned[2], planned[1]))
    for obj, names in block.updates.values():
        update = _update_plan(obj, names, db) if combine and _integer_key(type(obj)) else None
        if update is None:
            save_fields(obj, names)
        else:
            sql, params = update
            queries.append(([obj], f"{sql} RETURNING {db.ops.quote_name(str(obj._meta.pk.column))}", params, None))
    if not queries:
        return
    quote = db.ops.quote_name
    with_clause = ", ".join(f"w{i} AS ({sql})" for i, (_objs, sql, _params, _compiled) in enumerate(queries))
    union = " UNION ALL ".join(
        f"SELECT {i}, {quote(str(objs[0]._meta.pk.column))} FROM w{i}"  # noqa: S608 — numbers and names only
        for i, (objs, _sql, _params, _compiled) in enumerate(queries)
    )
    cursor = _cursor(db)
    cursor.execute(f"WITH {with_clause} {union}", list(itertools.chain.from_iterable(q[2] for q in queries)))
    returned: list[list[tuple[Any]]] = [[] for _ in queries]
    for i, value in cursor.fetchall():
        returned[i].append((value,))
    for (objs, _sql, _params, compiled), rows in zip(queries, returned, strict=True):
        if compiled is not None:
            _inserted(objs, compiled, rows)
        elif not rows:
            raise DatabaseError("Save with update_fields did not affect any rows.")


def _integer_key(model: type[Model]) -> bool:
    """Whether the model's key is an integer: the keys _write returns, one column for all its queries."""
    return isinstance(model._meta.pk, models.IntegerField)  # the auto keys are integer fields too


def _the_orms_way(model: type[M], objs: list[M], ignore_conflicts: bool) -> list[M]:
    if ignore_conflicts:
        model._default_manager.bulk_create(objs, ignore_conflicts=True)
        return objs
    for obj in objs:
        obj.save(force_insert=True)
    return objs


# Up to this many rows an INSERT lists them (compiled for each number of rows); more, and on PostgreSQL it takes
# them as one JSON array (compiled once; _json_rows_sql): psycopg dumps a listed row's values in C, so a
# submission's two deliveries or audit entries go in fastest listed, a receipt batch's events as JSON.
ROWS_LISTED = 8


def _insert_compiled(model: type[Model], objs: Sequence[Model], db: Any, ignore_conflicts: bool) -> _Insert | None:
    """The INSERT for these rows: compiled for their number, or the one for any number above ROWS_LISTED
    (PostgreSQL's)."""
    cache = _compiled_inserts
    listed = len(objs) <= ROWS_LISTED
    if not listed and (any_number := cache.get((db.vendor, model, "any", ignore_conflicts))) is not None:
        return any_number
    key = (db.vendor, model, len(objs), ignore_conflicts)
    if key not in cache:
        if any(hasattr(value, "as_sql") for obj in objs for value in obj.__dict__.values()):
            return None  # an expression: its SQL is not to be kept for others
        cache[key] = compiled = _insert_compile(model, objs, db, ignore_conflicts, listed=listed)
        if compiled is not None and compiled.unnest:
            cache[(db.vendor, model, "any", ignore_conflicts)] = compiled
    return cache[key]


def save_fields(obj: Model, names: Sequence[str]) -> None:
    """`obj.save(update_fields=names)` (auto_now fields refreshed, DatabaseError if the row is gone), its UPDATE
    compiled once per model, fields and process. A model that saves itself takes `save()`."""
    db = connections[DEFAULT_DB_ALIAS]
    update = _update_plan(obj, names, db)
    if update is None:
        obj.save(update_fields=names)
        return
    cursor = _cursor(db)
    cursor.execute(*update)
    if cursor.rowcount == 0:
        raise DatabaseError("Save with update_fields did not affect any rows.")


def _update_plan(obj: Model, names: Sequence[str], db: Any) -> tuple[str, list[Any]] | None:
    """The compiled UPDATE of these fields of the object's row and its parameters (the values as save()
    prepares them); None when it is to be saved the ORM's way (a model that saves itself, an expression)."""
    model = type(obj)
    if _saves_itself(model) or model._meta.select_on_save or model._meta.proxy or model._meta.parents:
        return None
    obj._prepare_related_fields_for_save(operation_name="save")  # type: ignore[attr-defined]
    cache = _compiled_updates
    key = (db.vendor, model, *names)
    if key not in cache:
        cache[key] = _update_compile(model, names, db)
    sql, fields = cache[key]
    values = [f.get_db_prep_save(f.pre_save(obj, False), db) for f in fields]  # as save() prepares them
    if any(hasattr(value, "as_sql") for value in values):  # an expression (F(), …): the ORM's way
        return None
    return sql, [*values, obj.pk]


def _update_compile(model: type[Model], names: Sequence[str], db: Any) -> tuple[str, list[Field]]:
    fields = [
        f
        for f in model._meta.local_concrete_fields
        if not f.primary_key and not f.generated and (f.name in names or f.attname in names)
    ]
    if len(fields) != len(set(names)) or any(getattr(f, "get_placeholder", None) for f in fields):
        raise ValueError(f"{model.__name__}: an update of {', '.join(names)} cannot be prepared")
    # As Django's update compiler writes it for plain values (it writes a None as NULL: here a parameter).
    # Only the model's own table and column names are formatted in, quoted; every value is a parameter.
    quote = db.ops.quote_name
    assignments = ", ".join(f"{quote(str(f.column))} = %s" for f in fields)
    where = quote(str(model._meta.pk.column))
    return f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {where} = %s", fields  # noqa: S608


def _insert_compile(
    model: type[Model], objs: Sequence[Model], db: Any, ignore_conflicts: bool, *, listed: bool
) -> _Insert | None:
    meta = model._meta
    if not db.features.can_return_columns_from_insert:
        return None
    fields = [f for f in meta.local_concrete_fields if not f.generated and f is not meta.auto_field]
    returning = [] if ignore_conflicts else list(meta.db_returning_fields)  # as bulk_create: no ids then
    query = InsertQuery(model, on_conflict=OnConflict.IGNORE if ignore_conflicts else None)
    query.insert_values(fields, list(objs))
    compiler = query.get_compiler(connection=db)
    compiler.returning_fields = returning or None
    if listed:  # rows listed, as every backend but PostgreSQL's lists them (its own compiler unnests two or more)
        compiler.assemble_as_sql = functools.partial(SQLInsertCompiler.assemble_as_sql, compiler)
    [(sql, params)] = compiler.as_sql()
    rows, extra = len(objs), len(compiler.returning_params)
    if any(getattr(f, "get_placeholder", None) for f in fields):
        return None  # a field with a placeholder of its own: the ORM's way
    if len(params) == len(fields) * rows + extra:
        unnest = False
    elif rows > 1 and len(params) == len(fields) + extra and all(len(p) == rows for p in params[: len(fields)]):
        unnest = True
    else:
        return None  # a shape this module does not know: the ORM's way
    plain = [_plain_type(f, db.vendor) for f in fields]
    json_sql = _json_rows_sql(model, fields, db, returning, ignore_conflicts) if unnest else None
    return _Insert(sql=json_sql or sql, fields=fields, compiler=compiler, returning=returning, unnest=unnest,
                   plain=plain, json=json_sql is not None)  # fmt: skip


# Column types a JSON array's text casts to exactly as psycopg would have sent the value (_json_default). A varchar
# column takes the text uncast: assigned, a value too long is refused as in any INSERT (a cast would cut it). Not a
# float: JSON has no NaN or infinity.
_JSON_CASTS = ("bigint", "integer", "smallint", "boolean", "text", "timestamp with time zone", "date", "uuid", "time")


def _json_rows_sql(
    model: type[Model], fields: list[Field], db: Any, returning: list[Field], ignore_conflicts: bool
) -> str | None:
    """On PostgreSQL, the INSERT of any number of rows taking them as one JSON array of rows (a row: its values
    in field order): psycopg turns a list into an array in Python, ~1.5 µs a value (escaping each text with a
    regular expression), where json.dumps writes the whole batch in C. None when a column's type is not one
    JSON text carries exactly (an array, an interval, bytes…): then one array per field, as Django writes it."""
    if db.vendor != "postgresql":
        return None
    quote = db.ops.quote_name
    columns, values = [], []
    for i, field in enumerate(fields):
        kind = field.db_type(db) or ""
        if kind == "jsonb":
            values.append(f"(r->>{i})::jsonb")  # written as its own JSON text, by the field's encoder
        elif kind.startswith("varchar("):
            values.append(f"r->>{i}")
        elif kind in _JSON_CASTS or kind.startswith("numeric("):
            values.append(f"(r->>{i})::{kind}")
        else:
            return None
        columns.append(quote(str(field.column)))
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608 — names only, quoted
        f"SELECT {', '.join(values)} FROM jsonb_array_elements(%s::jsonb) AS r"
    )
    if ignore_conflicts:
        sql += " " + db.ops.on_conflict_suffix_sql(fields, OnConflict.IGNORE, None, None)
    if returning:
        returning_sql, _params = db.ops.return_insert_columns(returning)
        sql += " " + returning_sql
    return sql


def _json_rows(rows: list[list[Any]]) -> str:
    return json.dumps(rows, default=_json_default, ensure_ascii=False, separators=(",", ":"))


def _json_default(value: Any) -> Any:
    """A value JSON does not have, as the text PostgreSQL reads back into its column (_JSON_CASTS)."""
    if isinstance(value, Jsonb):
        return (value.dumps or json.dumps)(value.obj)  # its own JSON text, as psycopg would have sent it
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not a value prepared.py writes as JSON")


def _same(value: Any) -> Any:
    return value


def _rows(queryset: QuerySet, compiler: Any) -> Callable[[list[tuple]], list[Any]]:
    """How to turn the fetched rows into what iterating the queryset gives."""
    db = queryset.db
    fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
    converters = compiler.get_converters(fields)

    def converted(rows: list[tuple]) -> Any:
        return compiler.apply_converters(rows, converters) if converters else rows

    kind = queryset._iterable_class
    if kind is FlatValuesListIterable:
        return lambda rows: [row[0] for row in converted(rows)]
    if kind is NamedValuesListIterable:  # as values_list(…, named=True) names them
        query = queryset.query
        names = queryset._fields or [*query.extra_select, *query.values_select, *query.annotation_select]  # type: ignore[attr-defined]
        named = create_namedtuple_class(*names)
        return lambda rows: [tuple.__new__(named, row) for row in converted(rows)]
    if kind is ValuesListIterable:
        return lambda rows: [tuple(row) for row in converted(rows)]
    if kind is not ModelIterable:
        raise NotSupportedError(f"prepared queries give model instances or values_list rows, not {kind.__name__}")
    klass_info, select = compiler.klass_info, compiler.select
    model = klass_info["model"]
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    init_list = [f[0].target.attname for f in select[start:end]]
    populators = get_related_populators(klass_info, select, db)  # type: ignore[call-arg]  # stubs of a later Django
    annotations = list(compiler.annotation_col_map.items())

    def instances(rows: list[tuple]) -> list[Any]:
        found = []
        for row in converted(rows):
            obj = model.from_db(db, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for name, position in annotations:
                setattr(obj, name, row[position])
            found.append(obj)
        return found

    return instances


__all__ = ["Prepared", "PreparedUpdate", "insert", "insert_all", "prepared", "prepared_update", "save_fields"]
