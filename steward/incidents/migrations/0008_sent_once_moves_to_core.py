"""Incident mail's "sent once" rows move to core's OutgoingMail (decision 0009).

Copied rows are marked sent, so an event redelivered after the upgrade mails nobody twice.
"""

from django.db import migrations

from steward.core.sent_once_upgrade import copy_sent_once


def copy_to_core(apps, schema_editor):
    copy_sent_once(
        apps,
        "incidents.Notification",
        key=lambda row: f"event:{row.event_id}",
        kind=lambda row: row.kind,
        record_type="incidents.incident",
        record_id=lambda row: row.incident_id,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_outgoing_mail"),
        ("incidents", "0007_open_queue_column"),
    ]

    operations = [
        migrations.RunPython(copy_to_core, migrations.RunPython.noop),
        migrations.DeleteModel(name="Notification"),
    ]
