"""Full-text search over incidents: SQLite FTS5 or PostgreSQL tsvector/GIN, one interface.

The index holds two documents per incident: ``public`` (number, title, description, public
replies) and ``internal`` (work notes). Requesters match only ``public``, agents both, so a
search never reveals a work note to someone who may not read it. The index is a side
effect: the worker refreshes it from outbox events after commit.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import connection

from steward.core import outbox
from steward.core.models import Comment, OutboxMessage
from steward.incidents.models import Incident

TABLE = "incidents_search"
MAX_TERMS = 8


def create_index(conn) -> None:  # noqa: ANN001 - a database connection
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute(
                f"CREATE TABLE {TABLE} (incident_id bigint PRIMARY KEY, "
                "public tsvector NOT NULL, internal tsvector NOT NULL)"
            )
            cursor.execute(f"CREATE INDEX {TABLE}_public ON {TABLE} USING GIN (public)")
            cursor.execute(f"CREATE INDEX {TABLE}_internal ON {TABLE} USING GIN (internal)")
        else:
            cursor.execute(
                f"CREATE VIRTUAL TABLE {TABLE} USING fts5(public, internal, "
                "tokenize='unicode61 remove_diacritics 2')"
            )


def drop_index(conn) -> None:  # noqa: ANN001
    with conn.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def _documents(ids: Iterable[int]) -> list[tuple[int, str, str]]:
    incidents = list(
        Incident.objects.filter(id__in=list(ids)).values_list(
            "id", "number", "title", "description"
        )
    )
    ct = ContentType.objects.get_for_model(Incident)
    public: dict[str, list[str]] = defaultdict(list)
    internal: dict[str, list[str]] = defaultdict(list)
    rows = Comment.objects.filter(content_type=ct, object_id__in=[str(i[0]) for i in incidents])
    for object_id, body, is_internal in rows.values_list("object_id", "body", "internal"):
        (internal if is_internal else public)[object_id].append(body)
    return [
        (pk, " ".join([number, title, description, *public[str(pk)]]), " ".join(internal[str(pk)]))
        for pk, number, title, description in incidents
    ]


def reindex(ids: Iterable[int]) -> int:
    """Rebuild the index rows of these incidents (idempotent)."""
    docs = _documents(ids)
    if not docs:
        return 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.executemany(
                f"INSERT INTO {TABLE} (incident_id, public, internal) "  # noqa: S608
                "VALUES (%s, to_tsvector('simple', %s), to_tsvector('simple', %s)) "
                "ON CONFLICT (incident_id) DO UPDATE SET public = EXCLUDED.public, "
                "internal = EXCLUDED.internal",
                docs,
            )
        else:
            cursor.executemany(
                f"DELETE FROM {TABLE} WHERE rowid = %s",  # noqa: S608
                [(d[0],) for d in docs],
            )
            cursor.executemany(
                f"INSERT INTO {TABLE} (rowid, public, internal) "  # noqa: S608
                "VALUES (%s, %s, %s)",
                docs,
            )
    return len(docs)


def terms(query: str) -> list[str]:
    """Words of the query, lower-cased; everything else is dropped (no query syntax)."""
    return re.findall(r"\w+", query.lower())[:MAX_TERMS]


MAX_HITS = 2000  # a search ranks at most this many best matches; refine the words for more


def best_matches(
    query: str, *, include_internal: bool, limit: int = MAX_HITS
) -> list[tuple[float, int]]:
    """The best ``(rank, incident id)`` pairs, lower rank first, from one index query.

    Ranking happens once, inside the index, and only the top ``limit`` come back: the
    caller narrows them to what the actor may see (an ``id IN`` on the primary key).
    """
    words = terms(query)
    if not words:
        return []
    if connection.vendor == "postgresql":
        tsquery = " & ".join(f"{w}:*" for w in words)
        where = "s.public @@ q" + (" OR s.internal @@ q" if include_internal else "")
        rank = "ts_rank(s.public, q)" + (" + ts_rank(s.internal, q)" if include_internal else "")
        # ts_rank is float4: as float8 its value survives the cursor's round trip exactly
        sql = (
            f"SELECT -(({rank})::float8) AS r, s.incident_id "  # noqa: S608
            f"FROM {TABLE} s, to_tsquery('simple', %s) q WHERE {where} "
            "ORDER BY r, s.incident_id LIMIT %s"
        )
    else:
        phrase = " ".join(f'"{w}"*' for w in words)
        tsquery = phrase if include_internal else f"public : ({phrase})"
        sql = (
            f"SELECT bm25({TABLE}) AS r, rowid FROM {TABLE} "  # noqa: S608
            f"WHERE {TABLE} MATCH %s ORDER BY r, rowid LIMIT %s"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [tsquery, limit])
        return [(float(r), int(i)) for r, i in cursor.fetchall()]


@outbox.consumer("incident.created", "incident.updated", "incident.commented")
def on_incident_changed(event: OutboxMessage) -> None:
    reindex([int(event.object_id)])


@outbox.consumer("incidents.imported")
def on_incidents_imported(event: OutboxMessage) -> None:
    reindex(event.payload.get("ids", []))
