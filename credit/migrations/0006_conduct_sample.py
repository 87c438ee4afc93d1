"""The prohibited-conduct catalogue's sample set (credit/reference/conduct-sample.csv): 28 published items,
each titled 【示例】 / [Sample] and flagged `sample`, so the search page has something to show until platform
staff import the real list (`manage.py import_conduct`)."""

from django.db import migrations

from credit.conduct import load_sample, unload_sample


def load(apps, schema_editor):
    load_sample(apps.get_model("credit", "ConductItem"))


def unload(apps, schema_editor):
    unload_sample(apps.get_model("credit", "ConductItem"))


class Migration(migrations.Migration):
    dependencies = [("credit", "0005_conduct_catalogue")]

    operations = [migrations.RunPython(load, unload)]
