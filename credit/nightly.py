"""The nightly reclassification on PostgreSQL: every firm under every scheme in force, set-based, in a
fixed number of statements whatever the number of firms (no Python loop over firms; credit/classify.py
says what a class is, and runs the same rules per firm when a record arrives).

1. One pass over the records in force: each record's mask says which of the schemes' distinct rule filters
   it meets (one bit each); per firm the counts (and sums, where a rule has an amount threshold) per bit,
   and the ids and masks of the records that meet any filter (two arrays filled in the same order: no
   ORDER BY inside an aggregate, which would sort all the records by firm). Per scheme a CASE over those picks the worst
   class with a rule that holds. All into one temporary table (`credit_tally`, no WAL).
2. Per scheme, only the firms whose class, rule or scheme version differ from their current class are
   kept (`credit_changed`), with the firms classed before that have no records in force left (default).
3. Their current rows are closed; their new rows are inserted, with the evidence (the ids of the records
   the winning rule counted) taken from the tally's ids and masks: no second pass over the records.

The transaction gets the memory to aggregate a million firms in one hash (`work_mem`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from .classify import class_rules, in_force, rule_filter, where_sql
from .models import Classification, CreditRecord, Scheme

WORK_MEM = "768MB"  # the tally's hash of a million firms, in memory rather than in batches on disk


def _plans(schemes: list[Scheme], today: date) -> tuple[list[tuple[str, list[Any]]], list[Any]]:
    """The distinct rule filters of every scheme (SQL and parameters) and, per scheme, its rules worst first
    as (class, rule key, filter number, amount threshold or None, count threshold)."""
    filters: list[tuple[str, list[Any]]] = []
    numbers: dict[tuple[str, tuple[Any, ...]], int] = {}
    plans = []
    for scheme in schemes:
        plan = []
        for klass, rule in class_rules(scheme):
            sql, params = where_sql(rule_filter(rule, today))
            number = numbers.setdefault((sql, tuple(params)), len(filters))
            if number == len(filters):
                filters.append((sql, params))
            amount = Decimal(rule["amount_over"]) if "amount_over" in rule else None
            plan.append((klass, rule["key"], number, amount, rule.get("count_at_least", 0)))
        plans.append((scheme, plan))
    return filters, plans


def run(schemes: list[Scheme], today: date | None = None) -> int:
    """Reclassify every firm under these schemes; only changes are stored. Returns the changes."""
    today = today or timezone.localdate()
    filters, plans = _plans(schemes, today)
    if len(filters) > 62:
        raise ValueError("More than 62 distinct rule filters: the record mask is a bigint.")
    table, records = Classification._meta.db_table, CreditRecord._meta.db_table
    mask = " | ".join(f"CASE WHEN {sql} THEN {1 << i}::bigint ELSE 0 END" for i, (sql, _p) in enumerate(filters))
    mask_params = [p for _sql, params in filters for p in params]
    in_force_sql, in_force_params = where_sql(in_force(today))
    amounts = sorted({number for _s, plan in plans for _k, _r, number, amount, _c in plan if amount is not None})
    tallies = [f"COUNT(*) FILTER (WHERE m & {1 << i} <> 0) AS n{i}" for i in range(len(filters))]
    tallies += [f"SUM(amount) FILTER (WHERE m & {1 << i} <> 0) AS s{i}" for i in amounts]
    verdicts, verdict_params = [], []
    for s, (_scheme, plan) in enumerate(plans):
        holds = [f"g.s{number} > %s" if amount is not None else f"g.n{number} >= %s"
                 for _k, _r, number, amount, _c in plan]  # fmt: skip
        thresholds = [amount if amount is not None else count for _k, _r, _n, amount, count in plan]
        for column, values, default in (("klass", [k for k, *_ in plan], _scheme.rules["default"]),
                                        ("rule", [r for _k, r, *_ in plan], ""),
                                        ("filter_no", [n for _k, _r, n, *_ in plan], None)):  # fmt: skip
            whens = " ".join(f"WHEN {h} THEN %s" for h in holds)
            verdicts.append(f"CASE {whens} ELSE %s END AS {column}{s}" if plan else f"%s AS {column}{s}")
            verdict_params += [p for pair in zip(thresholds, values, strict=True) for p in pair] + [default]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
        cursor.execute("DROP TABLE IF EXISTS credit_tally, credit_changed")
        cursor.execute(
            f"""CREATE TEMPORARY TABLE credit_tally ON COMMIT DROP AS
            SELECT g.uscc, g.ids, g.masks, {", ".join(verdicts)}
              FROM (SELECT r.uscc, {", ".join(tallies)},
                           array_agg(r.id) FILTER (WHERE m <> 0) AS ids,
                           array_agg(m) FILTER (WHERE m <> 0) AS masks
                      FROM (SELECT uscc, id, amount, {mask or "0::bigint"} AS m FROM {records}
                             WHERE {in_force_sql} OFFSET 0) AS r
                     GROUP BY r.uscc) AS g""",  # noqa: S608
            [*verdict_params, *mask_params, *in_force_params],
        )
        cursor.execute("ANALYZE credit_tally")
        cursor.execute(
            "CREATE TEMPORARY TABLE credit_changed (scheme_id bigint, scheme_key varchar(20), uscc varchar(18),"
            " klass varchar(30), rule varchar(60), filter_no integer, old_id bigint) ON COMMIT DROP"
        )
        for s, (scheme, _plan) in enumerate(plans):
            default = scheme.rules["default"]
            cursor.execute(
                f"""INSERT INTO credit_changed (scheme_id, scheme_key, uscc, klass, rule, filter_no, old_id)
                WITH cur AS (SELECT id, uscc, klass, rule, scheme_id FROM {table}
                              WHERE scheme_key = %s AND current)
                SELECT %s, %s, t.uscc, t.klass{s}, t.rule{s}, t.filter_no{s}, cur.id
                  FROM credit_tally t LEFT JOIN cur ON cur.uscc = t.uscc
                 WHERE cur.id IS NULL OR cur.klass <> t.klass{s} OR cur.rule <> t.rule{s} OR cur.scheme_id <> %s
                UNION ALL
                SELECT %s, %s, cur.uscc, %s, '', NULL, cur.id
                  FROM cur LEFT JOIN credit_tally t ON t.uscc = cur.uscc
                 WHERE t.uscc IS NULL AND (cur.klass <> %s OR cur.rule <> '' OR cur.scheme_id <> %s)""",  # noqa: S608
                [scheme.key, scheme.pk, scheme.key, scheme.pk, scheme.pk, scheme.key, default, default, scheme.pk],
            )
        cursor.execute(
            f"UPDATE {table} SET current = false WHERE id IN"  # noqa: S608
            " (SELECT old_id FROM credit_changed WHERE old_id IS NOT NULL)"
        )
        cursor.execute(
            f"""INSERT INTO {table} (uscc, scheme_key, scheme_id, klass, rule, evidence, decided_at, current)
            SELECT c.uscc, c.scheme_key, c.scheme_id, c.klass, c.rule,
                   CASE WHEN c.filter_no IS NULL THEN '[]'::jsonb
                        ELSE to_jsonb(ARRAY(SELECT t.ids[i] FROM generate_subscripts(t.ids, 1) AS i
                                             WHERE t.masks[i] & (1::bigint << c.filter_no) <> 0
                                             ORDER BY 1)) END,
                   %s, true
              FROM credit_changed c LEFT JOIN credit_tally t ON t.uscc = c.uscc
             ORDER BY c.uscc""",  # noqa: S608 (in the order of the indexes on uscc: appended, not scattered)
            [timezone.now()],
        )
        return cursor.rowcount
