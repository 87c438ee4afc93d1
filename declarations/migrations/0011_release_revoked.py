"""An agency may revoke a release it gave (the receipt status release_revoked); a declaration with a
revoked release has the status "revoked"."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("declarations", "0010_delivery_trying_since"),
    ]

    operations = [
        migrations.AlterField(
            model_name="declaration",
            name="status",
            field=models.CharField(
                choices=[
                    ("draft", "Draft"),
                    ("submitted", "Submitted"),
                    ("rejected", "Rejected: correct and resubmit"),
                    ("released", "Released"),
                    ("revoked", "Release revoked"),
                ],
                default="draft",
                max_length=20,
                verbose_name="status",
            ),
        ),
        migrations.RemoveConstraint(
            model_name="declaration",
            name="declaration_status_valid",
        ),
        migrations.AddConstraint(
            model_name="declaration",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["draft", "submitted", "rejected", "released", "revoked"])),
                name="declaration_status_valid",
            ),
        ),
        migrations.AlterField(
            model_name="event",
            name="kind",
            field=models.CharField(
                choices=[
                    ("submitted", "Submitted"),
                    ("delivered", "Delivered to the agency"),
                    ("delivery_failed", "Delivery failed"),
                    ("received", "Received by the agency"),
                    ("accepted", "Accepted, under review"),
                    ("rejected", "Rejected"),
                    ("inspection_ordered", "Inspection ordered"),
                    ("inspection_result", "Inspection result"),
                    ("duties_assessed", "Duties assessed"),
                    ("payment", "Payment"),
                    ("held", "Held"),
                    ("released", "Released"),
                    ("release_revoked", "Release revoked"),
                ],
                max_length=20,
                verbose_name="event",
            ),
        ),
    ]
