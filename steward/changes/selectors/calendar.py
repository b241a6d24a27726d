"""What the change calendar reads beyond ``change_calendar``: the first changes of each day
with a count per day (``calendar_days``), the freeze windows that shade its days and the
same-CI conflicts that flag its changes (by the change page's rule, ``conflicting_parts``), in a
fixed number of queries."""

from __future__ import annotations

import datetime as dt
import heapq
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from django.db import connections
from django.db.models import BigIntegerField, QuerySet, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.utils import timezone

from steward.changes.models import ChangeCI, FreezeWindow
from steward.changes.selectors.config import freeze_visible
from steward.changes.selectors.conflicts import conflicting_parts
from steward.changes.selectors.days import _COUNT, _CROSSING, _FIRST, Days, placed
from steward.changes.selectors.planning import CalendarRow, calendar_query
from steward.changes.selectors.records import MAX_WINDOW
from steward.core.actor import Actor
from steward.core.rows import EpochMicros, driver_rows

ONE_DAY = dt.timedelta(days=1)


def calendar_days(
    actor: Actor,
    *,
    first: dt.date,
    days: int,
    per_day: int,
    tz: dt.tzinfo,
    team: str = "",
    ci: str = "",
) -> Days:
    """For each of ``days`` local days (in ``tz``) from ``first``: the first ``per_day``
    changes touching it by planned start (a change is on every local day its window
    ``[start, end)`` touches, as ``change_calendar``'s rows are placed) and the count of all
    of them, in one statement of index ranges over ``chg_calendar`` (decisions 0036, 0046),
    per local day of the page:

    * the first ``per_day`` changes *starting* that day (the index gives them in the page's
      order, ``(planned_start, id)``: the range stops after them);
    * the changes starting that day and ending after the next local midnight (they are on
      later days too), and once for the page those starting before it and lasting into it;
    * how many changes start that day (a count over the range).

    A day's changes by start are the ones carried in from earlier days, then those starting
    on it, so its first ``per_day`` and its count follow in Python (the last day a carried
    change touches is its end's, less a microsecond, in ``tz``). A month answers about
    42 x ``per_day`` rows plus the crossing ones, whatever it holds, and no expression is
    evaluated per change (``calendar_query``'s filters and visibility in every part).
    SQLite reads one ``UNION ALL`` part per day and shape; PostgreSQL, whose planner plans
    each part (34-39 ms for a month's 84), reads each shape as one ``LATERAL`` part over a
    list of the days' bounds (decision 0050: the same ranges, one plan per shape)."""
    page = _Page([_midnight(first + ONE_DAY * i, tz) for i in range(days + 1)], MAX_WINDOW)
    scope = {"team": team, "ci": ci}
    first_read, moment = calendar_query(
        actor, start=page.lo(0), end=page.hi(0), starting=True, **scope
    )

    def day_read(i: int) -> QuerySet:
        """Day ``i``'s range read (0, or -1 to find where the bounds are)."""
        if i == 0:
            return first_read
        return calendar_query(actor, start=page.lo(i), end=page.hi(i), starting=True, **scope)[0]

    parts: list[str] = []
    params: list = []
    lateral = connections[ChangeCI.objects.db].vendor == "postgresql"
    for shape in (_FIRST, _CROSSING, _COUNT):
        sql, more = (_lateral if lateral else _per_day)(day_read, page, per_day, shape)
        parts.append(sql)
        params += more
    with connections[first_read.db].cursor() as cursor:
        cursor.execute("\nUNION ALL\n".join(parts), params)
        found = cursor.fetchall()
    return placed(found, first=first, days=days, per_day=per_day, tz=tz, moment=moment)


class _Page(NamedTuple):
    """The local days' first instants and the page's end (``bounds``), and how long before
    the page a change lasting into it may start (``carried``, at most ``MAX_WINDOW``): that
    range is "day -1" of the crossing shape, whose changes are carried into the page."""

    bounds: list[dt.datetime]
    carried: dt.timedelta

    def lo(self, i: int) -> dt.datetime:
        return self.bounds[i] if i >= 0 else self.bounds[0] - self.carried

    def hi(self, i: int) -> dt.datetime:
        return self.bounds[i + 1]

    def days(self, shape: int) -> range:
        # a change starting on the last day and crossing the page's end is on no later day;
        # one starting before the page and lasting into it is carried from "day -1"
        if shape == _CROSSING:
            return range(-1, len(self.bounds) - 2)
        return range(len(self.bounds) - 1)


def _day_sql(
    day_read: Callable[[int], QuerySet], page: _Page, per_day: int, shape: int
) -> tuple[str, list, list[int], list[int], Callable[[Any], Any]]:
    """A day's range read in ``shape`` (its first ``per_day`` changes starting in it, by
    start; those of them ending after the next day's midnight; or all of them, to count):
    the first day's SQL and parameters, where in them the day's first and next midnights
    are, and how a bound is passed. The ORM compiles the query for two ranges, the first
    day and "day -1" (``day_read(0)``, ``day_read(-1)``); only the bounds may differ between
    them. A statement whose bounds were found so once is known by its text (``_BOUNDS``):
    then only the first day is compiled, its bounds checked where they were found."""

    def compiled(i: int) -> tuple[str, list, str]:
        qs = day_read(i)
        if shape == _FIRST:
            qs = qs.order_by("planned_start", "id")[: max(1, per_day)]
        elif shape == _CROSSING:
            qs = qs.filter(planned_end__gt=page.hi(i)).order_by()
        else:
            qs = qs.order_by()
        sql, params = qs.query.get_compiler(qs.db).as_sql()
        return sql, list(params), qs.db

    sql, params, db = compiled(0)
    adapt = connections[db].ops.adapt_datetimefield_value
    lo, hi = adapt(page.lo(0)), adapt(page.hi(0))
    known = _BOUNDS.get((db, sql)) if KNOWN_BOUNDS else None
    if known is not None and _holds(params, *known, lo, hi):
        return sql, params, *known, adapt
    again, other, _ = compiled(-1)
    if again != sql:  # only the bounds may differ between two days' statements
        raise RuntimeError("a day's calendar statement depends on its day")
    moved = [k for k, (x, y) in enumerate(zip(params, other, strict=True)) if x != y]
    lower = [k for k in moved if params[k] == lo]
    upper = [k for k in moved if params[k] == hi]
    if len(lower) + len(upper) != len(moved):
        raise RuntimeError("a day's calendar statement has a value that is not its bounds")
    if len(_BOUNDS) >= 256:  # a process sees a few shapes per kind of reader and filter
        _BOUNDS.clear()
    _BOUNDS[db, sql] = (lower, upper)
    return sql, params, lower, upper, adapt


# where a day statement's bounds are, by its database and text (found by compiling two
# ranges); False: two ranges compiled at every read, as before decision 0073
KNOWN_BOUNDS = True
_BOUNDS: dict[tuple[str, str], tuple[list[int], list[int]]] = {}


def _holds(params: list, lower: list[int], upper: list[int], lo: Any, hi: Any) -> bool:
    """The first day's bounds are where they were found, and nowhere else."""
    return (
        all(params[k] == lo for k in lower)
        and all(params[k] == hi for k in upper)
        and sum(1 for p in params if p in (lo, hi)) == len(lower) + len(upper)
    )


def _per_day(
    day_read: Callable[[int], QuerySet], page: _Page, per_day: int, shape: int
) -> tuple[str, list]:
    """SQLite: ``UNION ALL`` of one index range per day (``shape``), the day's SQL with its
    bounds put in (``_day_sql``)."""
    sql, params, lower, upper, adapt = _day_sql(day_read, page, per_day, shape)
    parts, all_params = [], []
    for i in page.days(shape):
        day = list(params)
        lo, hi = adapt(page.lo(i)), adapt(page.hi(i))
        for k in lower:
            day[k] = lo
        for k in upper:
            day[k] = hi
        if shape == _COUNT:
            blanks = ", ".join(["NULL"] * 8)
            parts.append(f"SELECT {shape}, {i}, COUNT(*), {blanks} FROM ({sql}) d")  # noqa: S608
        else:
            parts.append(f"SELECT {shape}, {i}, d.* FROM ({sql}) d")  # noqa: S608 - compiled
        all_params += day
    return "\nUNION ALL\n".join(parts), all_params


def _lateral(
    day_read: Callable[[int], QuerySet], page: _Page, per_day: int, shape: int
) -> tuple[str, list]:
    """PostgreSQL: the same per-day index ranges as ``_per_day`` as one part, the day's SQL
    run for each row of a ``VALUES`` list of the days' bounds (``LATERAL``), its bound
    parameters replaced by the row's columns: one subquery to plan, not one per day."""
    sql, params, lower, upper, adapt = _day_sql(day_read, page, per_day, shape)
    column = dict.fromkeys(lower, "d.lo") | dict.fromkeys(upper, "d.hi")
    pieces, kept = re.split(r"(%%|%s)", sql), []
    at = 0
    for n, piece in enumerate(pieces):
        if piece == "%s":
            if at in column:
                pieces[n] = column[at]
            else:
                kept.append(params[at])
            at += 1
    if at != len(params):
        raise RuntimeError("a day's calendar statement has other placeholders than values")
    sql = "".join(pieces)
    days = page.days(shape)
    rows = ", ".join(f"({i}, %s::timestamptz, %s::timestamptz)" for i in days)
    bound_params = [adapt(b) for i in days for b in (page.lo(i), page.hi(i))]
    head = f"(VALUES {rows}) d (i, lo, hi)"
    if shape == _COUNT:
        blanks = ", ".join(["NULL"] * 8)
        count = f"(SELECT COUNT(*) FROM ({sql}) c)"  # noqa: S608 - compiled
        # the count's placeholders come first in the text, then the list's
        return f"SELECT {shape}, d.i, {count}, {blanks} FROM {head}", kept + bound_params  # noqa: S608
    sql = f"SELECT {shape}, d.i, x.* FROM {head} CROSS JOIN LATERAL ({sql}) x"  # noqa: S608
    return sql, bound_params + kept


def _midnight(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), tz)


class NamedCI(NamedTuple):
    """A freeze window's CI as the calendar names it."""

    name: str


class FreezeRow(NamedTuple):
    """A freeze window as the calendar shades and lists it (``freezes_between``)."""

    id: int
    name: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    ci: NamedCI | None


# False: freeze windows read as model instances with their CIs, as before decision 0073;
# tests compare the pages
FREEZE_ROWS = True


def freezes_between(
    actor: Actor, *, start: dt.datetime, end: dt.datetime
) -> list[FreezeRow] | list[FreezeWindow]:
    """Active freeze windows the actor may see overlapping ``[start, end)`` (one query), as
    rows of what the calendar shows (a month's 40-odd windows and their CIs made as model
    instances were a tenth of the page's CPU)."""
    qs = (
        freeze_visible(actor)
        .filter(is_active=True, starts_at__lt=end, ends_at__gt=start)
        .order_by("starts_at", "id")
    )
    if not FREEZE_ROWS:
        return list(qs.select_related("ci")[:200])
    found = qs.values_list("id", "name", "starts_at", "ends_at", "ci__name")[:200]
    return [
        FreezeRow(i, name, s, e, None if ci is None else NamedCI(ci)) for i, name, s, e, ci in found
    ]


def calendar_conflicts(changes: Iterable[CalendarRow]) -> set[int]:
    """Ids of ``changes`` the change page gives a conflict on the same CI: whose window
    overlaps, on one of its CIs, the window of another change that is a conflict by the
    rule the page reads (``conflicting_parts``: held, or planned but not yet scheduled;
    decision 0119), whatever the shown change's own state, as the page lists conflicts for
    any change with a window. Dependent CIs are left to the change page (``change_conflicts``
    walks the CMDB per change). One statement: the shown changes' CI ids (their windows
    are the rows'), and on those CIs each part of the rule as its own range over the CI rows'
    copied windows within the shown windows' span; then a sweep in Python. Not bounded by
    the page's dates (it takes none): a change drawn at the page's edge is flagged for a
    conflict beyond it, as its page would be."""
    shown = {c.id: c for c in changes}
    if not shown:
        return set()
    lo = min(c.planned_start for c in shown.values())
    hi = max(c.planned_end for c in shown.values())
    ids = list(shown)
    links = ChangeCI.objects.filter(change_id__in=_ids(links_db := ChangeCI.objects.db, ids))
    mine = links.annotate(s=_NO_TIME, e=_NO_TIME).values_list("ci_id", "change_id", "s", "e")
    on_their_cis = ChangeCI.objects.filter(
        ci_id__in=links.values("ci_id"),
        planned_start__gte=lo - MAX_WINDOW,
        planned_start__lt=hi,
        planned_end__gt=lo,
    )
    if connections[links_db].vendor == "sqlite":
        # the stored text: windows are only compared with each other, and SQLite's text
        # (one format, UTC, as Django writes it) sorts as the times do, so nothing is parsed
        adapt = connections[links_db].ops.adapt_datetimefield_value
        times = {"s": Cast("planned_start", TextField()), "e": Cast("planned_end", TextField())}
    else:  # PostgreSQL: epoch microseconds, integers that compare as the times do
        adapt = _micros
        times = {"s": EpochMicros("planned_start"), "e": EpochMicros("planned_end")}
    parts = [
        on_their_cis.filter(part).annotate(**times).values_list("ci_id", "change_id", "s", "e")
        for part in conflicting_parts()
    ]
    own: dict[int, list[int]] = defaultdict(list)
    blocking: dict[int, dict[int, tuple]] = defaultdict(dict)
    for ci_id, change_id, s, e in driver_rows(mine.union(*parts, all=True)):
        if s is None:  # a shown change on its CI (its window is the drawn row's)
            own[ci_id].append(change_id)
        else:  # a change that is a conflict by the rule (a shown one too, then)
            blocking[ci_id][change_id] = (s, e, True)
    found: set[int] = set()
    for ci_id, blockers in blocking.items():
        others = [i for i in own[ci_id] if i not in blockers]
        if len(blockers) + len(others) < 2:  # a change alone on its CI: nothing to sweep
            continue
        windows = [(s, e, i, b) for i, (s, e, b) in blockers.items()]
        windows += [
            (adapt(shown[i].planned_start), adapt(shown[i].planned_end), i, False) for i in others
        ]
        found |= flagged([windows])
    return found & set(ids)


def _ids(db: str, ids: list[int]) -> RawSQL:
    """``ids`` as one parameter (a JSON array on SQLite, an array on PostgreSQL): the
    statement names the drawn changes thrice, and 252 values made into parameters three
    times were a third of its Python time."""
    if connections[db].vendor == "sqlite":
        return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(ids)])
    return RawSQL("SELECT unnest(%s::bigint[])", [ids])


_NO_TIME = Value(None, output_field=BigIntegerField())


def _micros(at: dt.datetime) -> int:
    return (at - _EPOCH) // dt.timedelta(microseconds=1)


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def flagged(windows_per_ci: Iterable[list[tuple]]) -> set[int]:
    """Ids whose ``(start, end, id, blocks)`` window overlaps the window of another id in
    the same list that ``blocks`` (is a conflict by ``conflicting``); each list is one
    CI's, an id at most once in it. A sort and a sweep, O(n log n)."""
    found: set[int] = set()
    for windows in windows_per_ci:
        blockers: list[tuple] = []  # heap of (end, id) of blocking windows open at this start
        waiting: list[tuple] = []  # heap of (end, id) of open windows not flagged yet
        for s, e, change_id, blocks in sorted(windows):
            while blockers and blockers[0][0] <= s:
                heapq.heappop(blockers)
            while waiting and waiting[0][0] <= s:
                heapq.heappop(waiting)
            hit = bool(blockers)
            if blocks:
                found.update(i for _, i in waiting)  # every open window overlaps this one
                waiting = []
                heapq.heappush(blockers, (e, change_id))
            if hit:
                found.add(change_id)
            else:
                heapq.heappush(waiting, (e, change_id))
    return found


def overlapping(windows_per_ci: Iterable[list[tuple]]) -> set[int]:
    """Ids whose ``(start, end, id)`` window overlaps another id's in the same list: every
    window blocking (``flagged``), as held windows flag each other."""
    return flagged([[(*w, True) for w in windows] for windows in windows_per_ci])
