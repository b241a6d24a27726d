"""The article search indexes (read by ``selectors/search.py``): created by migrations 0002
(the document) and 0004 (the titles alone), written by the article services in their own
transaction, so what is saved is found at once, without the worker."""

from __future__ import annotations

from django.db import connection

from steward.knowledge.models import Article
from steward.knowledge.selectors.search import TABLE, TITLES


def create_index(conn) -> None:  # noqa: ANN001 - a database connection
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute(
                f"CREATE TABLE {TABLE} (article_id bigint PRIMARY KEY, document tsvector NOT NULL)"
            )
            cursor.execute(f"CREATE INDEX {TABLE}_document ON {TABLE} USING GIN (document)")
        else:
            cursor.execute(
                f"CREATE VIRTUAL TABLE {TABLE} USING fts5(title, body, "
                "tokenize='unicode61 remove_diacritics 2')"
            )


def drop_index(conn) -> None:  # noqa: ANN001
    with conn.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def reindex(articles: list[Article]) -> int:
    """Write the index rows of these articles (idempotent): the number and title as the
    weighty part, the body as the rest."""
    docs = [(a.pk, f"{a.number} {a.title}", a.body) for a in articles]
    if not docs:
        return 0
    # the title index carries what the readability rule reads (selectors/search.py)
    titles = [
        (a.pk, f"{a.number} {a.title}", a.status, a.audience, a.organisation_id) for a in articles
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.executemany(
                f"INSERT INTO {TABLE} (article_id, document) "  # noqa: S608
                "SELECT %s, setweight(to_tsvector('simple', %s), 'A') "
                "|| setweight(to_tsvector('simple', %s), 'D') "
                "ON CONFLICT (article_id) DO UPDATE SET document = EXCLUDED.document",
                docs,
            )
            # the title alone, in its narrow table with its own GIN index (migration 0004)
            cursor.executemany(
                f"INSERT INTO {TITLES} (article_id, title, status, audience, organisation_id) "  # noqa: S608
                "SELECT %s, to_tsvector('simple', %s), %s, %s, %s "
                "ON CONFLICT (article_id) DO UPDATE SET title = EXCLUDED.title, "
                "status = EXCLUDED.status, audience = EXCLUDED.audience, "
                "organisation_id = EXCLUDED.organisation_id",
                titles,
            )
        else:
            for table, rows in ((TABLE, docs), (TITLES, titles)):
                cursor.executemany(
                    f"DELETE FROM {table} WHERE rowid = %s",  # noqa: S608
                    [(d[0],) for d in rows],
                )
                columns = (
                    "rowid, title, body"
                    if table == TABLE
                    else "rowid, title, status, audience, organisation_id"
                )
                marks = ", ".join(["%s"] * len(rows[0]))
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608
                    rows,
                )
    return len(docs)
