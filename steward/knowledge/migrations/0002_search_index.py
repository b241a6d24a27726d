"""The article full-text index: FTS5 on SQLite, a weighted tsvector with GIN on PostgreSQL."""

from django.db import migrations


def create(apps, schema_editor):
    from steward.knowledge.services import search_index

    search_index.create_index(schema_editor.connection)


def drop(apps, schema_editor):
    from steward.knowledge.services import search_index

    search_index.drop_index(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
