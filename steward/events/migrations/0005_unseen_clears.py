from django.db import migrations, models


class Migration(migrations.Migration):
    """Clears of occurrences Steward never raised, remembered a day (decision 0124)."""

    dependencies = [
        ("events", "0004_alert_started_at"),
    ]

    operations = [
        migrations.CreateModel(
            name="UnseenClear",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("fingerprint", models.CharField(max_length=64)),
                ("started_at", models.DateTimeField(blank=True, null=True)),
                ("ended_at", models.DateTimeField(blank=True, null=True)),
                ("received_at", models.DateTimeField()),
            ],
            options={
                "indexes": [models.Index(fields=["received_at"], name="event_unseen_clear_age")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("fingerprint", "started_at"), name="event_unseen_clear_once"
                    )
                ],
            },
        ),
    ]
