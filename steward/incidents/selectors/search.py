"""Full-text search over incidents: SQLite FTS5 or PostgreSQL tsvector/GIN, one interface.

This module holds the reads; ``services/search_index.py`` creates and refreshes the index.

The index holds two documents per incident: ``public`` (number, title, description, public
replies) and ``internal`` (work notes). Requesters match only ``public``, agents both, so a
search never reveals a work note to someone who may not read it. The services write the
index in the record's own transaction, so what a request commits the next one finds.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection

from steward.incidents.selectors import search_stats

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


@dataclass
class Found:
    """The index's answer to a query for a list: few matches come ``ranked`` (the best
    ``MAX_HITS``, lower rank first); more than ``MAX_HITS`` come ``newest`` first, read a
    batch at a time with ``older`` so the caller can narrow each batch to what the actor may
    see and stop at a page (decision 0030)."""

    newest: bool
    ranked: list[tuple[float, int]] = field(default_factory=list)
    read: Callable[[int | None, int], list[int]] | None = None
    probe: Callable[[list[int]], set[int]] | None = None

    def matching(self, ids: list[int]) -> set[int]:
        """Which of ``ids`` match (the other side of ``older``: the caller drives from a
        small filtered set, a batch at a time, and the index only says which match)."""
        if self.probe is None or not ids:
            return set()
        return self.probe(ids)

    def older(self, before: int | None, size: int) -> list[int]:
        """At most ``size`` matching ids below ``before`` (all when None), newest first."""
        if self.read is None:
            return []
        return self.read(before, size)


def find(query: str, *, include_internal: bool) -> Found:
    """``query`` asked of the index for a list: ranked, or newest first (``Found``). The
    same matches and, for at most ``MAX_HITS`` of them, the same order as ``best_matches``."""
    words = terms(query)
    if not words:
        return Found(newest=False)
    if connection.vendor == "postgresql":
        tsquery, where = _pg_query(words, include_internal)
        with connection.cursor() as cursor:
            if not _pg_common(cursor, words, tsquery, where, include_internal, MAX_HITS):
                return Found(False, _pg_ranked(cursor, tsquery, where, include_internal, MAX_HITS))

        def read_pg(before: int | None, size: int) -> list[int]:
            with connection.cursor() as cursor:
                return _pg_newest(cursor, tsquery, where, before, size)

        def probe_pg(ids: list[int]) -> set[int]:
            with connection.cursor() as cursor:
                return _pg_matching(cursor, tsquery, where, ids)

        return Found(True, read=read_pg, probe=probe_pg)
    with connection.cursor() as cursor:
        phrase, ranked = _sqlite_phrases(cursor, words, include_internal)
        if not _sqlite_more_than(cursor, phrase, MAX_HITS):
            return Found(False, _sqlite_ranked(cursor, ranked, MAX_HITS))

    def read_sqlite(before: int | None, size: int) -> list[int]:
        with connection.cursor() as cursor:
            return _sqlite_newest(cursor, phrase, before=before, size=size)

    def probe_sqlite(ids: list[int]) -> set[int]:
        with connection.cursor() as cursor:
            return _sqlite_matching(cursor, phrase, ids)

    return Found(True, read=read_sqlite, probe=probe_sqlite)


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


def _sqlite_phrases(cursor, words: list[str], include_internal: bool) -> tuple[str, str]:  # noqa: ANN001
    """The FTS5 expressions of ``words``: to match (expanded) and to rank (decision 0016)."""
    expanded = [_expanded(cursor, w) for w in words]
    phrase = " AND ".join(p for p, _ in expanded)
    # BM25 scores a prefix as one phrase and an OR as a sum: where a word expanded into
    # several, the ranking keeps the prefix form, so the order is the one it always was
    ranked = " AND ".join(
        p if same else f'"{w}"*' for w, (p, same) in zip(words, expanded, strict=True)
    )
    if not include_internal:
        phrase, ranked = f"public : ({phrase})", f"public : ({ranked})"
    return phrase, ranked


def _sqlite(words: list[str], *, include_internal: bool, limit: int) -> list[tuple[float, int]]:
    with connection.cursor() as cursor:
        phrase, ranked = _sqlite_phrases(cursor, words, include_internal)
        # FTS5 walks a term's postings in rowid order, so the newest matches cost
        # ``limit`` steps whatever their total; they also tell whether ranking is affordable
        newest = _sqlite_newest(cursor, phrase, before=None, size=limit + 1)
        if len(newest) > limit:
            return [(float(-i), i) for i in newest[:limit]]
        return _sqlite_ranked(cursor, ranked, limit)


def _sqlite_newest(cursor, phrase: str, *, before: int | None, size: int) -> list[int]:  # noqa: ANN001
    below = "" if before is None else "AND rowid < %s "
    cursor.execute(
        f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s {below}"  # noqa: S608
        "ORDER BY rowid DESC LIMIT %s",
        [phrase, *([] if before is None else [before]), size],
    )
    return [int(i) for (i,) in cursor.fetchall()]


def _sqlite_more_than(cursor, phrase: str, limit: int) -> bool:  # noqa: ANN001
    # counted inside SQLite: the newest ``limit + 1`` postings are stepped in C. Reading them
    # as ids into Python to count them (and keep them as the walk's first batch) cost a
    # common word 0.63 ms a request at 1,000,000 incidents; the count takes 0.13 ms and the
    # walk's first batch, read again, 0.04 ms (docs/benchmarks.md, 2026-12-07)
    cursor.execute(
        f"SELECT count(*) FROM (SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s "  # noqa: S608
        "ORDER BY rowid DESC LIMIT %s)",
        [phrase, limit + 1],
    )
    return cursor.fetchone()[0] > limit


PROBE_SPAN = 200  # ids of the table per asked id up to which a range read beats lookups


def _sqlite_matching(cursor, phrase: str, ids: list[int]) -> set[int]:  # noqa: ANN001
    # FTS5 takes ``rowid IN (…)`` as one full query per value (0.3-1 ms each for a common
    # word at 200,000 incidents: every segment's postings sought anew); the matches between
    # the batch's lowest and highest id, read lazily in rowid order, cost about 1 µs each.
    # So a batch whose ids lie close together reads its range and keeps the asked ids; a
    # scattered one is asked id by id
    low, high = min(ids), max(ids)
    if high - low <= PROBE_SPAN * len(ids):
        cursor.execute(
            f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s "  # noqa: S608
            "AND rowid >= %s AND rowid <= %s",
            [phrase, low, high],
        )
        asked = set(ids)
        return {int(i) for (i,) in cursor.fetchall() if i in asked}
    marks = ", ".join(["%s"] * len(ids))
    cursor.execute(
        f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s AND rowid IN ({marks})",  # noqa: S608
        [phrase, *ids],
    )
    return {int(i) for (i,) in cursor.fetchall()}


def _sqlite_ranked(cursor, ranked: str, limit: int) -> list[tuple[float, int]]:  # noqa: ANN001
    cursor.execute(
        f"SELECT bm25({TABLE}) AS r, rowid FROM {TABLE} "  # noqa: S608
        f"WHERE {TABLE} MATCH %s ORDER BY r, rowid LIMIT %s",
        [ranked, limit],
    )
    return [(float(r), int(i)) for r, i in cursor.fetchall()]


def _postgres(words: list[str], *, include_internal: bool, limit: int) -> list[tuple[float, int]]:
    tsquery, where = _pg_query(words, include_internal)
    with connection.cursor() as cursor:
        if _pg_common(cursor, words, tsquery, where, include_internal, limit):
            return [(float(-i), i) for i in _pg_newest(cursor, tsquery, where, None, limit)]
        return _pg_ranked(cursor, tsquery, where, include_internal, limit)


def _pg_query(words: list[str], include_internal: bool) -> tuple[str, str]:
    where = "(s.public @@ q" + (" OR s.internal @@ q)" if include_internal else ")")
    return " & ".join(f"{w}:*" for w in words), where


# several words: their count as whole words first (decision 0062); False: the prefixes'
# count alone (kept to compare the two in tests)
WHOLE_WORDS_FIRST = True


def _pg_common(cursor, words, tsquery, where, internal: bool, limit: int) -> bool:  # noqa: ANN001
    """More than ``limit`` matches: surely so by the statistics (one common word, decision
    0053), else by the capped count.

    Several words are counted as whole words first (``vpn & berlin``): every row holding
    the whole words also holds them as prefixes, so more than ``limit`` of those is proof
    enough, and GIN answers that count by stepping through the words' postings together,
    where a prefix (``vpn:*``) first gathers every posting of every word it begins into a
    bitmap (at 1,000,000 incidents ``vpn:* & berlin:*``: 72-77 ms in the index scan, ``vpn
    & berlin``: 10 ms; decision 0062). Fewer than that: the prefixes are counted as before.
    """
    if search_stats.surely_more_than(cursor, TABLE, words, internal=internal, limit=limit):
        return True
    whole = " & ".join(words)
    if WHOLE_WORDS_FIRST and len(words) > 1 and _pg_more_than(cursor, whole, where, limit):
        return True
    return _pg_more_than(cursor, tsquery, where, limit)


def _pg_more_than(cursor, tsquery: str, where: str, limit: int) -> bool:  # noqa: ANN001
    # counting stops at limit + 1 rows; the CTE is planned for every match, so a rare
    # word is read through the GIN index (under the LIMIT the planner walked the
    # whole table hoping to stop early: 0.5 s for one match at 200,000 rows)
    cursor.execute(
        f"WITH m AS MATERIALIZED (SELECT 1 FROM {TABLE} s, to_tsquery('simple', %s) q "  # noqa: S608
        f"WHERE {where}) SELECT count(*) FROM (SELECT 1 FROM m LIMIT %s) c",
        [tsquery, limit + 1],
    )
    return cursor.fetchone()[0] > limit


def _pg_newest(cursor, tsquery: str, where: str, before: int | None, size: int) -> list[int]:  # noqa: ANN001
    # a common word: the primary key read backwards, each row checked, stops at ``size``
    below = "" if before is None else " AND s.incident_id < %s"
    cursor.execute(
        f"SELECT s.incident_id FROM {TABLE} s, to_tsquery('simple', %s) q "  # noqa: S608
        f"WHERE {where}{below} ORDER BY s.incident_id DESC LIMIT %s",
        [tsquery, *([] if before is None else [before]), size],
    )
    return [int(i) for (i,) in cursor.fetchall()]


def _pg_matching(cursor, tsquery: str, where: str, ids: list[int]) -> set[int]:  # noqa: ANN001
    # the ids through the primary key, each row's tsvector checked: the batch's cost
    cursor.execute(
        f"SELECT s.incident_id FROM {TABLE} s, to_tsquery('simple', %s) q "  # noqa: S608
        f"WHERE s.incident_id = ANY(%s) AND {where}",
        [tsquery, list(ids)],
    )
    return {int(i) for (i,) in cursor.fetchall()}


def _pg_ranked(
    cursor, tsquery: str, where: str, internal: bool, limit: int
) -> list[tuple[float, int]]:  # noqa: ANN001, E501
    rank = "ts_rank(s.public, q)" + (" + ts_rank(s.internal, q)" if internal else "")
    # ts_rank is float4: as float8 its value survives the cursor's round trip exactly
    cursor.execute(
        f"SELECT -(({rank})::float8) AS r, s.incident_id "  # noqa: S608
        f"FROM {TABLE} s, to_tsquery('simple', %s) q WHERE {where} "
        "ORDER BY r, s.incident_id LIMIT %s",
        [tsquery, limit],
    )
    return [(float(r), int(i)) for r, i in cursor.fetchall()]
