"""The shipped schemes' public names (credit/schemes.py, wording_refresh): public credit is named as the
Tianjin measures name it (市场主体信用风险分类), not by the seed case and spec section it came from, which
stay in the scheme's source note; the AEO rules stop restating their class. Wording only: no rule changes."""

from django.db import migrations

from credit.schemes import wording_refresh, wording_restore


def forwards(apps, schema_editor):
    wording_refresh(apps.get_model("credit", "Scheme"))


def backwards(apps, schema_editor):
    wording_restore(apps.get_model("credit", "Scheme"))


class Migration(migrations.Migration):
    dependencies = [("credit", "0014_name_lookup")]

    operations = [migrations.RunPython(forwards, backwards)]
