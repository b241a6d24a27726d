"""``calendar_days``' rows put on their local days (decisions 0036, 0046, 0073): each day's
first changes by start and its count, from the statement's three parts."""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Callable
from typing import Any, NamedTuple

from steward.changes.selectors.planning import CalendarRow, calendar_rows

_FIRST, _COUNT, _CROSSING = 0, 1, 2  # the parts of calendar_days' statement


class Days(NamedTuple):
    """Per local day of a page (index 0 = its first day): the first changes drawn and how
    many changes touch that day in all."""

    shown: list[list[CalendarRow]]
    counts: list[int]


def placed(
    found: list[tuple],
    *,
    first: dt.date,
    days: int,
    per_day: int,
    tz: dt.tzinfo,
    moment: Callable[[Any], dt.datetime],
) -> Days:
    """The days of ``calendar_days``' rows ``(part, day, value or the row's columns…)``: a
    day's changes by start are those carried in from earlier days, then those starting on
    it, so its first ``per_day`` and its count follow here (the last day a carried change
    touches is its end's, less a microsecond, in ``tz``)."""
    if not PLACED_RAW:
        return _placed(found, first, days, per_day, tz, moment)
    return _placed_raw(found, first, days, per_day, tz, moment)


# False: every row read is made a ``CalendarRow`` before the days are put together, as
# before decision 0073; tests compare the two
PLACED_RAW = True


def _placed_raw(
    found: list[tuple],
    first: dt.date,
    days: int,
    per_day: int,
    tz: dt.tzinfo,
    moment: Callable[[Any], dt.datetime],
) -> Days:
    """``calendar_days``' rows put on their days as the driver gave them, a ``CalendarRow``
    made only for a change a day draws (a month draws about 250 of its 800-odd rows): a
    crossing change's last day is worked out once per distinct end, the days' changes
    ordered by start as datetimes (one per distinct value) and id."""
    made: dict = {}

    def when(value: str | int) -> dt.datetime:
        at = made.get(value)
        if at is None:
            at = made[value] = moment(value)
        return at

    def place(raw: tuple) -> tuple[dt.datetime, int]:
        return when(raw[8]), raw[2]

    starting: list[list[tuple]] = [[] for _ in range(days)]
    carried: list[list[tuple]] = [[] for _ in range(days)]
    counts = [0] * days
    last_of: dict = {}  # a crossing change's last day (page index) per distinct end value
    tick = dt.timedelta(microseconds=1)
    for raw in found:
        part, day = raw[0], raw[1]
        if part == _COUNT:
            counts[day] = raw[2]
        elif part == _FIRST:
            starting[day].append(raw)
        else:  # carried into the later days it touches, up to the page's last
            last = last_of.get(raw[9])
            if last is None:
                end = when(raw[9]) - tick
                last = last_of[raw[9]] = (end.astimezone(tz).date() - first).days
            for i in range(day + 1, min(last, days - 1) + 1):
                carried[i].append(raw)
    rows: dict[int, CalendarRow] = {}  # one row per change, however many days draw it
    shown = []
    for i in range(days):
        counts[i] += len(carried[i])
        # those carried in started before the day's first instant: they come first
        drawn = heapq.nsmallest(per_day, carried[i], key=place)
        if len(drawn) < per_day:
            # a LATERAL part's rows come day by day in its index order; sorted all the
            # same, since SQL promises no order without an outer ORDER BY
            drawn += sorted(starting[i], key=place)[: per_day - len(drawn)]
        day_rows = []
        for raw in drawn:
            row = rows.get(raw[2])
            if row is None:
                _, _, i_d, number, title, status, level, score, s, e, team, *_ = raw
                row = rows[i_d] = CalendarRow(
                    i_d, number, title, status, level, score, when(s), when(e), team or ""
                )
            day_rows.append(row)
        shown.append(day_rows)
    return Days(shown, counts)


def _placed(
    found: list[tuple],
    first: dt.date,
    days: int,
    per_day: int,
    tz: dt.tzinfo,
    moment: Callable[[Any], dt.datetime],
) -> Days:
    """``calendar_days``' rows put on their days as before decision 0073 (``PLACED_RAW``
    off): a ``CalendarRow`` for every row read, every day's changes sorted."""
    rows = calendar_rows([r[2:] for r in found if r[0] != _COUNT], moment)
    starting: list[list[CalendarRow]] = [[] for _ in range(days)]
    counts = [0] * days
    carried: list[list[CalendarRow]] = [[] for _ in range(days)]
    tick = dt.timedelta(microseconds=1)
    at = 0
    for part, day, value, *_ in found:
        if part == _COUNT:
            counts[day] = value
            continue
        row, at = rows[at], at + 1
        if part == _FIRST:
            starting[day].append(row)
            continue
        # carried into the later days it touches, up to the page's last
        last = ((row.planned_end - tick).astimezone(tz).date() - first).days
        for i in range(day + 1, min(last, days - 1) + 1):
            carried[i].append(row)
    shown = []
    for i in range(days):
        counts[i] += len(carried[i])
        carried[i].sort(key=lambda r: (r.planned_start, r.id))
        starting[i].sort(key=lambda r: (r.planned_start, r.id))
        shown.append((carried[i] + starting[i])[:per_day])
    return Days(shown, counts)
