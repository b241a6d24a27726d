"""The text columns 0010 mapped to CMDB references go (their own migration: on PostgreSQL a
table cannot be altered in the transaction that left deferred foreign-key checks pending)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("incidents", "0010_map_cmdb_references")]

    operations = [
        migrations.RemoveField("incident", "configuration_item_text"),
        migrations.RemoveField("incident", "affected_service_text"),
    ]
