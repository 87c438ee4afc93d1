from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0003_receipts_signed_per_agency"),
    ]

    operations = [
        migrations.CreateModel(
            name="AgencyHealth",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("agency", models.CharField(max_length=20, unique=True, verbose_name="agency")),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("closed", "Answering"),
                            ("open", "Unreachable: branches wait"),
                            ("half_open", "Unreachable: trying one branch"),
                        ],
                        default="closed",
                        max_length=10,
                        verbose_name="state",
                    ),
                ),
                ("consecutive_failures", models.PositiveIntegerField(default=0, verbose_name="failures in a row")),
                ("failing_since", models.DateTimeField(blank=True, null=True, verbose_name="failing since")),
                ("opened_at", models.DateTimeField(blank=True, null=True, verbose_name="unreachable since")),
                ("last_probe_at", models.DateTimeField(blank=True, null=True, verbose_name="last tried")),
                ("alerted_at", models.DateTimeField(blank=True, null=True, verbose_name="operators alerted")),
                ("last_error", models.CharField(blank=True, max_length=500, verbose_name="last error")),
            ],
            options={
                "verbose_name": "agency health",
                "verbose_name_plural": "agency health",
                "ordering": ["agency"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("state", "closed"), ("failing_since__isnull", False), _connector="OR"),
                        name="agencyhealth_open_has_failing_since",
                    )
                ],
            },
        ),
    ]
