"""What the change calendar reads beyond ``change_calendar``: the first changes of each day
with a count per day (``calendar_days``), the freeze windows that shade its days and the
same-CI conflicts that flag its changes, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import heapq
from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from django.db import connections
from django.db.models import Func, IntegerField, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from steward.changes.models import ChangeCI, FreezeWindow
from steward.changes.selectors.config import freeze_visible
from steward.changes.selectors.planning import (
    CalendarRow,
    EpochMicros,
    calendar_query,
    calendar_rows,
)
from steward.changes.selectors.records import MAX_WINDOW
from steward.core.actor import Actor
from steward.core.rows import driver_rows

ONE_DAY = dt.timedelta(days=1)
SHOWN_CIS = 500  # conflicts read for only the shown changes' CIs up to this many changes


class Days(NamedTuple):
    """Per local day of a page (index 0 = its first day): the first changes drawn and how
    many changes touch that day in all."""

    shown: list[list[CalendarRow]]
    counts: list[int]


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
    of them, in one statement of three parts (decision 0036), each over ``chg_calendar``:

    * per day, the first ``per_day`` changes *starting* that day (an index range, a limit);
    * the page's changes that cross a local midnight (they are on more days than their
      first), each with its first and last day, worked out in SQL;
    * how many changes start on each day (grouped).

    A day's changes by start are the ones carried in from earlier days, then those starting
    on it, so its first ``per_day`` and its count follow in Python. A month answers about
    42 x ``per_day`` rows plus the crossing ones, whatever it holds (``calendar_query``'s
    filters and visibility in every part)."""
    bounds = [_midnight(first + ONE_DAY * i, tz) for i in range(days + 1)]
    scope = {"team": team, "ci": ci}
    qs, moment = calendar_query(actor, start=bounds[0], end=bounds[-1], **scope)
    qs = qs.annotate(
        s_epoch=_EpochSeconds("planned_start"), e_epoch=_EpochSeconds("planned_end", ceil=True)
    ).order_by()
    inner, params = qs.query.get_compiler(qs.db).as_sql()
    day_sql, day_params = _first_per_day(actor, bounds, per_day, scope)
    # local seconds since the epoch: UTC seconds plus the zone's offset in force (its changes
    # within the page, DST, as a CASE); a local day is 86,400 of them. The days are counted
    # from 1,000 days back so that the division rounds down for days before the page too.
    shift, shift_params = _offsets(tz, bounds[0] - MAX_WINDOW, bounds[-1] + ONE_DAY)
    origin = int(dt.datetime.combine(first, dt.time.min, dt.UTC).timestamp()) - 86400 * 1000
    columns = "id, number, title, status, risk_level, risk_score, start_at, end_at, team"
    sql = f"""
WITH c ({columns}, s, e) AS ({inner}),
w AS (SELECT c.*,
  (s + {shift.format("s")} - %s) / 86400 - 1000 AS a,
  (e - 1 + {shift.format("e - 1")} - %s) / 86400 - 1000 AS b FROM c)
SELECT 0 AS part, a, b, {columns} FROM w WHERE a < b
UNION ALL
SELECT 1, a, COUNT(*), {", ".join(["NULL"] * 9)} FROM w WHERE a >= 0 AND a < %s GROUP BY a
UNION ALL
{day_sql}"""  # noqa: S608 - the compiler's SQL and this module's fragments
    all_params = (*params, *shift_params, origin, *shift_params, origin, days, *day_params)
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, all_params)
        found = cursor.fetchall()
    rows = calendar_rows([r[3:] for r in found if r[0] != 1], moment)
    starting: list[list[CalendarRow]] = [[] for _ in range(days)]
    counts = [0] * days
    crossing: list[tuple[int, int, CalendarRow]] = []
    at = 0
    for part, day, extra, *_ in found:
        if part == 1:
            counts[day] = extra
            continue
        row, at = rows[at], at + 1
        if part == 0:
            crossing.append((day, extra, row))
        else:
            starting[day].append(row)
    # carried in: the crossing changes that started before a day and last into it
    carried: list[list[CalendarRow]] = [[] for _ in range(days)]
    for a, b, row in crossing:
        for i in range(max(a + 1, 0), min(b, days - 1) + 1):
            carried[i].append(row)
    shown = []
    for i in range(days):
        counts[i] += len(carried[i])
        carried[i].sort(key=lambda r: (r.planned_start, r.id))
        shown.append((carried[i] + starting[i])[:per_day])
    return Days(shown, counts)


def _first_per_day(
    actor: Actor, bounds: list[dt.datetime], per_day: int, scope: dict
) -> tuple[str, list]:
    """``UNION ALL`` of one index range per day: its first ``per_day`` changes starting in
    it, by start. The ORM compiles the day's query twice (two days); the other days reuse
    its SQL with their bounds put where the first two days' bounds differ."""

    def compiled(i: int) -> tuple[str, list, str]:
        qs, _ = calendar_query(actor, start=bounds[i], end=bounds[i + 1], starting=True, **scope)
        qs = qs.order_by("planned_start", "id")[: max(1, per_day)]
        sql, params = qs.query.get_compiler(qs.db).as_sql()
        return sql, list(params), qs.db

    sql, params, db = compiled(0)
    moved: list[int] = []
    if len(bounds) > 2:
        again, other, _ = compiled(1)
        if again != sql:  # only the bounds may differ between two days' statements
            raise RuntimeError("a day's calendar statement depends on its day")
        moved = [k for k, (x, y) in enumerate(zip(params, other, strict=True)) if x != y]
    adapt = connections[db].ops.adapt_datetimefield_value
    lower = [k for k in moved if params[k] == adapt(bounds[0])]
    upper = [k for k in moved if params[k] == adapt(bounds[1])]
    parts, all_params = [], []
    for i in range(len(bounds) - 1):
        day = list(params)
        for k in lower:
            day[k] = adapt(bounds[i])
        for k in upper:
            day[k] = adapt(bounds[i + 1])
        parts.append(f"SELECT 2, {i}, NULL, d{i}.* FROM ({sql}) d{i}")  # noqa: S608 - compiled
        all_params += day
    return "\nUNION ALL\n".join(parts), all_params


def _midnight(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), tz)


class _EpochSeconds(Func):
    """Whole seconds since 1970-01-01 UTC of a datetime, rounded down (``ceil``: up)."""

    output_field = IntegerField()

    def __init__(self, expression: str, ceil: bool = False) -> None:
        super().__init__(expression)
        self.ceil = ceil

    def as_sqlite(self, compiler, connection, **extra):  # type: ignore[no-untyped-def]
        # the stored text "YYYY-MM-DD HH:MM:SS[.ffffff]": strftime drops the fraction, so
        # rounding up adds one second when the fraction is not zero
        template = "CAST(strftime('%%%%s', %(expressions)s) AS INTEGER)"
        if self.ceil:
            template += " + (CAST(substr(%(expressions)s, 21) AS INTEGER) > 0)"
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_postgresql(self, compiler, connection, **extra):  # type: ignore[no-untyped-def]
        rounding = "ceil" if self.ceil else "floor"
        template = f"{rounding}(EXTRACT(EPOCH FROM %(expressions)s))::bigint"
        return self.as_sql(compiler, connection, template=template, **extra)


def _offsets(tz: dt.tzinfo, start: dt.datetime, end: dt.datetime) -> tuple[str, list[int]]:
    """SQL (a ``str.format`` template of the seconds expression) for the UTC offset in
    seconds of ``tz`` at an instant between ``start`` and ``end``, and its parameters: a
    constant, or a CASE over the changes of offset found (a day's steps, then halving)."""

    def offset(at: float) -> int:
        moment = dt.datetime.fromtimestamp(at, dt.UTC).astimezone(tz)
        return int(moment.utcoffset().total_seconds())  # type: ignore[union-attr]

    at, stop = int(start.timestamp()), int(end.timestamp())
    segments = [offset(at)]  # offset, then (changes at, offset) pairs
    changes: list[int] = []
    while at < stop:
        step = min(at + 86400, stop)
        if offset(step) != segments[-1]:
            lo, hi = at, step  # offset(lo) is the old one, offset(hi) the new
            while hi - lo > 1:
                mid = (lo + hi) // 2
                lo, hi = (mid, hi) if offset(mid) == segments[-1] else (lo, mid)
            changes.append(hi)
            segments.append(offset(hi))
        at = step
    if not changes:
        return "%s", [segments[0]]
    whens = " ".join("WHEN {0} < %s THEN %s" for _ in changes)
    params: list[int] = []
    for moment, before in zip(changes, segments, strict=False):
        params += [moment, before]
    return f"(CASE {whens} ELSE %s END)", [*params, segments[-1]]


def freezes_between(actor: Actor, *, start: dt.datetime, end: dt.datetime) -> list[FreezeWindow]:
    """Active freeze windows the actor may see overlapping ``[start, end)`` (one query)."""
    return list(
        freeze_visible(actor)
        .filter(is_active=True, starts_at__lt=end, ends_at__gt=start)
        .select_related("ci")
        .order_by("starts_at", "id")[:200]
    )


def calendar_conflicts(
    changes: Iterable[CalendarRow], *, start: dt.datetime, end: dt.datetime
) -> set[int]:
    """Ids of ``changes`` whose held window overlaps another change's on the same CI, found
    from one range scan of the ``change_ci_window`` index and a sweep in Python. Dependent
    CIs are left to the change page (``change_conflicts`` walks the CMDB per change)."""
    shown = {c.id for c in changes}
    if not shown:
        return set()
    rows = ChangeCI.objects.filter(holds_window=True, planned_start__lt=end, planned_end__gt=start)
    if len(shown) <= SHOWN_CIS:
        # a page of drawn changes (a month's at most 42 x 6): only their CIs' windows matter,
        # a CI none of them holds flags none of them
        held = ChangeCI.objects.filter(holds_window=True, change_id__in=shown).values("ci_id")
        rows = rows.filter(ci_id__in=held)
    if connections[rows.db].vendor == "sqlite":
        # the stored text: windows are only compared with each other, and SQLite's text
        # (one format, UTC) sorts as the times do, so nothing is parsed
        rows = rows.annotate(
            s=Cast("planned_start", TextField()), e=Cast("planned_end", TextField())
        ).values_list("ci_id", "change_id", "s", "e")
    else:  # PostgreSQL: epoch microseconds, integers that compare as the times do
        rows = rows.annotate(
            s=EpochMicros("planned_start"), e=EpochMicros("planned_end")
        ).values_list("ci_id", "change_id", "s", "e")
    by_ci: dict[int, list[tuple]] = defaultdict(list)
    for ci_id, change_id, s, e in driver_rows(rows):
        by_ci[ci_id].append((s, e, change_id))
    return overlapping(by_ci.values()) & shown


def overlapping(windows_per_ci: Iterable[list[tuple]]) -> set[int]:
    """Ids whose ``(start, end, id)`` window overlaps another id's in the same list (each
    list is one CI's, an id at most once in it): a sort and a sweep, O(n log n)."""
    flagged: set[int] = set()
    for windows in windows_per_ci:
        open_ends: list[tuple] = []  # heap of (end, id) still open at this start
        lonely: list[int] = []  # the open window not flagged yet (there is at most one)
        for s, e, change_id in sorted(windows):
            while open_ends and open_ends[0][0] <= s:
                heapq.heappop(open_ends)
            if open_ends:
                flagged.add(change_id)
                flagged.update(lonely)
                lonely = []
            else:
                lonely = [change_id]
            heapq.heappush(open_ends, (e, change_id))
    return flagged
