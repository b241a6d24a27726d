"""Outgoing mail records its Message-ID in an indexed column, so that a reply's In-Reply-To
or References finds the record it answers (the email channel, steward/mailboxes)."""

from django.db import migrations, models


def backfill(apps, schema_editor):
    """Mail queued before this migration carries its Message-ID in ``headers`` (incidents'
    and problems' notifications set one)."""
    OutgoingMail = apps.get_model("core", "OutgoingMail")
    batch = []
    for mail in OutgoingMail.objects.only("id", "headers").iterator(chunk_size=2000):
        value = str((mail.headers or {}).get("Message-ID", "")).strip()[:250]
        if value:
            mail.message_id = value
            batch.append(mail)
        if len(batch) >= 2000:
            OutgoingMail.objects.bulk_update(batch, ["message_id"])
            batch = []
    if batch:
        OutgoingMail.objects.bulk_update(batch, ["message_id"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_delivery_retries_and_leases"),
    ]

    operations = [
        migrations.AddField(
            model_name="outgoingmail",
            name="message_id",
            field=models.CharField(blank=True, db_index=True, max_length=250),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
