"""The full-text index behind incident search: created by migration 0004, kept fresh by
the worker from outbox events after commit (see ``selectors/search.py`` for the reads)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import connection

from steward.core import outbox
from steward.core.models import Comment, OutboxMessage
from steward.incidents.models import Incident
from steward.incidents.selectors.search import TABLE


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


@outbox.consumer("incident.created", "incident.updated", "incident.commented")
def on_incident_changed(event: OutboxMessage) -> None:
    reindex([int(event.object_id)])


@outbox.consumer("incidents.imported")
def on_incidents_imported(event: OutboxMessage) -> None:
    reindex(event.payload.get("ids", []))
