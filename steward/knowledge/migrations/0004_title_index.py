"""The small title index: the number and title of every article, alone (``knowledge_title``).

The help centre's first answer and the suggestions look at titles only. On SQLite they
asked the whole FTS5 index for ``title : (...)``: its doclists hold every article that
mentions the word anywhere, checked column by column; the title table's hold the title
matches alone, with prefix indexes of three and four letters (what is typed). On PostgreSQL
the title ``tsvector`` moves out of ``knowledge_search`` (migration 0003) into a narrow table
of its own, so a title query's heap visits read ~40-byte rows, not the ~900-byte document
rows. Filled from the existing index; written by ``services/search_index.py``.
"""

from django.db import migrations

SEARCH = "knowledge_search"
TITLES = "knowledge_title"


def add(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE TABLE {TITLES} (article_id bigint PRIMARY KEY, title tsvector NOT NULL)"
            )
            cursor.execute(
                f"INSERT INTO {TITLES} (article_id, title) "  # noqa: S608
                f"SELECT article_id, ts_filter(document, '{{a}}') FROM {SEARCH}"
            )
            cursor.execute(f"CREATE INDEX {TITLES}_title ON {TITLES} USING GIN (title)")
            # a title query reads a few thousand narrow rows at most: starting a parallel
            # worker for it costs more than the scan (7 ms of 15 for a word with no match)
            cursor.execute(f"ALTER TABLE {TITLES} SET (parallel_workers = 0)")
            cursor.execute(f"ANALYZE {TITLES}")
            cursor.execute(f"DROP INDEX IF EXISTS {SEARCH}_title")
            cursor.execute(f"ALTER TABLE {SEARCH} DROP COLUMN IF EXISTS title")
        else:
            cursor.execute(
                f"CREATE VIRTUAL TABLE {TITLES} USING fts5(title, "
                "tokenize='unicode61 remove_diacritics 2', prefix='3 4')"
            )
            cursor.execute(
                f"INSERT INTO {TITLES} (rowid, title) SELECT rowid, title FROM {SEARCH}"  # noqa: S608
            )


def remove(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute(
                f"ALTER TABLE {SEARCH} ADD COLUMN title tsvector NOT NULL DEFAULT ''::tsvector"
            )
            cursor.execute(f"UPDATE {SEARCH} SET title = ts_filter(document, '{{a}}')")  # noqa: S608
            cursor.execute(f"CREATE INDEX {SEARCH}_title ON {SEARCH} USING GIN (title)")
        cursor.execute(f"DROP TABLE IF EXISTS {TITLES}")


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0003_search_title_index")]
    operations = [migrations.RunPython(add, remove)]
