"""Prepared queries (singlewindow/prepared.py) answer exactly what the queryset they were compiled from answers,
for every value they are later run with, and refuse at once a query whose SQL would depend on a value."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import Count, F, QuerySet, Value
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ecommerce.models import QuotaLedger
from singlewindow.models import AgentGrant, AuditEntry, IdempotentRequest, Organisation, User
from singlewindow.prepared import (
    ROWS_LISTED,
    insert,
    insert_all,
    insert_later,
    prepared,
    prepared_update,
    save_fields,
    save_fields_later,
    writes_together,
)
from singlewindow.services import audit_record

from .. import factories

pytestmark = pytest.mark.django_db


@prepared
def _users_of(*, organisation_id: int, since: object) -> QuerySet[User]:
    users = User.objects.select_related("organisation")
    return users.filter(organisation_id=organisation_id, date_joined__gte=since).order_by("pk")


@prepared
def _names(*, uscc: str) -> QuerySet[Organisation]:
    return Organisation.objects.filter(uscc=uscc).values_list("name", "kind")


@prepared
def _name_and_kind(*, uscc: str) -> QuerySet[Organisation]:
    return Organisation.objects.filter(uscc=uscc).values_list("name", "kind", named=True)


@prepared
def _ids(*, kind: str) -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=kind, name_en__gt="").values_list("id", flat=True).order_by("id")


def test_it_gives_what_the_orm_gives_for_each_new_value(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    a, b = factories.enterprise(), factories.enterprise()
    users = {org.pk: [factories.clerk(a if org == a else b) for _ in range(2)] for org in (a, b)}
    an_hour_ago = timezone.now() - timedelta(hours=1)
    for org in (a, b):
        expected = list(User.objects.filter(organisation=org, date_joined__gte=an_hour_ago).order_by("pk"))
        with django_assert_num_queries(1):  # the organisation comes with each user, as select_related gives it
            found = _users_of.all(organisation_id=org.pk, since=an_hour_ago)
            assert [u.organisation.name for u in found] == [org.name] * 2
        assert found == expected == users[org.pk]
        assert [(u.username, u.email, u.role) for u in found] == [(u.username, u.email, u.role) for u in expected]
    assert _users_of.all(organisation_id=a.pk, since=timezone.now() + timedelta(hours=1)) == []
    assert _names.first(uscc=b.uscc) == (b.name, b.kind)
    assert _names.first(uscc="no such code") is None
    named = _name_and_kind.first(uscc=b.uscc)
    assert named == Organisation.objects.filter(uscc=b.uscc).values_list("name", "kind", named=True).get()
    assert (named.name, named.kind) == (b.name, b.kind)
    assert _ids.all(kind=a.kind) == list(
        Organisation.objects.filter(kind=a.kind, name_en__gt="").values_list("id", flat=True).order_by("id")
    )


@prepared
def _named(*, ids: list[int]) -> QuerySet[Organisation, str]:
    return Organisation.objects.filter(pk__in=ids).values_list("name", flat=True)


@prepared
def _locking(*, pk: int) -> QuerySet[Organisation]:
    return Organisation.objects.select_for_update().filter(pk=pk)


@prepared
def _counted(*, pk: int) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk=pk).annotate(people=Count("users"))


@prepared
def _answered(*, status: int, key: str) -> QuerySet[IdempotentRequest, str]:
    return IdempotentRequest.objects.filter(status=status, key=key).values_list("key", flat=True)


@prepared
def _on_days(*, days: list[date]) -> QuerySet[AuditEntry, int]:
    return AuditEntry.objects.filter(at__date__in=days).values_list("id", flat=True)


def test_a_list_is_compiled_for_each_length_it_comes_with() -> None:
    orgs = [factories.enterprise() for _ in range(3)]
    named = _named
    three = [o.pk for o in orgs]
    for ids in ([orgs[0].pk], [orgs[1].pk], [orgs[0].pk, orgs[2].pk], {orgs[2].pk, orgs[1].pk}, three, three[:1]):
        assert sorted(named.all(ids=ids)) == sorted(o.name for o in orgs if o.pk in ids)  # three: padded to four
    with CaptureQueriesContext(connection) as asked:
        assert named.all(ids=[]) == []
    assert asked.captured_queries == []  # nothing can match: the database is not asked, as with the ORM


def test_it_is_compiled_once_and_then_runs_the_same_sql() -> None:
    a, b = factories.enterprise(), factories.enterprise()
    with CaptureQueriesContext(connection) as first:
        _names.all(uscc=a.uscc)
    with CaptureQueriesContext(connection) as second:
        _names.all(uscc=b.uscc)
    assert first.captured_queries[0]["sql"] != second.captured_queries[0]["sql"]  # each with its own value
    assert first.captured_queries[0]["sql"].replace(a.uscc, b.uscc) == second.captured_queries[0]["sql"]


@pytest.mark.parametrize(
    ("build", "values", "why"),
    [
        (lambda agency: Organisation.objects.filter(agency=agency), {"agency": True}, "booleans"),
        (lambda text: Organisation.objects.filter(name__contains=text), {"text": "贸易"}, "pattern"),
        (lambda n: Organisation.objects.order_by("name")[abs(n) : abs(n) + 2], {"n": 3}, "depends on the values"),
        (lambda n: Organisation.objects.values("name").filter(pk=n), {"n": 3}, "not ValuesIterable"),
    ],
)
def test_a_query_whose_sql_depends_on_a_value_is_refused(build, values, why) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Exception, match=why):
        prepared(build).all(**values)


def test_none_or_a_boolean_is_refused_on_any_call_not_only_the_first() -> None:
    org = factories.enterprise()
    assert _names.first(uscc=org.uscc) == (org.name, org.kind)
    for wrong in (None, True):
        with pytest.raises(ValueError, match="booleans and None"):
            _names.all(uscc=wrong)
    with pytest.raises(ValueError, match="naive datetime"):
        _users_of.all(organisation_id=org.pk, since=datetime(2026, 1, 1))


def test_a_small_or_positive_integer_column_is_asked_like_any_other() -> None:
    IdempotentRequest.objects.create(organisation=factories.enterprise(), key="k1", method="POST", path="/",
                                     body_digest="d", status=201, response={}, created_at=timezone.now())  # fmt: skip
    assert _answered.all(status=201, key="k1") == ["k1"]
    assert _answered.all(status=200, key="k1") == []


def test_a_list_of_many_dates_keeps_every_one() -> None:
    actor = factories.clerk()
    days = [date(2026, 1, 1) + timedelta(days=n) for n in range(30)]
    for day in days:
        entry = insert(AuditEntry(actor=actor, action="x.y", object_type="t", object_id="1"))
        AuditEntry.objects.filter(pk=entry.pk).update(at=datetime(day.year, day.month, day.day, 12, tzinfo=UTC))
    assert len(_on_days.all(days=days)) == len(AuditEntry.objects.filter(at__date__in=days)) == 30


def test_an_integer_no_column_holds_is_refused_before_the_database_sees_it() -> None:
    with pytest.raises(ValueError, match="beyond a database integer"):
        _names_by_id.all(pk=10**30)


@prepared
def _names_by_id(*, pk: int) -> QuerySet[Organisation, str]:
    return Organisation.objects.filter(pk=pk).values_list("name", flat=True)


def test_a_locking_query_needs_a_transaction_as_the_orm_does(monkeypatch: pytest.MonkeyPatch) -> None:
    org = factories.enterprise()
    locking = _locking
    with transaction.atomic():
        assert locking.all(pk=org.pk) == [org]
    monkeypatch.setattr(connection, "get_autocommit", lambda: True)  # the test's own transaction aside
    with pytest.raises(TransactionManagementError):
        locking.all(pk=org.pk)


def test_annotations_are_set_on_the_instances() -> None:
    org = factories.enterprise()
    factories.clerk(org)
    counted = _counted
    assert [o.people for o in counted.all(pk=org.pk)] == [1]


def test_insert_saves_a_new_row_as_save_does() -> None:
    actor = factories.clerk()
    entry = insert(AuditEntry(actor=actor, organisation_id=actor.organisation_id, action="x.done",
                              object_type="singlewindow.user", object_id=str(actor.pk), after={"名": ["值", 1]}))  # fmt: skip
    again = AuditEntry.objects.get(pk=entry.pk)
    assert entry.pk and not entry._state.adding
    assert (again.actor, again.action, again.after, again.before) == (actor, "x.done", {"名": ["值", 1]}, None)
    assert again.at == entry.at and abs(timezone.now() - entry.at) < timedelta(minutes=1)  # auto_now_add, as save()
    second = insert(AuditEntry(actor=None, action="y.done", object_type="t", object_id="2"))
    assert second.pk > entry.pk and AuditEntry.objects.get(pk=second.pk).actor is None


def test_insert_all_saves_several_rows_in_one_statement_as_save_does() -> None:
    actor = factories.clerk()
    # A count seen again takes the statement compiled for it; above ROWS_LISTED, one statement for any count.
    for count in (3, 2, 3, ROWS_LISTED + 4, ROWS_LISTED + 1, ROWS_LISTED + 4):
        entries = [AuditEntry(actor=actor if n % 2 else None, action=f"many.{n}", object_type="t", object_id=str(n),
                              after={"n": n, "名": "值"}) for n in range(count)]  # fmt: skip
        with CaptureQueriesContext(connection) as queries:
            saved = insert_all(entries)
        assert len(queries.captured_queries) == 1
        assert saved == entries and all(e.pk and not e._state.adding for e in entries)
        again = {e.pk: e for e in AuditEntry.objects.filter(pk__in=[e.pk for e in entries])}
        assert [(again[e.pk].action, again[e.pk].actor, again[e.pk].after, again[e.pk].at) for e in entries] == [
            (f"many.{n}", actor if n % 2 else None, {"n": n, "名": "值"}, entries[n].at) for n in range(count)
        ]
    assert insert_all([]) == []


def test_insert_all_prepares_a_value_not_of_its_fields_plain_type_as_save_does() -> None:
    """A str, int or aware datetime goes in as it is; anything else is prepared the ORM's way: a number for a
    text column becomes its text, a naive time is taken as the current time zone's (with Django's warning)."""
    org = factories.enterprise()
    kept = {"organisation": org, "method": "POST", "body_digest": "d", "response": {}}
    naive = datetime(2026, 12, 6, 9, 30)  # what a careless caller passes
    for count in (1, ROWS_LISTED + 2):
        rows = [IdempotentRequest(key=f"k{count}-{n}", path=n, status="201", created_at=naive, **kept)
                for n in range(count)]  # fmt: skip
        with pytest.warns(RuntimeWarning, match="naive datetime"):
            insert_all(rows)
        again = IdempotentRequest.objects.filter(key__startswith=f"k{count}-").order_by("pk")
        assert [(r.path, r.status, r.created_at) for r in again] == [
            (str(n), 201, timezone.make_aware(naive)) for n in range(count)
        ]


def test_insert_all_writes_a_time_of_any_zone_as_save_does_so_they_match_and_sort_together() -> None:
    """A receipt's time comes in Beijing time: written by insert_all or by save, rows read back the same instant,
    are found by it and sort together (SQLite keeps times as text, Django's in UTC without an offset)."""
    kept = {"organisation": factories.enterprise(), "method": "POST", "body_digest": "d", "response": {}}
    at = datetime(2026, 12, 6, 9, 30, 0, 250000, tzinfo=timezone.get_fixed_timezone(480))  # 01:30:00.25 UTC
    IdempotentRequest.objects.create(key="saved", path="p", status=201, created_at=at - timedelta(hours=1), **kept)
    insert_all([IdempotentRequest(key="beijing", path="p", status=201, created_at=at, **kept)])
    insert_all([IdempotentRequest(key="utc", path="p", status=201, created_at=at.astimezone(UTC), **kept)])
    rows = IdempotentRequest.objects.filter(organisation=kept["organisation"])
    assert list(rows.order_by("created_at", "key").values_list("key", flat=True)) == ["saved", "beijing", "utc"]
    assert sorted(rows.filter(created_at=at).values_list("key", flat=True)) == ["beijing", "utc"]


def test_insert_all_of_many_rows_keeps_every_kind_of_value_and_refuses_what_is_too_long() -> None:
    """Above ROWS_LISTED the rows go to PostgreSQL as one JSON array: dates, booleans, lists, decimals and text
    come back as they went in, and a text longer than its column is refused there, not cut."""
    org, manager = factories.enterprise(), factories.clerk()
    grants = [AgentGrant(organisation=org, person=manager, full=n % 2 == 0, matters=[] if n % 2 == 0 else ["declaration"],
                         valid_from=date(2026, 1, 1 + n), valid_until=date(2026, 12, 31)) for n in range(ROWS_LISTED + 2)]  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        insert_all(grants)
    assert len(queries.captured_queries) == 1
    assert ("jsonb_array_elements" in queries.captured_queries[0]["sql"]) == (connection.vendor == "postgresql")
    again = AgentGrant.objects.filter(pk__in=[g.pk for g in grants]).order_by("pk")
    assert [(g.full, g.matters, g.valid_from, g.granted_by_id) for g in again] == [
        (n % 2 == 0, [] if n % 2 == 0 else ["declaration"], date(2026, 1, 1 + n), None) for n in range(ROWS_LISTED + 2)
    ]
    ledgers = [
        QuotaLedger(buyer_id_number=f"B{n}", year=2026, reserved=Decimal("1234.56") * n) for n in range(ROWS_LISTED + 1)
    ]
    insert_all(ledgers)
    assert sorted(QuotaLedger.objects.filter(year=2026).values_list("reserved", flat=True)) == [
        Decimal("1234.56") * n for n in range(ROWS_LISTED + 1)
    ]
    too_long = [
        AuditEntry(action="x" * (61 if n == 3 else 10), object_type="t", object_id=str(n))
        for n in range(ROWS_LISTED + 1)
    ]
    if connection.vendor == "postgresql":  # SQLite (make run) keeps text of any length
        with pytest.raises(DatabaseError), transaction.atomic():
            insert_all(too_long)
        assert not AuditEntry.objects.filter(object_type="t").exists()


def test_insert_all_can_skip_rows_a_unique_constraint_holds_as_bulk_create_does() -> None:
    org = factories.enterprise()
    kept = {"organisation": org, "method": "POST", "path": "/", "body_digest": "d", "status": 201, "response": {}}
    insert_all([IdempotentRequest(key="first", created_at=timezone.now(), **kept)])
    again = [IdempotentRequest(key=key, created_at=timezone.now(), **kept) for key in ("first", "second", "third")]
    with CaptureQueriesContext(connection) as queries:
        insert_all(again, ignore_conflicts=True)
    assert len(queries.captured_queries) == 1
    assert sorted(IdempotentRequest.objects.filter(organisation=org).values_list("key", flat=True)) == [
        "first", "second", "third"
    ]  # fmt: skip


@prepared_update
def _renamed(*, pks: list[int], name: str, at: datetime) -> tuple[QuerySet[IdempotentRequest], dict[str, object]]:
    return IdempotentRequest.objects.filter(pk__in=pks), {"path": name, "status": F("status") + 1, "created_at": at}


def test_a_prepared_update_changes_the_rows_as_update_does() -> None:
    org = factories.enterprise()
    made = [IdempotentRequest.objects.create(organisation=org, key=f"u{n}", method="POST", path="/", body_digest="d",
                                             status=200, response={}, created_at=timezone.now()) for n in range(3)]  # fmt: skip
    at = datetime(2026, 5, 1, 8, tzinfo=UTC)
    for round_, pks in enumerate(([made[0].pk, made[1].pk], [made[2].pk], [made[0].pk])):
        with CaptureQueriesContext(connection) as queries:
            assert _renamed.run(pks=pks, name=f"/r{round_}", at=at + timedelta(days=round_)) == len(pks)
        assert len(queries.captured_queries) == 1 and queries.captured_queries[0]["sql"].startswith("UPDATE")
    rows = {r.key: (r.path, r.status, r.created_at) for r in IdempotentRequest.objects.filter(organisation=org)}
    assert rows == {
        "u0": ("/r2", 202, at + timedelta(days=2)),
        "u1": ("/r0", 201, at),
        "u2": ("/r1", 201, at + timedelta(days=1)),
    }
    with CaptureQueriesContext(connection) as queries:
        assert _renamed.run(pks=[], name="/none", at=at) == 0
    assert queries.captured_queries == []


def test_audit_entries_recorded_together_are_written_as_the_block_ends() -> None:
    actor = factories.clerk()
    with CaptureQueriesContext(connection) as queries, writes_together():
        first = audit_record(actor=actor, action="together.one", obj=actor)
        with writes_together():  # nested: written with the outer block
            audit_record(actor=actor, action="together.two", obj=actor)
        assert first.pk is None and not AuditEntry.objects.filter(action__startswith="together.").exists()
    assert first.pk and AuditEntry.objects.filter(action__startswith="together.").count() == 2
    assert sum("INSERT" in q["sql"] for q in queries.captured_queries) == 1
    with pytest.raises(RuntimeError), writes_together():
        audit_record(actor=actor, action="together.failed", obj=actor)
        raise RuntimeError("the work it records failed")
    assert not AuditEntry.objects.filter(action="together.failed").exists()
    assert audit_record(actor=actor, action="together.alone", obj=actor).pk  # outside a block: written at once


def test_rows_of_several_models_given_to_a_block_are_written_in_one_statement_as_it_ends() -> None:
    """On PostgreSQL one WITH statement for every model's rows (each model's in one INSERT, in the order given,
    its groups together); elsewhere an INSERT each. Ids are set as insert_all sets them, and nothing is asked
    before the block ends."""
    actor = factories.clerk()
    org = actor.organisation
    requests = [IdempotentRequest(organisation=org, key=f"g{i}", method="POST", path="/g", body_digest="d",
                                  status=201, response={"n": i}, created_at=timezone.now()) for i in range(3)]  # fmt: skip
    with CaptureQueriesContext(connection) as queries, writes_together():
        audit_record(actor=actor, action="group.one", obj=actor)
        assert insert_later(requests[:2]) == requests[:2]
        with writes_together():  # nested: written with the outer block
            audit_record(actor=actor, action="group.two", obj=actor)
            insert_later(requests[2:])
        insert_later([])
        assert queries.captured_queries == [] and requests[0].pk is None
    inserts = [q["sql"] for q in queries.captured_queries]
    if connection.vendor == "postgresql":
        assert len(inserts) == 1 and inserts[0].startswith("WITH")
    else:
        assert len(inserts) == 2 and all(sql.startswith("INSERT") for sql in inserts)
    written = AuditEntry.objects.filter(action__startswith="group.").order_by("pk")
    assert [e.action for e in written] == ["group.one", "group.two"]
    assert [r.pk for r in requests] == sorted(r.pk for r in requests)  # in the order given, each with its id
    assert {r.key: (r.response, r._state.adding) for r in IdempotentRequest.objects.filter(key__startswith="g")} == {
        "g0": ({"n": 0}, False),
        "g1": ({"n": 1}, False),
        "g2": ({"n": 2}, False),
    }
    assert all(not r._state.adding for r in requests)


def test_a_block_that_fails_writes_nothing_and_a_row_saved_its_own_way_is_written_alone() -> None:
    actor = factories.clerk()
    with pytest.raises(RuntimeError), writes_together():
        audit_record(actor=actor, action="group.failed", obj=actor)
        raise RuntimeError("the work they belong to failed")
    assert not AuditEntry.objects.filter(action="group.failed").exists()
    own = QuotaLedger(pk=10_001, buyer_id_number="110101199001011234", year=2026)  # its id given: the ORM's way
    with writes_together():
        audit_record(actor=actor, action="group.beside", obj=actor)
        insert_later([own])
    assert QuotaLedger.objects.filter(pk=10_001, year=2026).exists()
    assert AuditEntry.objects.filter(action="group.beside").exists()


def test_rows_given_under_a_savepoint_opened_in_a_block_stand_or_fall_with_that_savepoint() -> None:
    """A batch submission refuses one declaration (its savepoint rolled back) and carries on: what that
    declaration's work gave to a block is not written with the outer block's rows."""
    actor = factories.clerk()
    with writes_together():
        audit_record(actor=actor, action="outer.kept", obj=actor)
        with pytest.raises(RuntimeError), transaction.atomic():  # a savepoint
            with writes_together():  # its own block: written as it ends, inside the savepoint
                audit_record(actor=actor, action="inner.block", obj=actor)
            audit_record(actor=actor, action="inner.alone", obj=actor)  # under the savepoint: written at once
            assert AuditEntry.objects.filter(action__startswith="inner.").count() == 2
            raise RuntimeError("this declaration is refused")
        with transaction.atomic(), writes_together():  # the next one, submitted
            audit_record(actor=actor, action="inner.next", obj=actor)
        assert not AuditEntry.objects.filter(action="outer.kept").exists()  # still the outer block's
    assert sorted(AuditEntry.objects.filter(action__in=["outer.kept", "inner.block", "inner.alone", "inner.next"])
                  .values_list("action", flat=True)) == ["inner.next", "outer.kept"]  # fmt: skip


def test_a_row_updated_in_a_block_is_written_with_its_rows_as_it_ends() -> None:
    """save_fields_later: the UPDATE goes with the block's INSERTs (one statement on PostgreSQL), with the
    object's values as the block ends and every field given for the row; a row gone is a DatabaseError then,
    as save_fields raises it."""
    actor = factories.clerk()
    org = actor.organisation
    assert org is not None
    with CaptureQueriesContext(connection) as queries, writes_together():
        org.name = "Renamed Ltd"
        save_fields_later(org, ["name"])
        audit_record(actor=actor, action="renamed", obj=org)
        org.customs_code, org.name = "3100000001", "Renamed Again Ltd"
        save_fields_later(org, ["customs_code"])  # the same row: one UPDATE, both fields, the values as it ends
        assert queries.captured_queries == []
        assert Organisation.objects.get(pk=org.pk).name != "Renamed Again Ltd"
    writes = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith("SELECT")]
    assert len(writes) == (1 if connection.vendor == "postgresql" else 2)
    assert Organisation.objects.filter(pk=org.pk, name="Renamed Again Ltd", customs_code="3100000001").exists()
    assert AuditEntry.objects.filter(action="renamed", object_id=str(org.pk)).exists()
    gone = factories.enterprise()
    Organisation.objects.filter(pk=gone.pk).delete()
    with pytest.raises(DatabaseError, match="did not affect any rows"), writes_together():
        save_fields_later(gone, ["name"])
        audit_record(actor=actor, action="renamed.gone", obj=gone)


def test_insert_saves_a_proxy_as_save_does() -> None:
    class Plain(AuditEntry):
        class Meta:
            proxy = True
            app_label = "singlewindow"

    entry = insert(Plain(action="p", object_type="t", object_id="4"))
    assert AuditEntry.objects.get(pk=entry.pk).action == "p"


def test_insert_leaves_a_model_with_its_own_save_to_it() -> None:
    calls = []

    class Counted(AuditEntry):
        class Meta:
            proxy = True
            app_label = "singlewindow"

        def save(self, *args: object, **kwargs: object) -> None:
            calls.append(self)
            super().save(*args, **kwargs)

    insert(Counted(action="z", object_type="t", object_id="3"))
    assert len(calls) == 1 and AuditEntry.objects.filter(action="z").count() == 1


def test_save_fields_writes_those_fields_as_save_does_and_nothing_else() -> None:
    org = factories.enterprise(address="旧地址", phone="021-1")
    before = Organisation.objects.get(pk=org.pk).updated_at
    org.address, org.phone, org.email = "上海市浦东新区", "", "changed@example.cn"
    save_fields(org, ["address", "phone", "updated_at"])
    again = Organisation.objects.get(pk=org.pk)
    assert (again.address, again.phone, again.email) == ("上海市浦东新区", "", "")  # email was not named
    assert again.updated_at == org.updated_at > before  # auto_now, as save(update_fields=…) refreshes it
    org.address = "第二次"
    save_fields(org, ["address", "updated_at"])
    assert Organisation.objects.get(pk=org.pk).address == "第二次"
    gone = Organisation(pk=org.pk + 10_000, name="x")
    with pytest.raises(DatabaseError, match="did not affect any rows"):
        save_fields(gone, ["address", "updated_at"])


def test_a_list_too_long_for_distinct_stand_ins_is_refused() -> None:
    with pytest.raises(ValueError, match="more than 16384 items"):
        _on_days.all(days=[date(2026, 1, 1)] * 20_000)


def test_an_expression_first_does_not_become_the_insert_plain_values_take() -> None:
    from django.db.models.functions import Upper

    actor = factories.clerk()
    odd = AuditEntry(actor=actor, action="x", object_type="t", object_id="1")
    odd.action = Upper(Value("shouted"))  # type: ignore[assignment]
    insert_all([odd, AuditEntry(actor=actor, action="plain", object_type="t", object_id="2")])
    insert_all([AuditEntry(actor=actor, action="quiet.a", object_type="t", object_id="3"),
                AuditEntry(actor=actor, action="quiet.b", object_type="t", object_id="4")])  # fmt: skip
    assert set(AuditEntry.objects.filter(actor=actor).values_list("action", flat=True)) == {
        "SHOUTED", "plain", "quiet.a", "quiet.b"
    }  # fmt: skip


def test_a_query_compiled_on_one_thread_is_not_compiled_again_on_another(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from django.db import connections

    from singlewindow import prepared as module

    @prepared
    def _kinds(*, kind: str) -> QuerySet[Organisation, int]:
        return Organisation.objects.filter(kind=kind).values_list("pk", flat=True)

    compiles: list[object] = []
    real = module._compile

    def counted(*args: Any, **kwargs: Any) -> Any:
        compiles.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, "_compile", counted)
    org = factories.enterprise()
    assert org.pk in _kinds.all(kind=org.kind)
    found: list[object] = []

    def other() -> None:
        try:  # its own connection, outside this test's transaction (SQLite's in-memory test database: locked)
            found.append(_kinds.all(kind=org.kind))
        except DatabaseError as error:
            found.append(connection.vendor == "sqlite" and "locked" in str(error))
        finally:
            connections.close_all()

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert found in ([[]], [True]) and len(compiles) == 1


@pytest.mark.django_db(transaction=True)
def test_a_transaction_opened_inside_a_block_opened_outside_one_writes_its_own_rows() -> None:
    """Outside any transaction a block is at no savepoint depth at all: a transaction inside it that fails and
    is caught leaves nothing in the block, and one that commits has its rows written with it."""
    actor = factories.clerk()
    with writes_together():
        with pytest.raises(RuntimeError), transaction.atomic():
            audit_record(actor=actor, action="autocommit.failed", obj=actor)
            raise RuntimeError("refused")
        with transaction.atomic():
            audit_record(actor=actor, action="autocommit.committed", obj=actor)
        assert AuditEntry.objects.filter(action="autocommit.committed").exists()  # written with its transaction
        audit_record(actor=actor, action="autocommit.block", obj=actor)
    assert sorted(AuditEntry.objects.filter(action__startswith="autocommit.").values_list("action", flat=True)) == [
        "autocommit.block",
        "autocommit.committed",
    ]
