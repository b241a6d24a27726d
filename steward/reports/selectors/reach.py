"""Whose figures a report counts (the reach) over which days (the period), and the shape
every report answers in (a ``Table``). Reports only read; every figure is aggregated in
the database (docs/decisions/0096)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Aggregate,
    Case,
    Count,
    F,
    FloatField,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from steward.core.actor import Actor
from steward.core.choices import Role
from steward.core.errors import NotFound, ValidationFailed
from steward.core.models import Team
from steward.core.rows import Seconds
from steward.core.selectors.queues import my_team_ids
from steward.reports.choices import DEFAULT_WEEKS, MAX_DAYS


@dataclass(frozen=True)
class Period:
    """Whole days, ``start`` to ``end`` inclusive, in the site's time zone."""

    start: dt.date
    end: dt.date

    @property
    def since(self) -> dt.datetime:
        return _midnight(self.start)

    @property
    def until(self) -> dt.datetime:
        """The first moment after the period (the midnight that ends ``end``)."""
        return _midnight(self.end + dt.timedelta(days=1))

    def within(self, name: str) -> Q:
        return Q(**{f"{name}__gte": self.since, f"{name}__lt": self.until})

    def edges(self, starts: list[dt.date]) -> list[dt.datetime]:
        """The moments that cut the period at ``starts`` (each slot's first day), then the
        period's end."""
        return [self.since, *(_midnight(d) for d in starts[1:]), self.until]

    def weeks(self) -> list[dt.date]:
        """The Monday of every week the period touches."""
        monday = self.start - dt.timedelta(days=self.start.weekday())
        out = []
        while monday <= self.end:
            out.append(monday)
            monday += dt.timedelta(weeks=1)
        return out

    def months(self) -> list[dt.date]:
        month, out = self.start.replace(day=1), []
        while month <= self.end:
            out.append(month)
            month = (month + dt.timedelta(days=32)).replace(day=1)
        return out


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


# the days a period may name: far from the calendar's ends, where a period's edges (the
# midnight after its last day, its first Monday and month) and their time zone still exist
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


def period_of(start: dt.date | None, end: dt.date | None) -> Period:
    """The period asked for: by default the last 12 weeks up to today (this week, to today,
    and the 11 whole weeks before it, so a weekly figure has 12 rows on any day of the
    week); 422 naming the field when ``start`` is after ``end`` or the period is longer
    than two years."""
    for name, day in (("start", start), ("end", end)):
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            raise ValidationFailed.one(
                name,
                _("a date from %(first)s to %(last)s") % {"first": FIRST_DAY, "last": LAST_DAY},
            )
    end = end or timezone.localdate()
    if start is None:
        this_monday = end - dt.timedelta(days=end.weekday())
        start = max(this_monday - dt.timedelta(weeks=DEFAULT_WEEKS - 1), FIRST_DAY)
    if start > end:
        raise ValidationFailed.one("start", _("on or before the end date"))
    if (end - start).days >= MAX_DAYS:
        raise ValidationFailed.one(
            "end", _("at most %(days)s days after the start date") % {"days": MAX_DAYS}
        )
    return Period(start, end)


@dataclass(frozen=True)
class Reach:
    """The actor, the teams whose records count (``None``: every team, and records of no
    team) and the period."""

    actor: Actor
    team_ids: tuple[int, ...] | None
    period: Period

    def teams(self, qs: QuerySet, path: str = "team_id") -> QuerySet:
        return qs if self.team_ids is None else qs.filter(**{f"{path}__in": self.team_ids})


def can_read(actor: Actor) -> bool:
    """Agents (and the roles built on them) read reports; requesters never."""
    return actor.is_agent


def sees_every_team(actor: Actor, *, changes: bool = False) -> bool:
    """Administrators (and change managers, for the changes report) read every team's."""
    if actor.is_admin:
        return True
    return changes and actor.user is not None and actor.user.has_role(Role.CHANGE_MANAGER)


def reach_of(
    actor: Actor,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    team: str = "",
    changes: bool = False,
) -> Reach:
    """The reach of one report: ``NotFound`` for requesters; an agent's own teams (or one of
    them), everything (or any one team) for whoever sees every team."""
    if not can_read(actor):
        raise NotFound()
    period = period_of(start, end)
    every = sees_every_team(actor, changes=changes)
    if not team:
        return Reach(actor, None if every else tuple(my_team_ids(actor)), period)
    found = Team.objects.filter(slug=team).values_list("id", flat=True).first()
    if found is None or not (every or found in my_team_ids(actor)):
        raise ValidationFailed.one("team", _("not a team whose figures you may read"))
    return Reach(actor, (found,), period)


def team_choices(actor: Actor) -> list[Team]:
    """The teams the filter offers, those with figures the reader may read: all for
    administrators and change managers (the changes report, for a team not theirs), else the
    actor's own."""
    qs = Team.objects.order_by("name")
    every = sees_every_team(actor, changes=True)
    return list(qs if every else qs.filter(id__in=my_team_ids(actor)))


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    bar: bool = False  # drawn as an inline bar beside the number
    # a percentage: its bar is a share of 100 %, not of the column's largest value (a
    # manager read a full bar beside "50.0" under "Resolution met %" as all met)
    share: bool = False
    # words, not a figure: left-aligned like the row's heading (the priority beside the SLA
    # report's month, the team, the CI's name were right-aligned as numbers)
    text: bool = False


@dataclass
class Table:
    """One report's answer: its columns and rows (values keyed like the columns)."""

    name: str
    title: str | Promise
    definition: str | Promise
    columns: Sequence[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)
    period: Period | None = None  # set by ``report_get``
    team: str = ""


def seconds_between(start: str, end: str) -> Any:
    return Seconds(end) - Seconds(start)


def slot(name: str, edges: Sequence[dt.datetime]) -> Case:
    """Which of the slots between ``edges`` (ascending; the last is the end) ``name`` falls
    in, as its index: comparisons only, where a truncation to a local week or month runs
    a Python function per row on SQLite. The rows are already within the edges."""
    return Case(
        *(When(**{f"{name}__lt": edge}, then=Value(n)) for n, edge in enumerate(edges[1:])),
        default=Value(len(edges) - 2),
        output_field=IntegerField(),
    )


def hours(value: float | dt.timedelta | None) -> float | None:
    if value is None:
        return None
    seconds = value.total_seconds() if isinstance(value, dt.timedelta) else float(value)
    return round(seconds / 3600, 1)


def percent(part: int, whole: int) -> float | None:
    return None if not whole else round(100 * part / whole, 1)


def medians(qs: QuerySet, duration: Any, group: str | None = None) -> dict[Any, float]:
    """The median ``duration`` of ``qs``'s rows (per ``group``), in one statement: the rows
    are numbered in the database in order of their duration, and only the middle one or two
    of each group come back (the mean of those two is the median)."""
    partition = {"partition_by": [F(group)]} if group else {}
    ranked = qs.annotate(
        span=duration,
        rank=Window(RowNumber(), order_by=duration.asc(), **partition),
        size=Window(Count("pk"), **partition),
    ).filter(rank__gte=(F("size") + 1) / 2, rank__lte=(F("size") + 2) / 2)
    middle: dict[Any, list[float]] = {}
    for key, span in ranked.values_list(group or "size", "span"):
        middle.setdefault(key if group else None, []).append(float(span))
    return {key: sum(spans) / len(spans) for key, spans in middle.items()}


def count_per_slot(qs: QuerySet, name: str, edges: Sequence[dt.datetime]) -> list[int]:
    """How many of ``qs``'s rows have ``name`` in each slot between ``edges`` (ascending; the
    last is the end), in one statement: a count of an index range per slot, where grouping by
    a ``slot`` expression computes it on every row and sorts them (decision 0103)."""
    parts, params = [], []
    try:
        for n, (low, high) in enumerate(itertools.pairwise(edges)):
            one = qs.filter(**{f"{name}__gte": low, f"{name}__lt": high}).order_by().values("pk")
            sql, more = one.query.sql_with_params()
            parts.append(f"(SELECT COUNT(*) FROM ({sql}) s{n})")  # noqa: S608 - Django's SQL
            params.extend(more)
    except EmptyResultSet:  # a reach of no team
        return [0] * (len(edges) - 1)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}", params)
        return list(cursor.fetchone())


def middles(qs: QuerySet, duration: Any, group: str, sizes: dict[Any, int]) -> dict[Any, float]:
    """The median ``duration`` of ``qs``'s rows per ``group``, knowing each group's size
    (``sizes``): per group, its rows in order of the duration from the middle one (or two)
    on, one or two rows (``LIMIT``/``OFFSET``), all groups in one statement. A window over
    every row numbers and counts them all; this keeps only half of each group in the sort,
    and no numbering (decision 0103)."""
    parts, params = [], []
    try:
        for key, size in sizes.items():
            if not size:
                continue
            one = (
                qs.filter(**{group: key})
                .annotate(span=duration)
                .order_by("span")
                .values_list(group, "span")[(size - 1) // 2 : size // 2 + 1]
            )
            sql, more = one.query.sql_with_params()
            parts.append(f"SELECT * FROM ({sql}) m{len(parts)}")  # noqa: S608 - Django's SQL
            params.extend(more)
    except EmptyResultSet:
        return {}
    if not parts:
        return {}
    middle: dict[Any, list[float]] = {}
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        for key, span in cursor.fetchall():
            middle.setdefault(key, []).append(float(span))
    return {key: sum(spans) / len(spans) for key, spans in middle.items()}


class Median(Aggregate):
    """PostgreSQL's median, in the same pass as the group's count and mean (an ordered-set
    aggregate: the mean of the two middle values of an even group)."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()
