"""The full-text index behind incident search: created by migration 0004 and written in the
same transaction as the record (see ``selectors/search.py`` for the reads).

A create writes the new incident's row from the values in hand (``index_new``; the bulk
import does the same for a whole batch); a change of title or description and a new
comment rebuild the incident's row (``reindex``). So a record is searchable the moment its
transaction commits, with no worker running. ``reindex`` is also the repair tool: the
``incidents_reindex`` command rebuilds any or every row (idempotent).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.contrib.contenttypes.models import ContentType
from django.db import connection

from steward.core.models import Comment
from steward.incidents.models import Incident
from steward.incidents.selectors.search import TABLE, TERMS

Document = tuple[int, str, str]  # (incident id, public text, internal text)


def create_index(conn) -> None:  # noqa: ANN001 - a database connection
    with conn.cursor() as cursor:
        create_terms(cursor, conn.vendor)
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
    # its merges are the worker's, not the writes' (decision 0106; migration 0021 for
    # indexes made before)
    from steward.incidents.services import search_merge

    search_merge.configure(conn)


def create_terms(cursor, vendor: str) -> None:  # noqa: ANN001 - a database cursor
    """Every distinct word the index holds, so a prefix is expanded into its words before
    the index is asked (decision 0016); never shrinks: a word no row holds any more expands
    into a term that matches nothing."""
    if vendor == "postgresql":
        return  # GIN's prefix match reads entries in term order already (decision 0016)
    cursor.execute(f"CREATE TABLE IF NOT EXISTS {TERMS} (term TEXT PRIMARY KEY) WITHOUT ROWID")


def fill_terms(conn) -> None:  # noqa: ANN001 - a database connection
    """The term table from the index as it is (the migration that adds the table)."""
    if conn.vendor == "postgresql":
        return
    with conn.cursor() as cursor:
        cursor.execute(f"CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, {TABLE}, 'row')")
        cursor.execute(f"INSERT OR IGNORE INTO {TERMS} (term) SELECT term FROM temp.v")  # noqa: S608
        cursor.execute("DROP TABLE temp.v")


def drop_index(conn) -> None:  # noqa: ANN001
    with conn.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
        cursor.execute(f"DROP TABLE IF EXISTS {TERMS}")


_TOKEN = re.compile(r"[^\W_]+")


def words_of(text: str) -> set[str]:
    """The index's words of ``text``, a superset of what FTS5's ``unicode61`` tokenizer
    keeps (letters and digits, lower-cased, diacritics removed): each word as written and
    without its accents. An extra word costs a term that matches nothing; a
    missing one would hide matches from a prefix search, so both spellings are kept."""
    lowered = text.lower()
    found = set(_TOKEN.findall(lowered))
    if not lowered.isascii():
        plain = "".join(
            c for c in unicodedata.normalize("NFKD", lowered) if not unicodedata.combining(c)
        )
        found.update(_TOKEN.findall(plain))
    return found


def _write_terms(cursor, docs: list[Document]) -> None:  # noqa: ANN001 - a database cursor
    words: set[str] = set()
    for _, public, internal in docs:
        words |= words_of(public)
        words |= words_of(internal)
    if words:
        cursor.executemany(
            f"INSERT OR IGNORE INTO {TERMS} (term) VALUES (%s)",  # noqa: S608
            [(w,) for w in words],
        )


def _public_text(number: str, title: str, description: str, replies: Sequence[str]) -> str:
    return " ".join([number, title, description, *replies])


def _documents(ids: Iterable[int]) -> list[Document]:
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
        (pk, _public_text(number, title, description, public[str(pk)]), " ".join(internal[str(pk)]))
        for pk, number, title, description in incidents
    ]


_UPSERT = (
    f"INSERT INTO {TABLE} (incident_id, public, internal) "  # noqa: S608
    "VALUES (%s, to_tsvector('simple', %s), to_tsvector('simple', %s)) "
    "ON CONFLICT (incident_id) DO UPDATE SET public = EXCLUDED.public, "
    "internal = EXCLUDED.internal"
)


# PostgreSQL: many new rows in one statement, their values as three arrays (one parameter
# each), where ``executemany`` sent one INSERT per row (decision 0080)
_UPSERT_ARRAYS = (
    f"INSERT INTO {TABLE} (incident_id, public, internal) "  # noqa: S608
    "SELECT d.i, to_tsvector('simple', d.p), to_tsvector('simple', d.q) "
    "FROM unnest(%s::bigint[], %s::text[], %s::text[]) AS d(i, p, q) "
    "ON CONFLICT (incident_id) DO UPDATE SET public = EXCLUDED.public, "
    "internal = EXCLUDED.internal"
)
# False: ``index_new`` sends its rows as ``reindex`` does (``executemany`` of ``_UPSERT``, as
# before decision 0080); tests compare the rows the two write
ONE_STATEMENT = True


def _write(docs: list[Document], *, terms: bool = True, distinct: bool = False) -> None:
    """Insert or replace the index rows of ``docs`` in one statement per batch. Always an
    upsert, even for a new incident: a row left over for a reused id (a flushed or restored
    database keeps the index table) must not make the create fail. ``terms=False`` leaves
    the term table alone: a migration older than the table's (0014 fills it then)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and distinct and len(docs) > 1:
            # (an id twice would be refused here: "cannot affect row a second time")
            ids, public, internal = map(list, zip(*docs, strict=True))
            cursor.execute(_UPSERT_ARRAYS, [ids, public, internal])
        elif connection.vendor == "postgresql":
            # one row (a create's) with execute: psycopg's executemany syncs a pipeline the
            # create may have opened (core.pipeline), a round trip of its own
            run = cursor.execute if len(docs) == 1 else cursor.executemany
            run(_UPSERT, docs[0] if len(docs) == 1 else docs)
        else:
            if terms:
                _write_terms(cursor, docs)
            # FTS5's REPLACE takes the old row's terms out of the index with the row
            cursor.executemany(
                f"INSERT OR REPLACE INTO {TABLE} (rowid, public, internal) "  # noqa: S608
                "VALUES (%s, %s, %s)",
                docs,
            )


def index_new(incidents: Iterable[Incident]) -> int:
    """Index rows for incidents created in this transaction, from their values in memory
    (a new incident has no comments yet): no read, one statement per batch."""
    docs = [(i.pk, _public_text(i.number, i.title, i.description, ()), "") for i in incidents]
    if docs:
        _write(docs, distinct=ONE_STATEMENT)
    return len(docs)


def reindex(ids: Iterable[int], *, terms: bool = True) -> int:
    """Rebuild the index rows of these incidents from the database (idempotent)."""
    docs = _documents(ids)
    if docs:
        _write(docs, terms=terms)
    return len(docs)
