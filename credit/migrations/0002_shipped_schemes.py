"""The two schemes shipped with the portal (credit/reference/*-v1.json): public credit in four colours and
customs credit in five classes (credit/schemes.py)."""

from django.db import migrations

from credit.schemes import SHIPPED, load_shipped


def load(apps, schema_editor):
    load_shipped(apps.get_model("credit", "Scheme"))


def unload(apps, schema_editor):
    Scheme = apps.get_model("credit", "Scheme")
    Classification = apps.get_model("credit", "Classification")
    for key, version in SHIPPED:
        Classification.objects.filter(scheme__key=key, scheme__version=version).delete()
        Scheme.objects.filter(key=key, version=version).delete()


class Migration(migrations.Migration):
    dependencies = [("credit", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
