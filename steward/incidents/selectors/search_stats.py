"""PostgreSQL: whether a word is surely common, from the planner's statistics of the index
table (``pg_stats.most_common_elems``), so a common word skips the capped count (decision
0053).

The count of decision 0014 builds the GIN bitmap of every match before it stops at
``MAX_HITS`` + 1: 25-30 ms for ``vpn`` (105,000 matches) at 1,000,000 incidents, the
largest part of that word's first page. ``ANALYZE`` (autovacuum) keeps, for each tsvector
column, the lexemes found in more than a small share of its sample with their share of the
rows; a word whose share puts it at ``SURELY_COMMON`` times the cut-off or more lists newest
first without the count. Everything else (a word the statistics do not name, several words:
their matches together may be few whatever each word's share) is counted as before. A stale
statistic can only send a word that has become rare to the newest-first order: the same
matches, the order of a common word (docs/incidents.md).
"""

from __future__ import annotations

import time

from django.db import connection

SURELY_COMMON = 4  # times the cut-off (``MAX_HITS``): the statistics' sample error is ~10%
STATS_TTL = 300.0  # seconds a process keeps the statistics (they change at ANALYZE only)
_STATS = (
    "SELECT s.attname, c.reltuples, s.most_common_elems::text::text[], s.most_common_elem_freqs"
    " FROM pg_stats s JOIN pg_namespace n ON n.nspname = s.schemaname"
    " JOIN pg_class c ON c.relname = s.tablename AND c.relnamespace = n.oid"
    " WHERE s.schemaname = current_schema() AND s.tablename = %s"
    " AND s.attname IN ('public', 'internal')"
)
_cache: dict[str, tuple[float, float, dict[str, dict[str, float]]]] = {}


def forget() -> None:
    """Read the statistics anew at the next search (tests, after an ``ANALYZE``)."""
    _cache.clear()


def _stats(cursor, table: str) -> tuple[float, dict[str, dict[str, float]]]:  # noqa: ANN001
    key = f"{connection.settings_dict['NAME']}.{table}"
    now = time.monotonic()
    kept = _cache.get(key)
    if kept is not None and now - kept[0] < STATS_TTL:
        return kept[1], kept[2]
    cursor.execute(_STATS, [table])
    rows, columns = 0.0, {}
    for column, tuples, elems, freqs in cursor.fetchall():
        rows = max(rows, float(tuples or 0))  # -1 before the first ANALYZE
        # the frequencies end with three figures of their own (min, max, nulls): zip stops
        columns[column] = dict(zip(elems or [], freqs or [], strict=False))
    _cache[key] = (now, rows, columns)
    return rows, columns


def surely_more_than(cursor, table: str, words: list[str], *, internal: bool, limit: int) -> bool:  # noqa: ANN001, E501
    """Whether the one word of ``words`` (a prefix: ``vpn`` matches ``vpns``) matches at least
    ``SURELY_COMMON`` × ``limit`` rows by the statistics: its most common lexeme's share of
    the rows (a lower bound of the prefix's share) in ``public``, or in either document
    for agents (``internal``)."""
    if len(words) != 1:
        return False
    rows, columns = _stats(cursor, table)
    word = words[0]
    names = ("public", "internal") if internal else ("public",)
    share = max(
        (f for name in names for e, f in columns.get(name, {}).items() if e.startswith(word)),
        default=0.0,
    )
    return share * rows >= SURELY_COMMON * limit
