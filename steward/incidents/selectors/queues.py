"""Queues and lists of incidents: filters, sorting, search and the agent's counts."""

from __future__ import annotations

import datetime as dt
import re

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.utils import timezone

from steward.cmdb import selectors as cmdb_selectors
from steward.core.actor import Actor
from steward.core.errors import ValidationFailed
from steward.core.pagination import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    Page,
    after_cursor,
    cursor_after_key,
    cursor_values,
    paginate,
    paginate_ranked,
)
from steward.core.selectors.queues import filter_work, my_team_ids
from steward.core.selectors.scoping import sees_everything
from steward.incidents.choices import BREACHING_WITHIN_MAX, Queue, QueueOrder, Status
from steward.incidents.models import Incident
from steward.incidents.selectors import search
from steward.incidents.selectors.records import _with_relations, attach_sla, incident_visible
from steward.incidents.selectors.rows import incident_rows_page, queue_rows_by_id, queue_rows_page
from steward.sla.choices import ClockState
from steward.sla.models import SlaClock

NUMBER = re.compile(r"INC\d{7}")
QUEUES = tuple(Queue.values)
BREACHING_SOON_MINUTES = 60
ORDERS = {
    QueueOrder.PRIORITY.value: ("priority", "opened_at", "id"),
    QueueOrder.NEWEST.value: ("-opened_at", "-id"),
    QueueOrder.OLDEST.value: ("opened_at", "id"),
    QueueOrder.UPDATED.value: ("-updated_at", "-id"),
}


def incident_list(
    actor: Actor,
    *,
    queue: str = "all",
    q: str = "",
    status: list[str] | None = None,
    team: str = "",
    assignee: str = "",
    priority: list[int] | None = None,
    category: str = "",
    caller: str = "",
    ci: str = "",
    service: str = "",
    major: bool | None = None,
    created_after: dt.datetime | None = None,
    created_before: dt.datetime | None = None,
    breached: bool | None = None,
    breaching_within: int | None = None,
    order: str = "priority",
    cursor: str | None = None,
    limit: int | None = None,
    rows: bool = False,
    shown: bool = False,
) -> Page:
    """A page of visible incidents for a queue, words (``q``: a number, or ranked full-text)
    and filters, by priority then age by default. ``rows``: the API's list, where an actor
    who sees every incident gets rows (``incident_rows_page``) instead of models. ``shown``:
    a web queue's rows (``QueueRow``, the columns it shows) for any actor."""
    _check_choices(queue=queue, order=order, status=status or [], priority=priority or [])
    qs, teams = incident_visible(actor), []
    if queue == "mine":
        qs = filter_work(actor, qs, assignee="me").filter(is_open=1)
    elif queue == "my_teams":
        teams = my_team_ids(actor)
        qs = qs.filter(team_id__in=teams, is_open=1)
    elif queue == "unassigned":
        qs = qs.filter(assignee__isnull=True, is_open=1)
    elif queue == "breaching":
        qs = qs.filter(is_open=1)
        breaching_within = breaching_within or BREACHING_SOON_MINUTES
    elif queue == "major":
        qs = qs.filter(is_major=True, is_open=1)
    elif queue == "open":
        qs = qs.filter(is_open=1)
    qs = filter_work(actor, qs, status=status, team=team, assignee=assignee, priority=priority)
    # a CI the actor may not see selects nothing: otherwise the filter would tell which
    # visible records link it (docs/security.md)
    if ci:
        qs = qs.filter(configuration_item__in=_visible_ci(actor, ci))
    if service:
        qs = qs.filter(affected_service__in=_visible_ci(actor, service))
    if category:
        qs = qs.filter(Q(category__slug=category) | Q(subcategory__slug=category))
    if caller:
        qs = qs.filter(caller__username=caller)
    if major is not None:
        qs = qs.filter(is_major=major)
    if created_after:
        qs = qs.filter(opened_at__gte=created_after)
    if created_before:
        qs = qs.filter(opened_at__lt=created_before)
    ordering = ORDERS[order]
    if q and NUMBER.fullmatch(q.strip().upper()):
        qs = qs.filter(number=q.strip().upper())
    elif q:
        if breached is not None or breaching_within is not None:
            qs = _sla_filter(qs, breached=breached, breaching_within=breaching_within)
        return _search_page(actor, qs, q, cursor=cursor, limit=limit, shown=shown)
    if breached is not None or breaching_within is not None:
        qs = _sla_filter(qs, breached=breached, breaching_within=breaching_within)
    if len(teams) > 1 and order == QueueOrder.PRIORITY.value and connection.vendor == "sqlite":
        qs = _each_team_first(qs, teams, order=ordering, cursor=cursor, limit=limit)
    if rows and sees_everything(actor):
        return incident_rows_page(qs, order=ordering, cursor=cursor, limit=limit)
    if shown:
        return queue_rows_page(qs, order=ordering, cursor=cursor, limit=limit)
    page = paginate(_with_relations(qs, actor), order=ordering, cursor=cursor, limit=limit)
    attach_sla(actor, page.items)
    return page


def _each_team_first(
    qs: QuerySet[Incident],
    teams: list[int],
    *,
    order: tuple[str, ...],
    cursor: str | None,
    limit: int | None,
) -> QuerySet[Incident]:
    """``qs`` (of several teams) as the union of each team's own next page, read from its
    queue index (``inc_team_queue``) in index order; the page is among them. With ``team_id
    IN (a, b)`` neither SQLite nor PostgreSQL merges the two index ranges: they read every
    open incident of the teams and sort them, a cost that grows with the table (30,000
    sorted rows for a page of 50 at 1,000,000 incidents). A bad ``limit`` is left to
    ``paginate`` to name. SQLite only: PostgreSQL 15 planned ``id IN (union)`` as a hash
    semi-join over a sequential scan of the whole table (13.8 s at 1,000,000)."""
    size = DEFAULT_LIMIT if limit is None else limit
    if not 1 <= size <= MAX_LIMIT:
        return qs
    branches, params = [], []
    for team in teams:
        branch = after_cursor(qs.filter(team_id=team), order=order, cursor=cursor)
        sql, values = branch.order_by(*order).values("id")[: size + 1].query.sql_with_params()
        branches.append(f"SELECT * FROM ({sql}) AS team_{len(branches)}")  # noqa: S608
        params.extend(values)
    # every branch is ``qs`` narrowed: its rows are ``qs``'s rows; the SQL is Django's,
    # compiled from ``qs``, with every value a parameter
    union = RawSQL(" UNION ALL ".join(branches), params)  # noqa: S611
    return Incident.objects.filter(id__in=union)


def _check_choices(*, queue: str, order: str, status: list[str], priority: list[int]) -> None:
    """The values ``IncidentFilters`` also checks, for callers that come without it."""
    for field, value, known in (("queue", queue, QUEUES), ("order", order, tuple(ORDERS))):
        if value not in known:
            raise ValidationFailed.one(field, f"one of {', '.join(known)}")
    if any(not 1 <= p <= 5 for p in priority):
        raise ValidationFailed.one("priority", "between 1 (critical) and 5 (planning)")
    unknown = [s for s in status if s not in Status.values]
    if unknown:
        raise ValidationFailed.one("status", f"unknown status {unknown[0]!r}")


def _search_page(
    actor: Actor,
    qs: QuerySet[Incident],
    q: str,
    *,
    cursor: str | None,
    limit: int | None,
    shown: bool = False,
) -> Page:
    """Full-text hits narrowed to ``qs`` (visibility and filters); work notes only count for
    agents. Few matches are ranked, best first: three bounded queries whatever the table
    size (four for ``shown`` rows: their clocks). Words matching more than ``MAX_HITS`` list
    newest first (``Page.order``), read from the index in batches until a page is filled
    (decision 0030)."""
    found = search.find(q, include_internal=actor.is_agent)
    if found.newest:
        page_keys, nxt = _newest_keys(qs, found, cursor=cursor, limit=limit)
    else:
        rank = {incident_id: r for r, incident_id in found.ranked}
        allowed = set(qs.filter(id__in=list(rank)).values_list("id", flat=True))
        keys = [(r, i) for r, i in found.ranked if i in allowed]
        page_keys, nxt = paginate_ranked(keys, cursor=cursor, limit=limit)
    order = "newest" if found.newest else "relevance"
    if shown:
        found_rows = queue_rows_by_id([i for _, i in page_keys])
        items = [found_rows[i] for _, i in page_keys if i in found_rows]
        return Page(items=items, next=nxt, order=order)
    rows = {
        i.id: i
        for i in _with_relations(Incident.objects.filter(id__in=[i for _, i in page_keys]), actor)
    }
    items = [rows[i] for _, i in page_keys if i in rows]
    rank = {i: r for r, i in page_keys}
    for item in items:
        item.search_rank = rank[item.id]
    attach_sla(actor, items)
    return Page(items=items, next=nxt, order=order)


NEWEST_WALK = 20_000  # matches one request reads at most before it hands back a cursor
NEWEST_BATCH = 2_000
SMALL_SET = 10_000  # a filtered set at most this large drives the walk (decision 0031)
TURN_AT = 300  # ... when the index walk would still narrow more matches than this


def _newest_keys(
    qs: QuerySet[Incident], found: search.Found, *, cursor: str | None, limit: int | None
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
    (``_filtered_keys``), the same keys in the same order (decision 0031)."""
    size = DEFAULT_LIMIT if limit is None else limit
    if not 1 <= size <= MAX_LIMIT:
        raise ValidationFailed.one("limit", f"must be between 1 and {MAX_LIMIT}")
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


def _sla_filter(
    qs: QuerySet[Incident], *, breached: bool | None, breaching_within: int | None
) -> QuerySet[Incident]:
    """Incidents with a breached clock, or a running one due within N minutes."""
    now = timezone.now()
    clocks = SlaClock.objects.filter(
        content_type=ContentType.objects.get_for_model(Incident),
        object_id=Cast(OuterRef("pk"), output_field=CharField()),
    )
    if breached is not None:
        late = clocks.filter(Q(breached=True) | Q(state=ClockState.RUNNING, due_at__lt=now))
        qs = qs.filter(Exists(late)) if breached else qs.exclude(Exists(late))
    if breaching_within is not None:
        if not 0 < breaching_within <= BREACHING_WITHIN_MAX:
            raise ValidationFailed.one("breaching_within", "minutes, between 1 and 43200")
        soon = clocks.filter(
            state=ClockState.RUNNING,
            breached=False,
            due_at__gte=now,
            due_at__lt=now + dt.timedelta(minutes=breaching_within),
        )
        qs = qs.filter(Exists(soon))
    return qs


def incident_overview(actor: Actor) -> dict[str, int]:
    """Counts for the agent's overview: one aggregate query plus one for breaching clocks."""
    user_id = actor.user.pk if actor.user else None
    open_qs = incident_visible(actor).filter(is_open=1)
    counts = open_qs.aggregate(
        mine=Count("id", filter=Q(assignee_id=user_id)),
        my_teams=Count("id", filter=Q(team__members=user_id), distinct=True),
        unassigned=Count("id", filter=Q(assignee__isnull=True)),
        major=Count("id", filter=Q(is_major=True)),
        open=Count("id", distinct=True),
    )
    counts["breaching"] = _sla_filter(
        open_qs, breached=None, breaching_within=BREACHING_SOON_MINUTES
    ).count()
    counts["breached"] = _sla_filter(open_qs, breached=True, breaching_within=None).count()
    return counts


def _visible_ci(actor: Actor, number: str) -> QuerySet:
    """The CI numbered ``number`` if the actor may see it (a subquery)."""
    return cmdb_selectors.ci_nameable(actor).filter(number=number.strip().upper()).values("id")
