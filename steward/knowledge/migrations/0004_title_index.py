"""The small title index: the number and title of every article, alone (``knowledge_title``).

The help centre's first answer and the suggestions look at titles only. On SQLite they
asked the whole FTS5 index for ``title : (...)``: its doclists hold every article that
mentions the word anywhere, checked column by column; the title table's hold the title
matches alone, with prefix indexes of three and four letters (what is typed). On PostgreSQL
the title ``tsvector`` moves out of ``knowledge_search`` (migration 0003) into a narrow table
of its own, so a title query's heap visits read ~40-byte rows, not the ~900-byte document
rows. Each title row also carries the article's status, audience and organisation: the
readability check of a query's candidates reads them there, not from the wide article
rows. Filled from the existing index; written by ``services/search_index.py`` in the
article's transaction (every change of an article reindexes it).
"""

from django.db import migrations

SEARCH = "knowledge_search"
TITLES = "knowledge_title"


def add(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE TABLE {TITLES} (article_id bigint PRIMARY KEY, title tsvector NOT NULL, "
                "status varchar(12) NOT NULL, audience varchar(12) NOT NULL, "
                "organisation_id bigint NULL)"
            )
            cursor.execute(
                f"INSERT INTO {TITLES} (article_id, title, status, audience, organisation_id) "  # noqa: S608
                f"SELECT s.article_id, ts_filter(s.document, '{{a}}'), a.status, a.audience, "
                f"a.organisation_id FROM {SEARCH} s JOIN knowledge_article a ON a.id = s.article_id"
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
                f"CREATE VIRTUAL TABLE {TITLES} USING fts5(title, status UNINDEXED, "
                "audience UNINDEXED, organisation_id UNINDEXED, "
                "tokenize='unicode61 remove_diacritics 2', prefix='3 4')"
            )
            cursor.execute(
                f"INSERT INTO {TITLES} (rowid, title, status, audience, organisation_id) "  # noqa: S608
                f"SELECT s.rowid, s.title, a.status, a.audience, a.organisation_id FROM {SEARCH} s "
                "JOIN knowledge_article a ON a.id = s.rowid"
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
