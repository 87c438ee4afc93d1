"""The English of the seeded stages' materials and review items (approvals/seed.py), for the English pages."""

from django.db import migrations


def add(apps, schema_editor):
    from approvals.seed import english_add

    english_add(apps)


def remove(apps, schema_editor):
    from approvals.seed import english_remove

    english_remove(apps)


class Migration(migrations.Migration):
    dependencies = [("approvals", "0003_objections_english")]

    operations = [migrations.RunPython(add, remove)]
