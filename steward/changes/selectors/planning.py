"""Reads for planning: the calendar, the CAB agenda and conflict detection."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection, connections
from django.db.models import Prefetch, Q, QuerySet, TextField
from django.db.models.functions import Cast

from steward.changes.choices import (
    ApprovalState,
    Status,
)
from steward.changes.models import (
    Change,
    ChangeCI,
    FreezeWindow,
)
from steward.changes.selectors.records import (
    CALENDAR_LIMIT,
    CONFLICT_DEPTH,
    MAX_CONFLICTS,
    MAX_WINDOW,
    _approvals_qs,
    change_visible,
)
from steward.cmdb import selectors as cmdb_selectors
from steward.cmdb.choices import Direction
from steward.cmdb.models import ConfigurationItem
from steward.core.actor import Actor
from steward.core.errors import ValidationFailed
from steward.core.rows import EpochMicros, driver_rows

# --- calendar and CAB ---------------------------------------------------------------------


# What the calendar draws: every change but a cancelled one (``calendar_query``); its
# status legend lists these, each dot styled by ``.status-<value>`` as the entries are.
CALENDAR_STATES = tuple(s for s in Status if s != Status.CANCELLED)


def calendar_status_legend() -> list[tuple[str, str]]:
    """The calendar's status legend: (value, label) of each state it can show, in order."""
    return [(s.value, s.label) for s in CALENDAR_STATES]


class CalendarRow(NamedTuple):
    """One change as the calendar draws it: nothing else is read (``change_calendar``)."""

    id: int
    number: str
    title: str
    status: str
    risk_level: str
    risk_score: int
    planned_start: dt.datetime
    planned_end: dt.datetime
    team: str  # the team's name, "" without one


def change_calendar(
    actor: Actor,
    *,
    start: dt.datetime,
    end: dt.datetime,
    team: str = "",
    ci: str = "",
    statuses: list[str] | None = None,
    limit: int = CALENDAR_LIMIT,
) -> list[CalendarRow]:
    """Visible changes whose planned window overlaps ``[start, end)``, by planned start, as
    ``CalendarRow`` tuples: one range query over the ``chg_calendar`` index (bounded on both
    sides, windows lasting at most ``MAX_WINDOW``; the index holds every column read, so on
    SQLite the month is read from the index alone) with the team's name joined. No model
    objects are made (decision 0023). ``statuses`` defaults to everything not cancelled."""
    qs, moment = calendar_query(actor, start=start, end=end, team=team, ci=ci, statuses=statuses)
    found = driver_rows(qs.order_by("planned_start", "id")[: max(1, limit)])
    return calendar_rows(found, moment)


def calendar_query(
    actor: Actor,
    *,
    start: dt.datetime,
    end: dt.datetime,
    team: str = "",
    ci: str = "",
    statuses: list[str] | None = None,
    starting: bool = False,
) -> tuple[QuerySet, Callable[[Any], dt.datetime]]:
    """The calendar's scoped range read (unordered, unlimited) as a ``values_list`` of a
    ``CalendarRow``'s columns, the window as the driver reads it quickly (SQLite: the stored
    text; PostgreSQL: epoch microseconds), and the function making a datetime of one such
    value. The changes whose window overlaps ``[start, end)`` (``starting``: those whose
    window starts in it). ``change_calendar`` and the per-day read (``calendar_days``)
    share it, so both see the same changes."""
    if end <= start:
        raise ValidationFailed.one("end", "must be after start")
    if end - start > dt.timedelta(days=400):
        raise ValidationFailed.one("end", "a calendar shows at most 400 days")
    if starting:
        qs = change_visible(actor).filter(planned_start__gte=start, planned_start__lt=end)
    else:  # windows last at most MAX_WINDOW: the start bounds the index range both sides
        qs = change_visible(actor).filter(
            planned_start__gte=start - MAX_WINDOW, planned_start__lt=end, planned_end__gt=start
        )
    # everything not cancelled: CALENDAR_STATES (the exclusion keeps the index plan)
    qs = qs.filter(status__in=statuses) if statuses else qs.exclude(status=Status.CANCELLED)
    if team:
        qs = qs.filter(team__slug=team)
    if ci:  # a CI the actor may not see selects nothing
        cis = cmdb_selectors.ci_visible(actor).filter(number=ci)
        qs = qs.filter(id__in=ChangeCI.objects.filter(ci__in=cis).values("change_id"))
    if connections[qs.db].vendor == "sqlite":
        # the stored text, parsed below once per distinct value (no converter per row)
        qs = qs.annotate(
            start_at=Cast("planned_start", TextField()), end_at=Cast("planned_end", TextField())
        )
        # the stored text is UTC (USE_TZ): read with its offset, one C call per distinct value
        suffix = "+00:00" if settings.USE_TZ else ""

        def moment(value: str) -> dt.datetime:
            return dt.datetime.fromisoformat(value + suffix)

    else:
        # PostgreSQL: microseconds since the epoch, an integer the driver reads in C (the
        # timestamptz loader, a Python call per value, was most of the call's time)
        qs = qs.annotate(start_at=EpochMicros("planned_start"), end_at=EpochMicros("planned_end"))

        def moment(value: int) -> dt.datetime:
            return _EPOCH + dt.timedelta(0, 0, value)  # positional: the quicker call

    return qs.values_list(*_ROW_HEAD, "start_at", "end_at", "team__name"), moment


def calendar_rows(found: list[tuple], moment: Callable[[Any], dt.datetime]) -> list[CalendarRow]:
    """``CalendarRow`` tuples of ``calendar_query``'s rows (extra columns after the nine
    are ignored): one datetime per distinct value, as many changes share their hours."""
    made: dict = {}

    def when(value: str | int) -> dt.datetime:
        at = made.get(value)
        if at is None:
            at = made[value] = moment(value)
        return at

    return [
        CalendarRow(i, number, title, status, level, score, when(s), when(e), team or "")
        for i, number, title, status, level, score, s, e, team, *_ in found
    ]


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_ROW_HEAD = ("id", "number", "title", "status", "risk_level", "risk_score")


def cab_agenda(actor: Actor, *, limit: int = 100) -> list[Change]:
    """Changes waiting for authorisation, soonest planned first (unplanned last), each with
    its approvals, their approvers and decisions prefetched (``approval_list`` per change).
    Conflicts are per change on demand: ``change_conflicts``."""
    changes = list(
        change_visible(actor)
        .filter(status=Status.AUTHORIZATION, approval_state=ApprovalState.PENDING)
        .select_related("requester", "team", "assignee")
        .prefetch_related(
            Prefetch("approvals", queryset=_approvals_qs()),
            Prefetch("cis", queryset=cmdb_selectors.ci_visible(actor).only("id", "number", "name")),
            Prefetch(
                "impacted_services",
                queryset=cmdb_selectors.ci_visible(actor).only("id", "number"),
            ),
        )
        .order_by(
            # nulls last on every database: unplanned changes after the planned ones
            "planned_start",
            "id",
        )[:limit]
    )
    planned = [c for c in changes if c.planned_start is not None]
    return planned + [c for c in changes if c.planned_start is None]


# how a conflict's relation reads on a page
RELATIONS = {"same_ci": "on the same CI", "dependent_ci": "on a dependent CI"}

# --- conflicts ----------------------------------------------------------------------------


@dataclass
class ConflictReport:
    """What scheduling a change into its window would collide with."""

    changes: list[dict] = field(default_factory=list)
    freezes: list[dict] = field(default_factory=list)
    # number → name of the CIs the report names (the reader may see them): the pages show
    # the name, the JSON (``conflict_json``) keeps the numbers
    ci_names: dict[str, str] = field(default_factory=dict)

    def shown_changes(self) -> list[dict]:
        """The conflicting changes with their CIs as (number, name) ("Online shop"), for a
        page."""
        return [
            {**c, "ci_links": [(n, self.ci_names.get(n, n)) for n in c["cis"]]}
            for c in self.changes
        ]

    def shown_freezes(self) -> list[dict]:
        """The freeze windows with their CI by name, for a page."""
        return [
            {**f, "ci_name": self.ci_names.get(f["ci"], f["ci"]) if f["ci"] else None}
            for f in self.freezes
        ]

    @property
    def empty(self) -> bool:
        return not self.changes and not self.freezes

    def summary(self) -> list[str]:
        lines = [
            f"{c['number'] or 'a change you cannot see'} ({c['relation']})" for c in self.changes
        ]
        lines += [f"freeze window {f['name']}" for f in self.freezes]
        return lines

    def in_words(self) -> str:
        """The report as a sentence a person reads (the API's codes stay in ``summary`` and
        the JSON): "CHG0000012 Patch the router, on the same CI; freeze window Year end"."""
        where = RELATIONS
        lines = [
            f"{c['number']} {c['title']}, {where[c['relation']]}"
            if c["number"]
            else f"a change you cannot see, {where[c['relation']]}"
            for c in self.changes
        ]
        lines += [f"freeze window {f['name']}" for f in self.freezes]
        return "; ".join(lines)


def related_ci_ids(ci_ids: list[int], depth: int = CONFLICT_DEPTH) -> dict[int, str]:
    """The CIs and every CI depending on them or that they depend on, to ``depth`` hops:
    id → "same_ci" or "dependent_ci". Both directions of the CMDB's recursive impact query
    (ids only: two queries per CI, no CI rows loaded)."""
    related: dict[int, str] = dict.fromkeys(ci_ids, "same_ci")
    if not ci_ids:
        return related
    types = cmdb_selectors.relationship_directions()
    with connection.cursor() as cursor:
        for ci_id in ci_ids:
            for direction in (Direction.UP, Direction.DOWN):
                sql, params = cmdb_selectors.impact_query(
                    direction, start_id=ci_id, depth=depth, types=types
                )
                cursor.execute(sql, params)
                for found, *_rest in cursor.fetchall():
                    related.setdefault(found, "dependent_ci")
    return related


def conflicts_for(
    actor: Actor,
    *,
    change: Change | None,
    ci_numbers: list[str],
    start: dt.datetime,
    end: dt.datetime,
) -> ConflictReport:
    """Scheduled or implementing changes overlapping ``[start, end)`` on the same or
    dependent CIs, and freeze windows overlapping it (global or on a related CI).

    One indexed range scan on ``change_ci_window`` for all related CIs, one on
    ``freeze_window``: never a loop over changes. Changes the actor may not see are listed
    without number or title, and only the CIs the actor may see are named."""
    ids = list(ConfigurationItem.objects.filter(number__in=ci_numbers).values_list("id", flat=True))
    return _conflicts_of_cis(actor, change=change, ci_ids=ids, start=start, end=end)


def _conflicts_of_cis(
    actor: Actor,
    *,
    change: Change | None,
    ci_ids: list[int],
    start: dt.datetime,
    end: dt.datetime,
) -> ConflictReport:
    """``conflicts_for`` of CIs given by id (the change page's own CIs)."""
    related = related_ci_ids(ci_ids)
    report = ConflictReport()
    links = (
        ChangeCI.objects.filter(
            holds_window=True,
            ci_id__in=list(related),
            planned_start__gte=start - MAX_WINDOW,
            planned_start__lt=end,
            planned_end__gt=start,
        )
        .select_related("change", "ci")
        .order_by("planned_start", "change_id", "ci_id")
    )
    if change is not None:
        links = links.exclude(change_id=change.pk)
    visible_cis = (
        set(related)
        if actor.is_system or actor.is_admin
        else set(
            cmdb_selectors.ci_visible(actor)
            .filter(id__in=list(related))
            .values_list("id", flat=True)
        )
    )
    by_change: dict[int, dict] = {}
    rows = list(links[: MAX_CONFLICTS * 5])
    visible = set(
        change_visible(actor)
        .filter(id__in={r.change_id for r in rows})
        .values_list("id", flat=True)
    )
    for link in rows:
        entry = by_change.get(link.change_id)
        seen = link.change_id in visible
        if entry is None:
            entry = by_change[link.change_id] = {
                "number": link.change.number if seen else None,
                "title": link.change.title if seen else "",
                "status": link.change.status,
                "planned_start": link.planned_start,
                "planned_end": link.planned_end,
                "relation": related[link.ci_id],
                "cis": [],
            }
        if related[link.ci_id] == "same_ci":
            entry["relation"] = "same_ci"
        if seen and link.ci_id in visible_cis:
            entry["cis"].append(link.ci.number)
            report.ci_names[link.ci.number] = link.ci.name
    report.changes = list(by_change.values())[:MAX_CONFLICTS]
    freezes = (
        FreezeWindow.objects.filter(is_active=True, starts_at__lt=end, ends_at__gt=start)
        .filter(Q(ci__isnull=True) | Q(ci_id__in=list(related)))
        .select_related("ci")
        .order_by("starts_at", "id")[:MAX_CONFLICTS]
    )
    for freeze in freezes:
        seen = freeze.ci_id is None or freeze.ci_id in visible_cis
        if seen and freeze.ci is not None:
            report.ci_names[freeze.ci.number] = freeze.ci.name
        report.freezes.append(
            {
                "slug": freeze.slug if seen else None,
                "name": freeze.name if seen else "a freeze window you cannot see",
                "starts_at": freeze.starts_at,
                "ends_at": freeze.ends_at,
                "ci": freeze.ci.number if seen and freeze.ci else None,
            }
        )
    return report


def change_conflicts(actor: Actor, change: Change) -> ConflictReport:
    """What a visible change collides with in its planned window (empty without one)."""
    if change.planned_start is None or change.planned_end is None:
        return ConflictReport()
    # every CI of the change, seen or not (the page's prefetched CIs are the visible ones):
    # ids straight from the links, no CI row read
    ids = list(ChangeCI.objects.filter(change=change).values_list("ci_id", flat=True))
    return _conflicts_of_cis(
        actor, change=change, ci_ids=ids, start=change.planned_start, end=change.planned_end
    )


# --- maintenance: a CI under a change's window -------------------------------------------


def change_in_window(actor: Actor, *, ci_id: int, at: dt.datetime) -> str | None:
    """The number of a change the actor may see that holds its planned window on the CI
    at ``at`` (scheduled or being implemented, ``planned_start <= at < planned_end``), or
    None: other apps' "is this CI in maintenance now" (event management, docs/events.md).
    One read of the ``change_ci_window`` index joined to the change."""
    return (
        ChangeCI.objects.filter(
            ci_id=ci_id,
            holds_window=True,
            planned_start__lte=at,
            planned_end__gt=at,
            change__in=change_visible(actor),
        )
        .order_by("planned_start", "change_id")
        .values_list("change__number", flat=True)
        .first()
    )
