from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("declarations", "0009_receipts_signed_per_agency"),
    ]

    operations = [
        migrations.AddField(
            model_name="delivery",
            name="trying_since",
            field=models.DateTimeField(blank=True, null=True, verbose_name="trying since"),
        ),
    ]
