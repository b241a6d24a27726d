"""The full-text index: an FTS5 table on SQLite, tsvector columns with GIN on PostgreSQL."""

from django.db import migrations


def create(apps, schema_editor):
    from steward.incidents.services import search_index

    search_index.create_index(schema_editor.connection)


def drop(apps, schema_editor):
    from steward.incidents.services import search_index

    search_index.drop_index(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("incidents", "0003_notifications")]
    operations = [migrations.RunPython(create, drop)]
