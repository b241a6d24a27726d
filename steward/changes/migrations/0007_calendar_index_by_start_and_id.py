# The calendar's index ordered as the calendar reads it, (planned_start, id), still holding
# every column the month reads (decision 0046): a day's range gives its changes in the
# page's order, so the per-day read stops after the first six with no sort of the day.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("changes", "0006_calendar_covering_index"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="change",
            name="chg_calendar",
        ),
        migrations.AddIndex(
            model_name="change",
            index=models.Index(
                fields=[
                    "planned_start",
                    "id",
                    "planned_end",
                    "status",
                    "organisation",
                    "requester",
                    "team",
                    "risk_level",
                    "risk_score",
                    "number",
                    "title",
                ],
                name="chg_calendar",
            ),
        ),
    ]
