"""Classes from records, by a scheme's rules (data, `credit/reference/<scheme>-v<n>.json`).

A scheme lists its classes worst first; each class has rules, each rule a filter over the firm's records
in force and a threshold (at least N records, or amounts over X yuan). The worst class with a rule that
holds wins, with that rule and the records it counted as its evidence; no rule holds: the default class.

A record that arrives reclassifies its firm at once (evaluate + apply: one grouped query, one conditional
count and sum per rule); the nightly run reclassifies everyone in SQL alone (nightly: the same query with
a CASE choosing the class, compared with the current classes and written set-based, no Python loop over
firms). Only firms whose class changed get a new row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection, models
from django.db.models import Case, Count, F, Q, Sum, Value, When
from django.utils import timezone

from .choices import RecordState
from .models import Classification, CreditRecord, Scheme

IN_FORCE = (RecordState.PUBLISHED, RecordState.OBJECTED)  # a corrected or repaired record no longer counts


class IdList(models.Aggregate):
    """The ids of the rows aggregated, comma-separated (string_agg on PostgreSQL, group_concat on SQLite)."""

    function = "STRING_AGG"
    template = "%(function)s(CAST(%(expressions)s AS TEXT), ',')"
    output_field = models.TextField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        clone = self.copy()
        clone.function, clone.template = "GROUP_CONCAT", "%(function)s(%(expressions)s)"
        return clone.as_sql(compiler, connection, **extra)


@dataclass(frozen=True)
class Verdict:
    klass: str
    rule: str
    evidence: tuple[int, ...]


def in_force(today: date) -> Q:
    return Q(state__in=IN_FORCE) & (Q(publish_until__isnull=True) | Q(publish_until__gte=today))


def where_sql(q: Q) -> tuple[str, list[Any]]:
    """A condition on CreditRecord as SQL over its table's columns, with its parameters."""
    query = CreditRecord.objects.filter(q).query
    sql, params = query.get_compiler(connection=connection).compile(query.where)
    return sql, list(params)


def rule_filter(rule: dict[str, Any], today: date) -> Q:
    """The records a rule counts, as a condition on CreditRecord."""
    spec = rule["records"]
    q = Q(kind__in=spec["kinds"])
    if "penalty_types" in spec:
        q &= Q(penalty_type__in=spec["penalty_types"])
    if "penalty_types_not" in spec:
        q &= ~Q(penalty_type__in=spec["penalty_types_not"])
    if "outcome" in spec:
        q &= Q(outcome=spec["outcome"])
    if "severity" in spec:
        q &= Q(severity__in=spec["severity"])
    if "agencies" in spec:
        q &= Q(source_agency__in=spec["agencies"])
    if "within_days" in spec:
        q &= Q(decided_at__gt=today - timedelta(days=spec["within_days"]))
    if "older_than_days" in spec:
        q &= Q(decided_at__lt=today - timedelta(days=spec["older_than_days"]))
    return q


def class_rules(scheme: Scheme) -> list[tuple[str, dict[str, Any]]]:
    """(class, rule) worst class first, in the order the scheme lists them."""
    return [(klass["key"], rule) for klass in scheme.rules["classes"] for rule in klass["rules"]]


def evaluate(scheme: Scheme, *, usccs: Iterable[str], today: date | None = None) -> dict[str, Verdict]:
    """These firms' verdicts under the scheme, by the nightly run's own query narrowed to them."""
    today = today or timezone.localdate()
    wanted = list(dict.fromkeys(usccs))
    verdicts = {
        row["uscc"]: Verdict(row["v_klass"], row["v_rule"], tuple(sorted(int(x) for x in row["v_ids"].split(",") if x)))
        for row in _verdict_query(scheme, today).filter(uscc__in=wanted)
    }
    for uscc in wanted:
        verdicts.setdefault(uscc, Verdict(scheme.rules["default"], "", ()))
    return verdicts


def current_schemes(today: date | None = None) -> list[Scheme]:
    """The version of each scheme in force today (the latest effective one)."""
    today = today or timezone.localdate()
    latest: dict[str, Scheme] = {}
    for scheme in Scheme.objects.filter(effective_from__lte=today).order_by("key", "-version"):
        latest.setdefault(scheme.key, scheme)
    return list(latest.values())


def apply(scheme: Scheme, verdicts: dict[str, Verdict]) -> int:
    """Store the verdicts that change these firms' current class (or its scheme version); the changes."""
    rows = Classification.objects.filter(scheme_key=scheme.key, current=True, uscc__in=list(verdicts))
    current = {uscc: rest for uscc, *rest in rows.values_list("uscc", "id", "klass", "rule", "scheme_id")}
    changed = [
        (uscc, verdict)
        for uscc, verdict in verdicts.items()
        if uscc not in current or current[uscc][1:] != [verdict.klass, verdict.rule, scheme.pk]
    ]
    if not changed:
        return 0
    Classification.objects.filter(pk__in=[current[u][0] for u, _v in changed if u in current]).update(current=False)
    Classification.objects.bulk_create(
        [
            Classification(
                uscc=uscc, scheme_key=scheme.key, scheme=scheme, klass=v.klass, rule=v.rule, evidence=list(v.evidence)
            )
            for uscc, v in changed
        ]
    )
    return len(changed)


def _verdict_query(scheme: Scheme, today: date) -> Any:
    """Every firm with records in force → its class, rule and evidence (ids, comma-separated), as one
    grouped query whose CASE picks the worst class with a rule that holds."""
    rules = class_rules(scheme)
    annotations: dict[str, Any] = {}
    whens = []
    for i, (klass, rule) in enumerate(rules):
        q = rule_filter(rule, today)
        annotations[f"n{i}"] = Count("id", filter=q)
        annotations[f"ids{i}"] = IdList("id", filter=q)
        if "amount_over" in rule:
            annotations[f"s{i}"] = Sum("amount", filter=q)
            holds = Q(**{f"s{i}__gt": Decimal(rule["amount_over"])})
        else:
            holds = Q(**{f"n{i}__gte": rule["count_at_least"]})
        whens.append((holds, klass, rule["key"], f"ids{i}"))
    default = scheme.rules["default"]
    return (
        CreditRecord.objects.filter(in_force(today))
        .values("uscc")
        .annotate(**annotations)
        .annotate(
            v_klass=Case(*[When(h, then=Value(k)) for h, k, _r, _i in whens], default=Value(default)),
            v_rule=Case(*[When(h, then=Value(r)) for h, _k, r, _i in whens], default=Value("")),
            v_ids=Case(
                *[When(h, then=F(i)) for h, _k, _r, i in whens], default=Value(""), output_field=models.TextField()
            ),
        )
        .values("uscc", "v_klass", "v_rule", "v_ids")
        .order_by()
    )


def nightly(scheme: Scheme, today: date | None = None) -> int:
    """Reclassify everyone under the scheme in the database, set-based: the verdicts of every firm with
    records, and the default for firms classed before that have none left, are compared with the current
    classes in SQL; the changed ones are closed and the new ones inserted. Returns the changes. The
    portable run (SQLite, make run); PostgreSQL takes credit/nightly.py, every scheme in one pass."""
    today = today or timezone.localdate()
    verdicts, params = _verdict_query(scheme, today).query.sql_with_params()
    table = Classification._meta.db_table
    default = scheme.rules["default"]
    evidence = (
        "COALESCE(to_jsonb(string_to_array(NULLIF(v_ids, ''), ',')::bigint[]), '[]'::jsonb)"
        if connection.vendor == "postgresql"
        else "json('[' || COALESCE(v_ids, '') || ']')"
    )
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS credit_changed")
        cursor.execute(
            f"""CREATE TEMPORARY TABLE credit_changed AS
            WITH v AS ({verdicts}),
            cur AS (SELECT id, uscc, klass, rule, scheme_id FROM {table} WHERE scheme_key = %s AND current)
            SELECT v.uscc, v.v_klass AS klass, v.v_rule AS rule, v.v_ids AS v_ids, cur.id AS old_id
              FROM v LEFT JOIN cur ON cur.uscc = v.uscc
             WHERE cur.id IS NULL OR cur.klass <> v.v_klass OR cur.rule <> v.v_rule OR cur.scheme_id <> %s
            UNION ALL
            SELECT cur.uscc, %s, '', '', cur.id
              FROM cur LEFT JOIN v ON v.uscc = cur.uscc
             WHERE v.uscc IS NULL AND (cur.klass <> %s OR cur.rule <> '' OR cur.scheme_id <> %s)""",  # noqa: S608
            [*params, scheme.key, scheme.pk, default, default, scheme.pk],
        )
        cursor.execute(f"UPDATE {table} SET current = false WHERE id IN (SELECT old_id FROM credit_changed)")  # noqa: S608
        cursor.execute(
            f"""INSERT INTO {table} (uscc, scheme_key, scheme_id, klass, rule, evidence, decided_at, current)
            SELECT uscc, %s, %s, klass, rule, {evidence}, %s, true FROM credit_changed""",  # noqa: S608
            [scheme.key, scheme.pk, timezone.now()],
        )
        changed = cursor.rowcount
        cursor.execute("DROP TABLE credit_changed")
    return changed
