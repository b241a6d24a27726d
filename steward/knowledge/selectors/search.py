"""Full-text search over articles: SQLite FTS5 or PostgreSQL tsvector/GIN, one interface.

Two indexes, one row per article each (whatever its state): ``knowledge_search`` holds the
number and title and the body (the search page, and the help centre's second pass);
``knowledge_title`` the number and title alone with a copy of the article's status,
audience and organisation (migration 0004), a small index the help centre's first answer
and the suggestions read. A title match outranks a mention in the
body: FTS5's bm25 weighs the title column ten times the body; PostgreSQL weighs the title
'A' and the body 'D'. ``services/search_index.py`` writes the rows in the article's own
transaction, so a published article is found at once, without a worker.

``best_rows`` answers the help centre and the suggestions with one statement: the index's
newest ``CANDIDATES`` matches the actor may read (the article selector's own filter compiled
to SQL on the title index's copies), ranked, the best ``limit`` joined to the article for
their id, number and title — no model instances, no second query (decision 0017).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection
from django.db.models import QuerySet

TABLE = "knowledge_search"
TITLES = "knowledge_title"
ARTICLES = "knowledge_article"
MAX_TERMS = 8
MAX_HITS = 2000  # a search ranks at most this many best matches
CANDIDATES = 1000  # the ranked cut-off: matches ranked per query, the newest articles first
TITLE_WEIGHT = 10.0  # FTS5: bm25 column weight of the title against the body's 1.0


# Words a requester's sentence carries that say nothing about the article ("printer not
# working"): dropped from the query unless it has nothing else (docs/knowledge.md).
_STOP = (
    "a about am an and any are as at be been but by can cannot cant could do does doesn "
    "doesnt don dont for from get gets getting has have having help how i im in into is "
    "isn isnt it its me my no not of on or our please should so still that the their "
    "there this to too up us was wasn we what when where which who why will with won wont "
    "work worked working works would you your"
)
STOP_WORDS = frozenset(_STOP.split())
SPLIT_MIN, SPLIT_MAX = 4, 10  # a joined word this long is also asked as two hyphened parts


def terms(query: str) -> list[str]:
    """Words of the query, lower-cased; everything else is dropped (no query syntax)."""
    return re.findall(r"\w+", query.lower())[:MAX_TERMS]


def units(query: str) -> list[tuple[str, ...]]:
    """The query's words, a hyphened word as its parts (``wi-fi``: ``("wi", "fi")``), without
    the stop-words unless nothing else is left; at most ``MAX_TERMS``."""
    found = [tuple(re.findall(r"[^\W_]+", w)) for w in re.findall(r"\w+(?:-\w+)*", query.lower())]
    found = [u for u in found if u]
    kept = [u for u in found if len(u) > 1 or u[0] not in STOP_WORDS]
    return (kept or found)[:MAX_TERMS]


def only_stop_words(words: list[tuple[str, ...]]) -> bool:
    """Whether ``units`` kept the stop-words because the query had nothing else."""
    return all(len(u) == 1 and u[0] in STOP_WORDS for u in words)


def _forms(unit: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The ways the index may hold one query word, each a sequence of adjacent words (the
    last typed as a prefix): the word itself; a hyphened word joined (``wifi``); a joined
    plain word split in two (``wi fi``: the index splits ``Wi-Fi`` at its hyphen)."""
    if len(unit) > 1:
        return [unit, ("".join(unit),)]
    (word,) = unit
    forms = [unit]
    if word.isascii() and word.isalpha() and SPLIT_MIN <= len(word) <= SPLIT_MAX:
        forms += [(word[:i], word[i:]) for i in range(1, len(word) - 1)]
    return forms


def _tsquery(
    words: list[tuple[str, ...]], *, postgres: bool, any_word: bool = False, rank: bool = False
) -> str:
    """The index query: every word (``any_word``: any of them), each in any of its forms.
    ``rank`` (PostgreSQL): each word as typed alone, for ``ts_rank``, which scores every
    word of a phrase on its own (a split's "of" would lift any text with an "of" in it)."""
    if postgres:
        alts = [
            "("
            + " | ".join(
                " <-> ".join([*f[:-1], f"{f[-1]}:*"]) for f in _forms(u)[: 1 if rank else None]
            )
            + ")"
            for u in words
        ]
        return (" | " if any_word else " & ").join(alts)
    alts = [
        "("
        + " OR ".join(" + ".join([*(f'"{w}"' for w in f[:-1]), f'"{f[-1]}"*']) for f in _forms(u))
        + ")"
        for u in words
    ]
    return (" OR " if any_word else " AND ").join(alts)


def best_matches(
    query: str, *, limit: int = MAX_HITS, title_only: bool = False
) -> list[tuple[float, int]]:
    """The best ``(rank, article id)`` pairs, lower rank first, from one index query; every
    word must match (as a prefix, so "print" finds "printer" while typing). ``title_only``
    looks at titles (and numbers) alone: far fewer rows to rank for a common word.

    A ranked cut-off: the index ranks at most ``CANDIDATES`` matches, the newest articles
    first, so a word found in tens of thousands of articles costs a bounded ranking instead
    of one per match (below the cut-off every match is ranked, as before)."""
    words = units(query)
    if not words:
        return []
    if connection.vendor == "postgresql":
        # the title-only query reads the title's own tsvector and GIN index (migration 0003):
        # a weight-restricted query on the whole document would fetch and recheck every
        # article mentioning the word anywhere
        column = "title" if title_only else "document"
        tsquery = _tsquery(words, postgres=True)
        ranked = _tsquery(words, postgres=True, rank=True)
        # weights {D, C, B, A}: a title hit counts ten times one in the body
        sql = (
            "SELECT -(ts_rank('{0.1, 0.2, 0.4, 1.0}', c.document, q)::float8) AS r, "  # noqa: S608
            f"c.article_id FROM (SELECT s.article_id, s.document FROM {TABLE} s "
            f"WHERE s.{column} @@ to_tsquery('simple', %s) "
            # "+ 0": the newest matches by sorting the GIN's matches, never by walking the
            # primary key backwards through every article until enough match
            "ORDER BY s.article_id + 0 DESC LIMIT %s) c, to_tsquery('simple', %s) q "
            "ORDER BY r, c.article_id LIMIT %s"
        )
        params = [tsquery, CANDIDATES, ranked, limit]
    else:
        tsquery = _tsquery(words, postgres=False)
        if title_only:
            tsquery = f"title : ({tsquery})"
        # FTS5 yields matches by rowid, newest first here, and stops at the inner LIMIT
        sql = (
            f"SELECT r, rowid FROM (SELECT bm25({TABLE}, {TITLE_WEIGHT}, 1.0) AS r, rowid "  # noqa: S608
            f"FROM {TABLE} WHERE {TABLE} MATCH %s ORDER BY rowid DESC LIMIT %s) "
            "ORDER BY r, rowid LIMIT %s"
        )
        params = [tsquery, CANDIDATES, limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(float(r), int(i)) for r, i in cursor.fetchall()]


class Hit(NamedTuple):
    """One answer of ``best_rows``: what a result line shows."""

    id: int
    number: str
    title: str


# The statements, fixed text per database and index. The readability condition goes in
# ``{scope}``, on the title index's copy of the article's status, audience and organisation
# (``t``): a narrow row, so a common word's thousand candidates are checked without visiting
# a thousand wide article rows (that visit was 95% of the statement). Only the ``limit``
# rows returned are joined to the article for their number and title.
_SQLITE = (
    "SELECT {a}.id, {a}.number, {a}.title FROM (SELECT id, r, n FROM "
    "(SELECT {rank} AS r, {ix}.rowid AS id, {counts} AS n FROM {source} "
    "WHERE {ix} MATCH %s AND {scope} "
    # FTS5 yields matches by rowid (the article id), newest first here; the LIMIT stops it
    "ORDER BY {ix}.rowid DESC LIMIT %s) ORDER BY n DESC, r, id LIMIT %s) x "
    "JOIN {a} ON {a}.id = x.id ORDER BY x.n DESC, x.r, x.id"
)
_POSTGRES = (
    # the index's matches, newest first, materialised (a few thousand narrow rows at most):
    # the readability check below walks them in that order and stops at the LIMIT (joined
    # before the sort, the planner checked every match: three times the buffers)
    "WITH m AS MATERIALIZED (SELECT s.article_id, s.{column} AS v{columns} FROM {index} s "
    "WHERE s.{column} @@ to_tsquery('simple', %s) ORDER BY s.article_id DESC) "
    "SELECT {a}.id, {a}.number, {a}.title FROM (SELECT c.id, "
    "ts_rank({weights}c.v, to_tsquery('simple', %s)) AS r, {counts} AS n FROM (SELECT "
    "t.article_id AS id, {v}.v FROM {source} WHERE {scope} LIMIT %s) c "
    "ORDER BY n DESC, r DESC, c.id LIMIT %s) x "
    "JOIN {a} ON {a}.id = x.id ORDER BY x.n DESC, x.r DESC, x.id"
)
_statements: dict[tuple[str, bool, str, int], str] = {}


def _counts(vendor: str, title_only: bool, words: int) -> str:
    """How many of the query's ``words`` a candidate matches (``0`` when every word must):
    one index probe per word, on the candidates alone (PostgreSQL) or as a set (SQLite)."""
    if not words:
        return "0"
    if vendor == "postgresql":
        each = "(c.v @@ to_tsquery('simple', %s))::int"
    else:
        ix = TITLES if title_only else TABLE
        each = f"({ix}.rowid IN (SELECT rowid FROM {ix} WHERE {ix} MATCH %s))"  # noqa: S608
    return "(" + " + ".join([each] * words) + ")"


def _statement(vendor: str, title_only: bool, scope: str, words: int = 0) -> str:
    """The statement's text, built once per process for each database, index, scope and
    number of words counted (none: every word must match)."""
    key = (vendor, title_only, scope, words)
    sql = _statements.get(key)
    if sql is None:
        if vendor == "postgresql":
            sql = _POSTGRES.format(
                a=ARTICLES,
                index=TITLES if title_only else TABLE,
                column="title" if title_only else "document",
                weights="" if title_only else "'{0.1, 0.2, 0.4, 1.0}', ",
                # the title index's rows carry the readability columns themselves
                columns=", s.status, s.audience, s.organisation_id" if title_only else "",
                source="m t" if title_only else f"m JOIN {TITLES} t ON t.article_id = m.article_id",
                v="t" if title_only else "m",
                scope=scope,
                counts=_counts(vendor, title_only, words),
            )
        else:
            sql = _SQLITE.format(
                a=ARTICLES,
                index=TITLES if title_only else TABLE,
                rank=f"bm25({TITLES})" if title_only else f"bm25({TABLE}, {TITLE_WEIGHT}, 1.0)",
                ix=TITLES if title_only else TABLE,
                source=TITLES
                if title_only
                else f"{TABLE} JOIN {TITLES} t ON t.rowid = {TABLE}.rowid",
                scope=scope,
                counts=_counts(vendor, title_only, words),
            )
        if len(_statements) > 256:  # scopes are few; bound it all the same
            _statements.clear()
        _statements[key] = sql
    return sql


def scope_sql(readable: QuerySet, *, on: str = "t") -> tuple[str, list] | None:
    """The WHERE condition of ``readable`` (a filter of the article table alone) as SQL on
    the title index's copy of its columns (``on``: the index's name in the statement), or
    ``None`` when it reads nothing. The selector's rule, compiled by Django, never written
    twice."""
    query = readable.query
    # joins Django made and trimmed again (``organisation__isnull``) have no references left
    joined = [a for a in query.alias_map if a != query.base_table and query.alias_refcount[a]]
    if joined or query.is_empty():
        raise ValueError(f"not a filter of the article table alone: joins {joined}")
    compiler = query.get_compiler(connection=connection)
    try:
        where, params = compiler.compile(query.where)
    except FullResultSet:
        return "1 = 1", []
    except EmptyResultSet:
        return None
    # the title index's copies of the columns (status, audience, organisation_id): a rule
    # on any other column fails as an unknown column, never reads more than it should
    table = connection.ops.quote_name(ARTICLES) + "."
    return (where or "1 = 1").replace(table, f"{on}."), list(params)


def best_rows(
    query: str,
    readable: QuerySet,
    *,
    limit: int,
    title_only: bool,
    exclude: tuple[int, ...] = (),
    any_word: bool = False,
) -> list[Hit]:
    """The ``limit`` best articles of ``readable`` matching every word of ``query`` (as
    prefixes, so "print" finds "printer"; stop-words dropped; hyphened and joined forms
    meet), ranked: one statement. ``title_only`` reads the small title index. ``any_word``:
    articles matching any of the words, those matching more of them first, then by rank.
    The ranked cut-off of ``best_matches`` applies: at most the newest ``CANDIDATES``
    readable matches are ranked. ``exclude``: ids already shown."""
    words = units(query)
    if not words:
        return []
    postgres = connection.vendor == "postgresql"
    # FTS5 knows its table by name only (MATCH, bm25): the title index is not aliased there
    on = TITLES if title_only and not postgres else "t"
    scope = scope_sql(readable, on=on)
    if scope is None:
        return []
    where, params = scope
    if exclude:
        column = f"{on}.article_id" if postgres else f"{on}.rowid"
        where = f"({where}) AND {column} NOT IN ({', '.join(['%s'] * len(exclude))})"
        params = [*params, *exclude]
    tsquery = _tsquery(words, postgres=postgres, any_word=any_word)
    each = [_tsquery([w], postgres=postgres) for w in words] if any_word else []
    sql = _statement(connection.vendor, title_only, where, len(each))
    if postgres:
        ranked = _tsquery(words, postgres=True, any_word=any_word, rank=True)
        args = [tsquery, ranked, *each, *params, CANDIDATES, limit]
    else:
        args = [*each, tsquery, *params, CANDIDATES, limit]
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        return [Hit(*row) for row in cursor.fetchall()]


def explain_sql(query: str) -> tuple[str, list]:
    """The title statement a requester's help-centre answer sends (for the bench's plans)."""
    words = units(query)
    postgres = connection.vendor == "postgresql"
    tsquery = _tsquery(words, postgres=postgres)
    on = "t" if postgres else TITLES
    where = f"{on}.status = %s AND {on}.audience = %s AND {on}.organisation_id IS NULL"
    sql = _statement(connection.vendor, True, where)
    params = ["published", "everyone"]
    if postgres:
        ranked = _tsquery(words, postgres=True, rank=True)
        return sql, [tsquery, ranked, *params, CANDIDATES, 10]
    return sql, [tsquery, *params, CANDIDATES, 10]
