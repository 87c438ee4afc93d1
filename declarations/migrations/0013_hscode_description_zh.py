from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("declarations", "0012_goodsline_licence"),
    ]

    operations = [
        migrations.AddField(
            model_name="hscode",
            name="description_zh",
            field=models.TextField(blank=True, verbose_name="Chinese description"),
        ),
    ]
