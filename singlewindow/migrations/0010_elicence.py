"""The enterprise electronic licence (singlewindow/elicence.py); every organisation already there gets its
licence and everyone who files for it a standing grant (singlewindow/elicence_backfill.py)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from singlewindow.elicence_backfill import backfill


def issue_licences(apps, schema_editor):
    backfill(
        organisations=apps.get_model("singlewindow", "Organisation"),
        users=apps.get_model("singlewindow", "User"),
        licences=apps.get_model("singlewindow", "ELicence"),
        grants=apps.get_model("singlewindow", "AgentGrant"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("singlewindow", "0009_idempotent_requests"),
    ]

    operations = [
        migrations.CreateModel(
            name="AgentGrant",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("full", models.BooleanField(default=True, verbose_name="every matter")),
                (
                    "matters",
                    models.JSONField(
                        blank=True, default=list, help_text="When not every matter.", verbose_name="matters"
                    ),
                ),
                ("valid_from", models.DateField(verbose_name="valid from")),
                ("valid_until", models.DateField(verbose_name="valid until")),
                ("granted_at", models.DateTimeField(auto_now_add=True, verbose_name="granted")),
                ("revoked_at", models.DateTimeField(blank=True, null=True, verbose_name="revoked")),
                (
                    "granted_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="agent_grants",
                        to="singlewindow.organisation",
                        verbose_name="organisation",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="agent_grants",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="agent",
                    ),
                ),
                (
                    "revoked_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "agent grant",
                "verbose_name_plural": "agent grants",
                "ordering": ["-granted_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="ELicence",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("issued_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="issued")),
                ("revoked_at", models.DateTimeField(blank=True, null=True, verbose_name="revoked")),
                (
                    "legal_representative",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="legal representative",
                    ),
                ),
                (
                    "organisation",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="elicence",
                        to="singlewindow.organisation",
                        verbose_name="organisation",
                    ),
                ),
            ],
            options={
                "verbose_name": "electronic licence",
                "verbose_name_plural": "electronic licences",
            },
        ),
        migrations.CreateModel(
            name="ELicenceAdministrator",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("seat", models.PositiveSmallIntegerField(verbose_name="seat")),
                ("added_at", models.DateTimeField(auto_now_add=True, verbose_name="added")),
                (
                    "added_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "licence",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="administrators",
                        to="singlewindow.elicence",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="person",
                    ),
                ),
            ],
            options={
                "verbose_name": "licence administrator",
                "verbose_name_plural": "licence administrators",
                "ordering": ["seat"],
            },
        ),
        migrations.CreateModel(
            name="PresentationToken",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("nonce", models.CharField(max_length=64, unique=True)),
                ("created_at", models.DateTimeField(verbose_name="shown")),
                ("expires_at", models.DateTimeField(verbose_name="expires")),
                ("verified_at", models.DateTimeField(blank=True, null=True, verbose_name="verified at")),
                (
                    "created_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="singlewindow.organisation"
                    ),
                ),
                (
                    "verified_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "presentation token",
                "verbose_name_plural": "presentation tokens",
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="SigningKey",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("algorithm", models.CharField(max_length=20, verbose_name="algorithm")),
                ("public_key", models.CharField(max_length=200, verbose_name="public key")),
                ("key_id", models.CharField(max_length=16, unique=True, verbose_name="key id")),
                ("private_key_sealed", models.TextField()),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                ("retired_at", models.DateTimeField(blank=True, null=True, verbose_name="retired")),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="signing_keys",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="person",
                    ),
                ),
            ],
            options={
                "verbose_name": "signing key",
                "verbose_name_plural": "signing keys",
            },
        ),
        migrations.CreateModel(
            name="SubmissionSignature",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "capacity",
                    models.CharField(
                        choices=[("legal_representative", "Legal representative"), ("agent", "Agent under a grant")],
                        max_length=30,
                        verbose_name="capacity",
                    ),
                ),
                (
                    "matter",
                    models.CharField(
                        choices=[
                            ("declaration", "Goods declarations"),
                            ("vessel", "Vessel declarations"),
                            ("licence_application", "Licence applications"),
                            ("approval_filing", "Approval filings"),
                        ],
                        max_length=30,
                        verbose_name="matter",
                    ),
                ),
                ("object_type", models.CharField(max_length=60, verbose_name="object type")),
                ("object_id", models.CharField(max_length=40, verbose_name="object id")),
                ("digest", models.CharField(max_length=64, verbose_name="digest")),
                ("algorithm", models.CharField(max_length=20, verbose_name="algorithm")),
                ("signature", models.CharField(max_length=300, verbose_name="signature")),
                ("signed_at", models.DateTimeField(verbose_name="signed")),
                (
                    "grant",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="singlewindow.agentgrant",
                        verbose_name="grant",
                    ),
                ),
                (
                    "key",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="singlewindow.signingkey",
                        verbose_name="key",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="singlewindow.organisation",
                        verbose_name="organisation",
                    ),
                ),
                (
                    "signer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="signed by",
                    ),
                ),
            ],
            options={
                "verbose_name": "submission signature",
                "verbose_name_plural": "submission signatures",
                "ordering": ["-signed_at", "-id"],
            },
        ),
        migrations.AddConstraint(
            model_name="agentgrant",
            constraint=models.CheckConstraint(
                condition=models.Q(("valid_until__gte", models.F("valid_from"))), name="agentgrant_period_ordered"
            ),
        ),
        migrations.AddConstraint(
            model_name="agentgrant",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("full", True), ("matters", [])),
                    models.Q(("full", False), models.Q(("matters", []), _negated=True)),
                    _connector="OR",
                ),
                name="agentgrant_full_or_named_matters",
            ),
        ),
        migrations.AddConstraint(
            model_name="elicenceadministrator",
            constraint=models.UniqueConstraint(fields=("licence", "person"), name="elicenceadministrator_once"),
        ),
        migrations.AddConstraint(
            model_name="elicenceadministrator",
            constraint=models.UniqueConstraint(fields=("licence", "seat"), name="elicenceadministrator_seat_once"),
        ),
        migrations.AddConstraint(
            model_name="elicenceadministrator",
            constraint=models.CheckConstraint(
                condition=models.Q(("seat__gte", 1), ("seat__lte", 5)), name="elicenceadministrator_at_most_5"
            ),
        ),
        migrations.AddConstraint(
            model_name="presentationtoken",
            constraint=models.CheckConstraint(
                condition=models.Q(("expires_at__gt", models.F("created_at"))), name="presentationtoken_expires_later"
            ),
        ),
        migrations.AddConstraint(
            model_name="signingkey",
            constraint=models.UniqueConstraint(
                condition=models.Q(("retired_at", None)), fields=("person",), name="signingkey_one_in_use_per_person"
            ),
        ),
        migrations.AddIndex(
            model_name="submissionsignature",
            index=models.Index(fields=["object_type", "object_id"], name="signature_object"),
        ),
        migrations.AddConstraint(
            model_name="submissionsignature",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("capacity", "agent"), ("grant__isnull", False)),
                    models.Q(models.Q(("capacity", "agent"), _negated=True), ("grant__isnull", True)),
                    _connector="OR",
                ),
                name="submissionsignature_grant_iff_agent",
            ),
        ),
        migrations.RunPython(issue_licences, migrations.RunPython.noop),
    ]
