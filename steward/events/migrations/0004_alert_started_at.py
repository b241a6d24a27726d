from django.db import migrations, models


class Migration(migrations.Migration):
    """An alert's occurrence start as its source tells it (decision 0121)."""

    dependencies = [
        ("events", "0003_windows_and_flapping"),
    ]

    operations = [
        migrations.AddField(
            model_name="alert",
            name="started_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
