"""A page of the incident list for words (``incident_list(q=...)``): the index's matches
narrowed to what the actor may see, a batch at a time, then the page's rows.

Few matches come ranked (``search.find``: the best ``MAX_HITS`` by BM25 / ``ts_rank``);
they are narrowed to the actor's scope and the list's filters in rank order, a page and one
more at a time, until the page is full (decision 0053). Words matching more come newest
first, read from the index in batches narrowed the same way (decisions 0030, 0031).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.db.models import QuerySet

from steward.core.actor import Actor
from steward.core.errors import ValidationFailed
from steward.core.pagination import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    Page,
    cursor_after_key,
    cursor_values,
)
from steward.incidents.models import Incident
from steward.incidents.selectors import search
from steward.incidents.selectors.records import _with_relations
from steward.incidents.selectors.rows import incident_rows_of, queue_rows_by_id
from steward.sla import selectors as sla_selectors

Key = tuple[float, int]  # (rank, incident id): lower first; ``-id`` for newest first
# ids of a set that holds the list's scope, below an id (all when None), newest first, at
# most a number of rows (an id may come twice: the caller drops the repeat) (decision 0055)
Driver = Callable[[int | None, int], list[int]]


def search_page(  # noqa: PLR0913 - the list's own arguments
    actor: Actor,
    qs: QuerySet[Incident],
    q: str,
    *,
    cursor: str | None,
    limit: int | None,
    shown: bool = False,
    as_rows: bool = False,
    driver: Driver | None = None,
) -> Page:
    """Full-text hits narrowed to ``qs`` (visibility and filters); work notes only count for
    agents. The page's rows are read as the list reads them: the web queue's rows
    (``shown``), the API's rows for an actor who sees every incident (``as_rows``), else
    models with their references and SLA clocks. ``driver``: a set holding ``qs`` read
    newest first from its own indexes (``team_driver``, ``requester_driver``), which a
    common word's walk turns round to when the index's newest matches keep few."""
    found = search.find(q, include_internal=actor.is_agent)
    if found.newest:
        page_keys, nxt = _newest_keys(qs, found, cursor=cursor, limit=limit, driver=driver)
    else:
        page_keys, nxt = _ranked_keys(qs, found.ranked, cursor=cursor, limit=limit)
    order = "newest" if found.newest else "relevance"
    ids = [i for _, i in page_keys]
    if shown:
        found_rows = queue_rows_by_id(ids)
        return Page(items=[found_rows[i] for i in ids if i in found_rows], next=nxt, order=order)
    if as_rows:  # the page's keys are known visible: the rows by id, as the list's
        return Page(items=incident_rows_of(ids, order=("id",), more=False).items, next=nxt,
                    order=order)  # fmt: skip
    rows = {i.id: i for i in _with_relations(Incident.objects.filter(id__in=ids), actor)}
    items = [rows[i] for i in ids if i in rows]
    # the clocks as ``attach_sla`` gives them, read as rows (no model instances)
    clocks = sla_selectors.clock_statuses_by_id(Incident, ids)
    rank = dict((i, r) for r, i in page_keys)  # noqa: C402 - keys are (rank, id)
    for item in items:
        item.search_rank = rank[item.id]
        item.sla_clocks = clocks.get(str(item.id), [])
    return Page(items=items, next=nxt, order=order)


def _size(limit: int | None) -> int:
    size = DEFAULT_LIMIT if limit is None else limit
    if not 1 <= size <= MAX_LIMIT:
        raise ValidationFailed.one("limit", f"must be between 1 and {MAX_LIMIT}")
    return size


def _ranked_keys(
    qs: QuerySet[Incident], ranked: list[Key], *, cursor: str | None, limit: int | None
) -> tuple[list[Key], str | None]:
    """The page of ``ranked`` (the index's best matches, in order) after ``cursor`` that
    ``qs`` keeps, and the next cursor: what ``paginate_ranked`` gives for ``ranked``
    narrowed to ``qs`` as a whole, but narrowed in rank order a batch at a time (a page and
    one more first, then sized by the share kept), so a scope that keeps most matches costs
    one ``id IN`` of a page, not of every match (decision 0053)."""
    size = _size(limit)
    keys = ranked
    if cursor:
        after = tuple(cursor_values(cursor, 2))
        try:
            keys = [k for k in keys if k > after]
        except TypeError as exc:
            raise ValidationFailed.one("cursor", "not a cursor returned by this list") from exc
    kept: list[Key] = []
    batch, at = size + 1, 0
    while len(kept) <= size and at < len(keys):
        chunk = keys[at : at + batch]
        at += len(chunk)
        allowed = set(qs.filter(id__in=[i for _, i in chunk]).values_list("id", flat=True))
        kept += [k for k in chunk if k[1] in allowed]
        batch = _next_batch(batch, wanted=size + 1 - len(kept), kept=len(kept), read=at)
    page = kept[:size]
    return page, (cursor_after_key(page[-1]) if len(kept) > size else None)


NEWEST_WALK = 20_000  # matches one request reads at most before it hands back a cursor
NEWEST_BATCH = 2_000
SMALL_SET = 10_000  # a filtered set at most this large drives the walk (decision 0031)
TURN_AT = 300  # ... when the index walk would still narrow more matches than this


def _newest_keys(
    qs: QuerySet[Incident],
    found: search.Found,
    *,
    cursor: str | None,
    limit: int | None,
    driver: Driver | None = None,
) -> tuple[list[tuple[float, int]], str | None]:
    """A page of a common word's matches in ``qs``, newest first, as ``(-id, id)`` keys (the
    ranked pages' cursor shape). The index hands out matches newest first a batch at a time
    and ``qs`` keeps those the actor may see with the filters (an ``id IN`` on the primary
    key), until a page and one more are found: the first batch is a page, later ones are
    sized by the share kept so far, so a filter that keeps most matches costs one batch and
    one that keeps few costs more batches, never all matches. After ``NEWEST_WALK`` matches
    read, the page ends short with a cursor at the last match read: the next page goes on
    from there. When the first batch keeps so few that the walk would still narrow more
    than ``TURN_AT`` matches and ``qs`` holds at most ``SMALL_SET`` incidents, the walk
    turns round: ``qs`` drives, newest first, and the index says which of its ids match
    (``_filtered_keys``), the same keys in the same order (decision 0031). With a
    ``driver`` (a set holding ``qs``, read newest first by index), the walk turns round to
    it instead, whatever its size (``_driven_keys``, decision 0055)."""
    size = _size(limit)
    before = None
    if cursor:
        values = cursor_values(cursor, 2)
        if not isinstance(values[1], int) or isinstance(values[1], bool):
            raise ValidationFailed.one("cursor", "not a cursor returned by this list")
        before = values[1]
    keys: list[tuple[float, int]] = []
    batch, walked = size + 1, 0
    while len(keys) <= size:
        ids = found.older(before, batch)
        if not ids:
            return keys, None
        walked += len(ids)
        allowed = set(qs.filter(id__in=ids).values_list("id", flat=True))
        keys += [(float(-i), i) for i in ids if i in allowed]
        before = ids[-1]
        if len(ids) < batch:
            break
        wanted = size + 1 - len(keys)
        # narrowing costs ~50 µs an id, reading the small set ~1.5 µs (decision 0031)
        if wanted > 0 and walked == len(ids) and wanted * walked > TURN_AT * len(keys):
            if driver is not None:
                return _driven_keys(qs, found, driver, keys, below=before, size=size)
            small = _small_set(qs, below=before)
            if small is not None:
                return _filtered_keys(found, small, keys, size=size)
        if walked >= NEWEST_WALK and len(keys) <= size:
            return keys, cursor_after_key((float(-before), before))
        batch = _next_batch(batch, wanted=wanted, kept=len(keys), read=walked)
    page = keys[:size]
    return page, (cursor_after_key(page[-1]) if len(keys) > size else None)


def _next_batch(batch: int, *, wanted: int, kept: int, read: int) -> int:
    """The next batch: enough for ``wanted`` more at the share kept so far (a quarter more,
    for the share's noise), fourfold while nothing was kept; at most ``NEWEST_BATCH``."""
    if not kept:
        return min(batch * 4, NEWEST_BATCH)
    return max(1, min(-(-wanted * read * 5 // (kept * 4)), NEWEST_BATCH))


def _small_set(qs: QuerySet[Incident], *, below: int) -> list[int] | None:
    """``qs``'s ids below ``below``, newest first, when ``qs`` holds at most ``SMALL_SET``:
    one bounded read on the filter's own index (no order, so no planner walk of the primary
    key hoping to stop early), sorted here; None when there are more."""
    # the whole filtered set, not the part below: ``id < below`` in the SQL lured SQLite
    # onto a range of the primary key instead of the queue's index (0.3-0.5 s at 200,000)
    ids = list(qs.order_by().values_list("id", flat=True)[: SMALL_SET + 1])
    if len(ids) > SMALL_SET:
        return None
    return sorted({i for i in ids if i < below}, reverse=True)  # a scope's join may repeat


def _filtered_keys(
    found: search.Found, ids: list[int], keys: list[tuple[float, int]], *, size: int
) -> tuple[list[tuple[float, int]], str | None]:
    """``keys`` (the matches above ``ids``) completed from ``ids`` (the filtered set below
    them, newest first): the index says which of a batch match (``Found.matching``), batches
    sized by the share matched so far, until a page and one more or the set's end."""
    batch, probed, matched, at = 2 * (size + 1 - len(keys)), 0, 0, 0
    while len(keys) <= size and at < len(ids):
        chunk = ids[at : at + batch]
        at += len(chunk)
        hits = found.matching(chunk)
        probed, matched = probed + len(chunk), matched + len(hits)
        keys += [(float(-i), i) for i in chunk if i in hits]
        batch = _next_batch(batch, wanted=size + 1 - len(keys), kept=matched, read=probed)
    page = keys[:size]
    return page, (cursor_after_key(page[-1]) if len(keys) > size else None)


def _driven_keys(  # noqa: PLR0913 - the walk's state
    qs: QuerySet[Incident],
    found: search.Found,
    driver: Driver,
    keys: list[tuple[float, int]],
    *,
    below: int,
    size: int,
) -> tuple[list[tuple[float, int]], str | None]:
    """``keys`` (the matches above ``below``) completed from ``driver``'s ids below it, newest
    first, a batch at a time: the index says which of a batch match (``Found.matching``),
    and ``qs`` keeps those of them the actor may see with the filters (an ``id IN`` of the
    matches only). The driver holds ``qs``, so these are the matches of ``qs`` below
    ``below``, newest first: the keys and order of the index walk. Batches are sized by
    the share kept so far; after ``NEWEST_WALK`` ids read the page ends short with a cursor
    at the last id read, as the index walk's does (decision 0055)."""
    batch, read, kept = 2 * (size + 1 - len(keys)), 0, 0
    while len(keys) <= size:
        rows = driver(below, batch)
        if not rows:
            break
        ids = list(dict.fromkeys(rows))  # newest first, a repeat dropped
        read, below = read + len(rows), ids[-1]
        hits = found.matching(ids)
        if hits:
            allowed = set(qs.filter(id__in=sorted(hits)).values_list("id", flat=True))
            found_keys = [(float(-i), i) for i in ids if i in allowed]
            keys, kept = keys + found_keys, kept + len(found_keys)
        if len(rows) < batch:
            break
        if read >= NEWEST_WALK and len(keys) <= size:
            return keys, cursor_after_key((float(-below), below))
        batch = _next_batch(batch, wanted=size + 1 - len(keys), kept=kept, read=read)
    page = keys[:size]
    return page, (cursor_after_key(page[-1]) if len(keys) > size else None)


def _newest_parts(parts: list[tuple[str, str, list]], before: int | None, size: int) -> list[int]:
    """The newest ``size`` ids of the union of ``parts`` (each its id column, ``FROM … WHERE
    …`` and values), each read below ``before`` newest first from its index, merged in SQL."""
    quote = connection.ops.quote_name
    branches, values = [], []
    for n, (column, where, params) in enumerate(parts):
        below = "" if before is None else f" AND {column} < %s"
        branches.append(
            f"SELECT * FROM (SELECT {column} AS {quote('id')} {where}{below}"  # noqa: S608
            f" ORDER BY {column} DESC LIMIT %s) AS {quote(f'part_{n}')}"
        )
        values += [*params, *([] if before is None else [before]), size]
    union = " UNION ALL ".join(branches)
    by = quote("id")
    sql = f"SELECT {by} FROM ({union}) AS {quote('found')} ORDER BY {by} DESC LIMIT %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, size])
        return [int(i) for (i,) in cursor.fetchall()]


def team_driver(teams: list[int]) -> Driver:
    """The open incidents of ``teams``, newest first: one range of ``inc_team_open_id``
    (team, id; open rows only) per team, merged (a set holding the ``my_teams`` queue)."""
    quote = connection.ops.quote_name
    where = (
        f"FROM {quote(Incident._meta.db_table)} WHERE {quote('team_id')} = %s"  # noqa: S608
        f" AND {quote('is_open')} >= 1"  # the partial index's own term, as a literal
    )
    parts = [(quote("id"), where, [team]) for team in sorted(set(teams))]
    return lambda before, size: _newest_parts(parts, before, size)


def requester_driver(user_id: int) -> Driver:
    """The incidents ``user_id`` raised (``inc_caller_id``: caller, id) or watches (the
    watchers table, by user), newest first, merged: a set holding what a requester sees."""
    quote = connection.ops.quote_name
    incidents = quote(Incident._meta.db_table)
    watchers = quote(Incident.watchers.through._meta.db_table)
    caller = quote("caller_id")  # ``>= 1``: the partial index's own term, as a literal
    parts = [
        (quote("id"), f"FROM {incidents} WHERE {caller} = %s AND {caller} >= 1", [user_id]),  # noqa: S608
        (quote("incident_id"), f"FROM {watchers} WHERE {quote('user_id')} = %s", [user_id]),  # noqa: S608
    ]
    return lambda before, size: _newest_parts(parts, before, size)
