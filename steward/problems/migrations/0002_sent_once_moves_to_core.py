"""Problem mail's "sent once" rows move to core's OutgoingMail (decision 0009).

The key is the problem (callers are told once per problem), as ``notifications.once_key``.
"""

from django.db import migrations

from steward.core.sent_once_upgrade import copy_sent_once


def copy_to_core(apps, schema_editor):
    copy_sent_once(
        apps,
        "problems.ProblemNotification",
        key=lambda row: f"problem:{row.problem_id}",
        kind=lambda row: row.kind,
        record_type="problems.problem",
        record_id=lambda row: row.problem_id,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_outgoing_mail"),
        ("problems", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(copy_to_core, migrations.RunPython.noop),
        migrations.DeleteModel(name="ProblemNotification"),
    ]
