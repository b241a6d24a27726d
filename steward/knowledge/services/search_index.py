"""The article search index (read by ``selectors/search.py``): created by migration 0002,
written by the article services in their own transaction, so what is saved is found at
once, without the worker."""

from __future__ import annotations

from django.db import connection

from steward.knowledge.models import Article
from steward.knowledge.selectors.search import TABLE


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
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # the title also alone, with its own GIN index (migration 0003): title-only
            # queries read it instead of rechecking every document mentioning the word
            cursor.executemany(
                f"INSERT INTO {TABLE} (article_id, document, title) "  # noqa: S608
                "SELECT %s, setweight(t, 'A') || setweight(to_tsvector('simple', %s), 'D'), "
                "setweight(t, 'A') FROM to_tsvector('simple', %s) t "
                "ON CONFLICT (article_id) DO UPDATE "
                "SET document = EXCLUDED.document, title = EXCLUDED.title",
                [(pk, body, title) for pk, title, body in docs],
            )
        else:
            cursor.executemany(
                f"DELETE FROM {TABLE} WHERE rowid = %s",  # noqa: S608
                [(d[0],) for d in docs],
            )
            cursor.executemany(
                f"INSERT INTO {TABLE} (rowid, title, body) VALUES (%s, %s, %s)",  # noqa: S608
                docs,
            )
    return len(docs)
