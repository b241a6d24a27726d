"""PostgreSQL: the article index's title as its own tsvector with its own GIN index.

The title-only query (the help centre's first answer, the suggestions) asked the whole
document for weight-``A`` lexemes: GIN does not store weights, so every article mentioning
the word anywhere was fetched and rechecked. The title column is the ``A`` part of the
document (``ts_filter``), written with it by ``services/search_index.py``. SQLite's FTS5
index already has a title column: nothing to do there.
"""

from django.db import migrations

TABLE = "knowledge_search"


def add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS title tsvector "
            "NOT NULL DEFAULT ''::tsvector"
        )
        cursor.execute(f"UPDATE {TABLE} SET title = ts_filter(document, '{{a}}')")  # noqa: S608
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {TABLE}_title ON {TABLE} USING GIN (title)"
        )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {TABLE}_title")
        cursor.execute(f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS title")


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0002_search_index")]
    operations = [migrations.RunPython(add, remove)]
