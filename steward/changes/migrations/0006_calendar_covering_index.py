# The calendar's index holds every column the month reads (decision 0023): on SQLite the
# month's rows come from the index alone, with no table lookup per change.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("changes", "0005_affected_cis_label"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="change",
            name="chg_window",
        ),
        migrations.AddIndex(
            model_name="change",
            index=models.Index(
                fields=[
                    "planned_start",
                    "planned_end",
                    "status",
                    "organisation",
                    "requester",
                    "team",
                    "risk_level",
                    "risk_score",
                    "number",
                    "title",
                    "id",
                ],
                name="chg_calendar",
            ),
        ),
    ]
