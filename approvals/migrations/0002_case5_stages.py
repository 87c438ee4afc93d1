"""The four stages of seed case 5 and the departments they need (approvals/seed.py)."""

from django.db import migrations


def load(apps, schema_editor):
    from approvals.seed import seed

    seed(apps)


def unload(apps, schema_editor):
    from approvals.seed import unseed

    unseed(apps)


class Migration(migrations.Migration):
    dependencies = [("approvals", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
