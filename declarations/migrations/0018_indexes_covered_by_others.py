"""Three indexes another index already covers, dropped: every event and outbox row written (ten a
declaration) kept them up for no query. A delivery is found by version through delivery_one_per_agency
(version, agency) and by next attempt with its status through delivery_due; an event by declaration
through event_timeline (declaration, at).

Only the indexes: Django's own AlterField would drop and re-add the foreign keys too, checking every row of
the event table again."""

import django.db.models.deletion
from django.db import migrations, models

# (table, index, column): the names Django gave them, on PostgreSQL and SQLite alike.
INDEXES = [
    ("declarations_delivery", "declarations_delivery_next_attempt_at_7cafc1df", "next_attempt_at"),
    ("declarations_delivery", "declarations_delivery_version_id_62e2ee45", "version_id"),
    ("declarations_event", "declarations_event_declaration_id_8eed503f", "declaration_id"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("declarations", "0017_order_by_parent_id"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="delivery",
                    name="next_attempt_at",
                    field=models.DateTimeField(verbose_name="next attempt"),
                ),
                migrations.AlterField(
                    model_name="delivery",
                    name="version",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="deliveries",
                        to="declarations.declarationversion",
                    ),
                ),
                migrations.AlterField(
                    model_name="event",
                    name="declaration",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="events",
                        to="declarations.declaration",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{index}"',
                    reverse_sql=f'CREATE INDEX "{index}" ON "{table}" ("{column}")',
                )
                for table, index, column in INDEXES
            ],
        ),
    ]
