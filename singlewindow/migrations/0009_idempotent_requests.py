import django.core.serializers.json
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("singlewindow", "0008_api_tokens"),
    ]

    operations = [
        migrations.CreateModel(
            name="IdempotentRequest",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=255, verbose_name="idempotency key")),
                ("method", models.CharField(max_length=10, verbose_name="method")),
                ("path", models.CharField(max_length=500, verbose_name="path")),
                ("body_digest", models.CharField(max_length=64, verbose_name="request digest")),
                ("status", models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="answer status")),
                (
                    "response",
                    models.JSONField(
                        blank=True,
                        encoder=django.core.serializers.json.DjangoJSONEncoder,
                        null=True,
                        verbose_name="answer",
                    ),
                ),
                ("created_at", models.DateTimeField(db_index=True, verbose_name="made")),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="singlewindow.organisation",
                    ),
                ),
            ],
            options={
                "verbose_name": "idempotent request",
                "verbose_name_plural": "idempotent requests",
                "constraints": [
                    models.UniqueConstraint(fields=("organisation", "key"), name="idempotentrequest_one_per_key")
                ],
            },
        ),
    ]
