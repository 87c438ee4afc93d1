"""Public credit v2 (credit/reference/public-v2.json): a broken credit commitment is its own rule (warning),
two broken within a year make a firm dishonest. Version 1 stays: its classes keep their history."""

from django.db import migrations

from credit.schemes import load_shipped


def load(apps, schema_editor):
    load_shipped(apps.get_model("credit", "Scheme"))


def unload(apps, schema_editor):
    apps.get_model("credit", "Classification").objects.filter(scheme__key="public", scheme__version=2).delete()
    apps.get_model("credit", "Scheme").objects.filter(key="public", version=2).delete()


class Migration(migrations.Migration):
    dependencies = [("credit", "0012_commitments")]

    operations = [migrations.RunPython(load, unload)]
