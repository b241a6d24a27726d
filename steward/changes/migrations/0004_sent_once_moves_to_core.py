"""Approval mail's "sent once" rows move to core's OutgoingMail (decision 0009).

The old rows did not name the change; the copy keeps the (event, address) key, which is all
the once-check needs, and leaves the record blank.
"""

from django.db import migrations

from steward.core.sent_once_upgrade import copy_sent_once


def copy_to_core(apps, schema_editor):
    copy_sent_once(
        apps,
        "changes.ApprovalMail",
        key=lambda row: f"event:{row.event_id}",
        kind=lambda row: "approval_request",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_outgoing_mail"),
        ("changes", "0003_change_problems"),
    ]

    operations = [
        migrations.RunPython(copy_to_core, migrations.RunPython.noop),
        migrations.DeleteModel(name="ApprovalMail"),
    ]
