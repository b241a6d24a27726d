"""Full-text search over incidents: SQLite FTS5 or PostgreSQL tsvector/GIN, one interface.

This module holds the reads; ``services/search_index.py`` creates and refreshes the index.

The index holds two documents per incident: ``public`` (number, title, description, public
replies) and ``internal`` (work notes). Requesters match only ``public``, agents both, so a
search never reveals a work note to someone who may not read it. The services write the
index in the record's own transaction, so what a request commits the next one finds.
"""

from __future__ import annotations

import re

from django.db import connection

TABLE = "incidents_search"
TERMS = "incidents_search_terms"  # SQLite: every word the index holds (decision 0016)
MAX_TERMS = 8
MAX_EXPANSION = 32  # a prefix with more words than this is matched as a prefix
_PLAIN = re.compile(r"[a-z0-9]+")  # words the term table spells as unicode61 does


def terms(query: str) -> list[str]:
    """Words of the query, lower-cased; everything else is dropped (no query syntax)."""
    return re.findall(r"\w+", query.lower())[:MAX_TERMS]


MAX_HITS = 2000  # a search orders at most this many matches; refine the words for more


def best_matches(
    query: str, *, include_internal: bool, limit: int | None = None
) -> list[tuple[float, int]]:
    """The best ``(rank, incident id)`` pairs, lower rank first, at most ``limit``.

    Words matching at most ``limit`` incidents are ranked by relevance (BM25 on SQLite,
    ``ts_rank`` on PostgreSQL). Words matching more are ordered newest first instead, with
    ``-id`` as the rank: relevance over a large share of the table means scoring every
    match on every search, which no first page at 1,000,000 rows can afford, and among
    thousands of near-equal matches the newest is the likelier one wanted (decision 0012).
    Either way the index answers in its own order and only ``limit`` ids come back; the
    caller narrows them to what the actor may see (an ``id IN`` on the primary key).
    """
    words = terms(query)
    if not words:
        return []
    limit = MAX_HITS if limit is None else limit
    if connection.vendor == "postgresql":
        return _postgres(words, include_internal=include_internal, limit=limit)
    return _sqlite(words, include_internal=include_internal, limit=limit)


def _expanded(cursor, word: str) -> tuple[str, bool]:  # noqa: ANN001 - a database cursor
    """``word`` as an FTS5 phrase matching every indexed word it begins, and whether that is
    the prefix query itself.

    FTS5 answers a prefix query (``"err"*``) by merging the postings of every word with
    that prefix before it returns a row: the newest match of a common word cost the whole
    merge (0.5 s for ``error`` at 1,000,000 incidents). The same words named one by one
    (``("error" OR "errors")``) are read lazily in rowid order. Plain ASCII words only: the
    term table's words come from Python's split of the text, which keeps what ``unicode61``
    keeps for ASCII words; other words, and prefixes of more than ``MAX_EXPANSION`` words,
    are matched as prefixes as before.
    """
    prefix = f'"{word}"*'
    if not _PLAIN.fullmatch(word):
        return prefix, True
    after = word[:-1] + chr(ord(word[-1]) + 1)  # the first text not beginning with ``word``
    cursor.execute(
        f"SELECT term FROM {TERMS} WHERE term >= %s AND term < %s LIMIT %s",  # noqa: S608
        [word, after, MAX_EXPANSION + 1],
    )
    found = [t for (t,) in cursor.fetchall()]
    if not found or len(found) > MAX_EXPANSION:
        return prefix, True
    return "(" + " OR ".join(f'"{t}"' for t in found) + ")", len(found) == 1


def _sqlite(words: list[str], *, include_internal: bool, limit: int) -> list[tuple[float, int]]:
    with connection.cursor() as cursor:
        expanded = [_expanded(cursor, w) for w in words]
        phrase = " AND ".join(p for p, _ in expanded)
        # BM25 scores a prefix as one phrase and an OR as a sum: where a word expanded into
        # several, the ranking keeps the prefix form, so the order is the one it always was
        ranked = " AND ".join(
            p if same else f'"{w}"*' for w, (p, same) in zip(words, expanded, strict=True)
        )
        if not include_internal:
            phrase, ranked = f"public : ({phrase})", f"public : ({ranked})"
        # FTS5 walks a term's postings in rowid order, so the newest matches cost
        # ``limit`` steps whatever their total; they also tell whether ranking is affordable
        cursor.execute(
            f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s "  # noqa: S608
            "ORDER BY rowid DESC LIMIT %s",
            [phrase, limit + 1],
        )
        newest = [int(i) for (i,) in cursor.fetchall()]
        if len(newest) > limit:
            return [(float(-i), i) for i in newest[:limit]]
        cursor.execute(
            f"SELECT bm25({TABLE}) AS r, rowid FROM {TABLE} "  # noqa: S608
            f"WHERE {TABLE} MATCH %s ORDER BY r, rowid LIMIT %s",
            [ranked, limit],
        )
        return [(float(r), int(i)) for r, i in cursor.fetchall()]


def _postgres(words: list[str], *, include_internal: bool, limit: int) -> list[tuple[float, int]]:
    tsquery = " & ".join(f"{w}:*" for w in words)
    where = "s.public @@ q" + (" OR s.internal @@ q" if include_internal else "")
    matches = f"FROM {TABLE} s, to_tsquery('simple', %s) q WHERE {where}"  # noqa: S608
    with connection.cursor() as cursor:
        # counting stops at limit + 1 rows; the CTE is planned for every match, so a rare
        # word is read through the GIN index (under the LIMIT the planner walked the
        # whole table hoping to stop early: 0.5 s for one match at 200,000 rows)
        cursor.execute(
            f"WITH m AS MATERIALIZED (SELECT 1 {matches}) "  # noqa: S608
            "SELECT count(*) FROM (SELECT 1 FROM m LIMIT %s) c",
            [tsquery, limit + 1],
        )
        if cursor.fetchone()[0] > limit:
            cursor.execute(
                f"SELECT s.incident_id {matches} ORDER BY s.incident_id DESC LIMIT %s",
                [tsquery, limit],
            )
            return [(float(-i), int(i)) for (i,) in cursor.fetchall()]
        rank = "ts_rank(s.public, q)" + (" + ts_rank(s.internal, q)" if include_internal else "")
        # ts_rank is float4: as float8 its value survives the cursor's round trip exactly
        cursor.execute(
            f"SELECT -(({rank})::float8) AS r, s.incident_id {matches} "
            "ORDER BY r, s.incident_id LIMIT %s",
            [tsquery, limit],
        )
        return [(float(r), int(i)) for r, i in cursor.fetchall()]
