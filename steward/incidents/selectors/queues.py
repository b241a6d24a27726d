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
from steward.core import pagination
from steward.core.actor import Actor
from steward.core.errors import ValidationFailed
from steward.core.pagination import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    Page,
    after_cursor,
    paginate,
)
from steward.core.selectors.queues import filter_work, my_team_ids
from steward.core.selectors.scoping import sees_everything
from steward.incidents.choices import BREACHING_WITHIN_MAX, Queue, QueueOrder, Status
from steward.incidents.models import Incident
from steward.incidents.selectors import queue_keys
from steward.incidents.selectors.records import _with_relations, attach_sla, incident_visible
from steward.incidents.selectors.rows import (
    incident_rows_of,
    incident_rows_page,
    incident_rows_within,
    queue_rows_of,
    queue_rows_page,
    queue_rows_within,
)
from steward.incidents.selectors.search_walk import (
    Driver,
    requester_driver,
    search_page,
    team_driver,
)
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
    everything = (rows or shown) and sees_everything(actor)
    as_rows = rows and everything
    keys_first = KEYS_FIRST and everything
    ordering = ORDERS[order]
    size = pagination.DEFAULT_LIMIT if limit is None else limit
    teams = my_team_ids(actor) if queue == "my_teams" else []
    # a first page of plain filters for an actor who sees every incident: its keys' SQL
    # depends on the arguments (and the agent's teams) only, so it is built once
    first = None
    if (
        keys_first
        and cursor is None
        and not (q or ci or service)
        and (breached, breaching_within) == (None, None)
        and queue != "breaching"  # its clocks' "soon" moves with the time
    ):
        first = (
            *(queue, tuple(teams)),
            *(actor.user.pk if actor.user else None, tuple(status or ()), team),
            *(assignee, tuple(priority or ()), category, caller, major),
            *(created_after, created_before, order, size, connection.vendor),
        )
        if first in queue_keys.first_pages:
            return _keys_page(queue_keys.first_pages[first], as_rows, order=ordering, size=size)
    qs = incident_visible(actor)
    if queue == "mine":
        qs = filter_work(actor, qs, assignee="me").filter(is_open=1)
    elif queue == "my_teams":
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
    if q and NUMBER.fullmatch(q.strip().upper()):
        qs = qs.filter(number=q.strip().upper())
    elif q:
        if breached is not None or breaching_within is not None:
            qs = _sla_filter(qs, breached=breached, breaching_within=breaching_within)
        return search_page(
            actor, qs, q, cursor=cursor, limit=limit, shown=shown, as_rows=as_rows,
            driver=_driver(actor, queue, teams),
        )  # fmt: skip
    if breached is not None or breaching_within is not None:
        qs = _sla_filter(qs, breached=breached, breaching_within=breaching_within)
    if keys_first:
        parts = queue_keys.parts(queue, teams, order)
        statement = queue_keys.keys_statement(qs, parts, order=ordering, cursor=cursor, size=size)
        if first is not None:
            if len(queue_keys.first_pages) >= queue_keys.FIRST_PAGES:
                queue_keys.first_pages.clear()
            queue_keys.first_pages[first] = statement
        return _keys_page(statement, as_rows, order=ordering, size=size)
    if len(teams) > 1 and order == QueueOrder.PRIORITY.value and connection.vendor == "sqlite":
        qs = _each_team_first(qs, teams, order=ordering, cursor=cursor, limit=limit)
    if as_rows:
        return incident_rows_page(qs, order=ordering, cursor=cursor, limit=limit)
    if shown:
        return queue_rows_page(qs, order=ordering, cursor=cursor, limit=limit)
    page = paginate(_with_relations(qs, actor), order=ordering, cursor=cursor, limit=limit)
    attach_sla(actor, page.items)
    return page


# a common word's walk turns round to the scope's own index (decision 0055); False: the
# bounded read of the filtered set (decision 0031), kept to compare the two in tests
DRIVEN = True


def _driver(actor: Actor, queue: str, teams: list[int]) -> Driver | None:
    """A set that holds the list's scope, read newest first by index, when there is one: a
    requester's own and watched incidents (all she sees), an agent's open team work (the
    ``my_teams`` queue)."""
    if not DRIVEN:
        return None
    if actor.user is not None and not actor.is_system and not actor.is_agent:
        return requester_driver(actor.user.pk)
    if queue == "my_teams" and teams:
        return team_driver(teams)
    return None


# rows for the API and the web queue: the page's keys first, then its rows by id (decision
# 0042); False: the one joined statement per page (kept to compare the two in tests)
KEYS_FIRST = True
# the page's keys and its rows in one statement, the keys a subquery of the rows' (decision
# 0064); False: the keys, then the rows by id (kept to compare the two in tests)
WITHIN = True


def _keys_page(
    statement: tuple[str, list] | None, as_rows: bool, *, order: tuple[str, ...], size: int
) -> Page:
    """The page whose keys ``statement`` reads: the API's rows or the web queue's."""
    if WITHIN:
        within = incident_rows_within if as_rows else queue_rows_within
        return within(queue_keys.as_ids(statement), order=order, size=size)
    ids, more = queue_keys.run_keys(statement, size=size)
    of = incident_rows_of if as_rows else queue_rows_of
    return of(ids, order=order, more=more)


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
    """Counts for the agent's overview: one aggregate query plus one for breaching clocks.
    The teams by their ids (as the "my teams" queue reads them), not through a join on the
    members: the join repeated each incident once per member of its team, and the other
    counts then counted every copy (50 unassigned on the home page, 11 in the queue)."""
    user_id = actor.user.pk if actor.user else None
    open_qs = incident_visible(actor).filter(is_open=1)
    counts = open_qs.aggregate(
        mine=Count("id", filter=Q(assignee_id=user_id)),
        my_teams=Count("id", filter=Q(team_id__in=my_team_ids(actor))),
        unassigned=Count("id", filter=Q(assignee__isnull=True)),
        major=Count("id", filter=Q(is_major=True)),
        open=Count("id"),
    )
    counts["breaching"] = _sla_filter(
        open_qs, breached=None, breaching_within=BREACHING_SOON_MINUTES
    ).count()
    counts["breached"] = _sla_filter(open_qs, breached=True, breaching_within=None).count()
    return counts


def _visible_ci(actor: Actor, number: str) -> QuerySet:
    """The CI numbered ``number`` if the actor may see it (a subquery)."""
    return cmdb_selectors.ci_nameable(actor).filter(number=number.strip().upper()).values("id")
