"""Reads for planning: the calendar and the CAB agenda (conflicts: ``selectors.conflicts``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connections
from django.db.models import Prefetch, QuerySet, TextField
from django.db.models.functions import Cast

from steward.changes.choices import (
    ApprovalState,
    Status,
)
from steward.changes.models import (
    Change,
    ChangeCI,
)
from steward.changes.selectors.records import (
    CALENDAR_LIMIT,
    MAX_WINDOW,
    _approvals_qs,
    approvals_awaiting,
    change_visible,
)
from steward.cmdb import selectors as cmdb_selectors
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


def cab_agenda(actor: Actor, *, mine: bool | None = None, limit: int = 100) -> list[Change]:
    """Changes waiting for authorisation, soonest planned first (unplanned last), each with
    its approvals, their approvers and decisions prefetched (``approval_list`` per change).
    ``mine``: only those with an approval awaiting the actor's vote (``approvals_awaiting``,
    the home page's and the list's rule). Conflicts are per change on demand:
    ``change_conflicts``."""
    found = change_visible(actor)
    if mine:
        found = found.filter(id__in={a.change_id for a in approvals_awaiting(actor)})
    changes = list(
        found.filter(status=Status.AUTHORIZATION, approval_state=ApprovalState.PENDING)
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
