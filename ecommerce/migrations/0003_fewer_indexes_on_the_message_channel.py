"""What every message received paid for and nothing reads (cbec_inventories_per_s): the pattern
(`varchar_pattern_ops`, for LIKE 'prefix%') copies of the guid indexes PostgreSQL got for each unique
guid, a message's sender and batch indexes (a message is only ever looked up by its guid), a receipt's
sender index (receipts are read by sender through the (sender, id) index), and the foreign-key
constraints of a message and a receipt, checked row by row at each commit (their sender is the
organisation that signed in, their batch the one just written; PROTECT still guards deletions through
the ORM)."""

import django.db.models.deletion
from django.db import migrations, models

# Django's names for the pattern indexes (PostgreSQL only; elsewhere there are none and nothing happens).
PATTERN_INDEXES = [
    "ecommerce_message_guid_addfdad9_like",
    "ecommerce_order_guid_34db1880_like",
    "ecommerce_payment_guid_1087ba01_like",
    "ecommerce_waybill_guid_552fcd5d_like",
    "ecommerce_inventory_guid_e1728a74_like",
]


class Migration(migrations.Migration):
    dependencies = [
        ("ecommerce", "0002_account_books_withdrawn_and_payment_references"),
    ]

    operations = [
        migrations.AlterField(
            model_name="message",
            name="batch",
            field=models.ForeignKey(
                db_index=False,
                db_constraint=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="ecommerce.batch",
            ),
        ),
        migrations.AlterField(
            model_name="message",
            name="sender",
            field=models.ForeignKey(
                db_index=False,
                db_constraint=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="singlewindow.organisation",
            ),
        ),
        migrations.AlterField(
            model_name="receipt",
            name="sender",
            field=models.ForeignKey(
                db_index=False,
                db_constraint=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="singlewindow.organisation",
            ),
        ),
        migrations.RunSQL(
            [f"DROP INDEX IF EXISTS {name}" for name in PATTERN_INDEXES], reverse_sql=migrations.RunSQL.noop
        ),
    ]
