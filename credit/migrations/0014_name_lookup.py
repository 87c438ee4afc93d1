"""The public credit page finds firms by a part of their (Chinese) name over a million of them. The
database's C collation makes pg_trgm skip CJK characters, so on PostgreSQL the lookup uses the name's
character bigrams instead: an immutable function (lower-cased, locale-independent) and a GIN index on it
(`@>` narrows to the names holding every bigram of the query; the place of the query in the name then
checks the order), and a B-tree on the name, covering the USCC and kind, walked in order (index-only) when a
query is common ("有限公司"): credit/selectors.py, firms_named. PostgreSQL keeps both up to date on every
save and every bulk load. SQLite (make run) searches with LIKE alone."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION credit_name_bigrams(name text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT substr(lower(name), i, 2)), '{}')
    FROM generate_series(1, char_length(name) - 1) AS i
$$"""
FORWARD = [
    FUNCTION,
    "CREATE INDEX IF NOT EXISTS credit_org_name_bigrams ON singlewindow_organisation"
    " USING gin (credit_name_bigrams(name))",
    "CREATE INDEX IF NOT EXISTS credit_org_name ON singlewindow_organisation (name) INCLUDE (uscc, kind)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS credit_org_name",
    "DROP INDEX IF EXISTS credit_org_name_bigrams",
    "DROP FUNCTION IF EXISTS credit_name_bigrams(text)",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("credit", "0013_public_scheme_v2"), ("singlewindow", "0001_initial")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
