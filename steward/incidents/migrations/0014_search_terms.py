"""The search index's term table (decision 0016): prefixes expand into whole words."""

from django.db import migrations


def create(apps, schema_editor):
    from steward.incidents.services import search_index

    with schema_editor.connection.cursor() as cursor:
        search_index.create_terms(cursor, schema_editor.connection.vendor)
    search_index.fill_terms(schema_editor.connection)


def drop(apps, schema_editor):
    from steward.incidents.selectors.search import TERMS

    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TERMS}")


class Migration(migrations.Migration):
    dependencies = [("incidents", "0013_watchers")]
    operations = [migrations.RunPython(create, drop)]
