"""Sample spot-check items (credit/spotchecks.py SAMPLE_ITEMS): one or two per agency, each titled 【示例】 /
[Sample], so a firm's joint form shows something until the agencies enter their real lists."""

from django.db import migrations

from credit.spotchecks import load_sample_items


def load(apps, schema_editor):
    load_sample_items(apps.get_model("credit", "CheckItem"))


def unload(apps, schema_editor):
    apps.get_model("credit", "CheckItem").objects.filter(sample=True).delete()


class Migration(migrations.Migration):
    dependencies = [("credit", "0008_spot_checks")]

    operations = [migrations.RunPython(load, unload)]
