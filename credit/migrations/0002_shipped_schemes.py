"""The two schemes shipped with the portal (credit/reference/*-v1.json): public credit in four colours and
customs credit in five classes. Later versions come as new files and new migrations; a version once
stored never changes."""

import json
from pathlib import Path

from django.db import migrations

REFERENCE = Path(__file__).resolve().parent.parent / "reference"
SHIPPED = (("public", 1, "public-v1.json"), ("customs", 1, "customs-v1.json"))


def load(apps, schema_editor):
    Scheme = apps.get_model("credit", "Scheme")
    for key, version, name in SHIPPED:
        rules = json.loads((REFERENCE / name).read_text(encoding="utf-8"))
        Scheme.objects.update_or_create(
            key=key,
            version=version,
            defaults={"name": rules["name"], "effective_from": rules["effective_from"], "rules": rules},
        )


def unload(apps, schema_editor):
    Scheme = apps.get_model("credit", "Scheme")
    Classification = apps.get_model("credit", "Classification")
    for key, version, _name in SHIPPED:
        Classification.objects.filter(scheme__key=key, scheme__version=version).delete()
        Scheme.objects.filter(key=key, version=version).delete()


class Migration(migrations.Migration):
    dependencies = [("credit", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
