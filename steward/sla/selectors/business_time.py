"""Business-time arithmetic on a calendar: pure, ORM-free, whole seconds.

Working hours are local wall-clock intervals in the calendar's time zone, so 08:00-18:00
stays 08:00-18:00 on both sides of a DST change (the UTC instants move, the business time
does not). Two rules make every local boundary one instant:

* a boundary inside a skipped hour (spring forward) moves to the end of the gap;
* a boundary inside a repeated hour (fall back) means its first occurrence.

Days that are public holidays or custom closures have no working time. A spec built from a
calendar carries its public holidays as dates read from the database, for the years the
task worker filled (decision 0127): a web worker never imports ``holidays`` for them. Only
a spec without those dates (one built by hand) or a year outside them computes the dates
with the package (``_holiday_dates``). The walk goes day by day over intervals, never
minute by minute.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

from steward.sla.selectors.public_holidays import _holiday_dates, _unstored_holiday_dates

UTC = dt.UTC
MINUTES_PER_DAY = 24 * 60
# A calendar with weekly hours always finds working time within a year unless every day is
# closed; past this many empty days in a row the calendar is unusable, not slow.
MAX_EMPTY_DAYS = 2 * 366

Interval = tuple[int, int]  # minutes of the local day: start in [0, 1440), end in (start, 1440]


@dataclass(frozen=True)
class CalendarSpec:
    """What the arithmetic needs of a business calendar; built from the models or by hand."""

    time_zone: str
    weekly: tuple[tuple[Interval, ...], ...]  # index 0 = Monday … 6 = Sunday, sorted, disjoint
    holiday_country: str = ""
    holiday_subdivision: str = ""
    closures: frozenset[dt.date] = frozenset()
    # the country's public holidays as stored for the calendar, and the years (first, last)
    # they cover; None: not stored (a spec built by hand), the package is asked
    holidays: frozenset[dt.date] = frozenset()
    holiday_years: tuple[int, int] | None = None

    def __post_init__(self) -> None:
        if len(self.weekly) != 7:
            raise ValueError("weekly needs seven days, Monday first")
        for day in self.weekly:
            previous_end = 0
            for start, end in day:
                if not (previous_end <= start < end <= MINUTES_PER_DAY):
                    raise ValueError(f"intervals must be sorted and disjoint: {day}")
                previous_end = end
        if not any(self.weekly):
            raise ValueError("the calendar has no working time")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @classmethod
    def from_hours(
        cls, time_zone: str, hours: dict[int, list[tuple[str, str]]], **kwargs: object
    ) -> CalendarSpec:
        """Convenience: ``{0: [("08:00", "12:00")], …}`` with ``"24:00"`` for midnight."""
        weekly = tuple(
            tuple(sorted((_minutes(s), _minutes(e)) for s, e in hours.get(day, ())))
            for day in range(7)
        )
        return cls(time_zone=time_zone, weekly=weekly, **kwargs)  # type: ignore[arg-type]


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def is_working_day(spec: CalendarSpec, day: dt.date) -> bool:
    """A day with weekly hours that is neither a public holiday nor a closure."""
    if not spec.weekly[day.weekday()] or day in spec.closures:
        return False
    if not spec.holiday_country:
        return True
    years = spec.holiday_years
    if years is not None and years[0] <= day.year <= years[1]:
        return day not in spec.holidays
    if years is not None:
        return day not in _unstored_holiday_dates(
            spec.holiday_country, spec.holiday_subdivision, day.year
        )
    return day not in _holiday_dates(spec.holiday_country, spec.holiday_subdivision, day.year)


def _local_to_utc(day: dt.date, minute: int, zone: ZoneInfo) -> dt.datetime:
    """The instant the wall clock of ``zone`` shows ``minute`` on ``day`` (rules above)."""
    if minute >= MINUTES_PER_DAY:
        day, minute = day + dt.timedelta(days=1), minute - MINUTES_PER_DAY
    naive = dt.datetime.combine(day, dt.time(minute // 60, minute % 60))
    first = naive.replace(tzinfo=zone)  # fold=0: the first occurrence when repeated
    utc = first.astimezone(UTC)
    if utc.astimezone(zone).replace(tzinfo=None) == naive:
        return utc
    # Skipped by a DST gap: find the transition, the first instant after the gap, by
    # bisecting on seconds between the two readings of the missing wall-clock time.
    lo = first.replace(fold=1).astimezone(UTC)  # before the gap
    hi = utc  # after the gap
    offset_before = lo.astimezone(zone).utcoffset()
    while (hi - lo) > dt.timedelta(seconds=1):
        mid = lo + (hi - lo) // 2
        if mid.astimezone(zone).utcoffset() == offset_before:
            lo = mid
        else:
            hi = mid
    return hi.replace(microsecond=0)


# A day's UTC intervals never change for a given calendar, and a due-time walk visits the
# same few weeks over and over, so they are worth keeping: converting local wall-clock
# boundaries to UTC was most of the arithmetic's time.
@lru_cache(maxsize=32768)
def day_intervals(spec: CalendarSpec, day: dt.date) -> tuple[tuple[dt.datetime, dt.datetime], ...]:
    """The working intervals of one local day as UTC ``[start, end)`` pairs, in order."""
    if not is_working_day(spec, day):
        return ()
    zone = spec.zone
    result = []
    for start, end in spec.weekly[day.weekday()]:
        a, b = _local_to_utc(day, start, zone), _local_to_utc(day, end, zone)
        if a < b:  # an interval wholly inside a skipped hour has no time
            result.append((a, b))
    return tuple(result)


def working_intervals(
    spec: CalendarSpec, start: dt.datetime, end: dt.datetime
) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """Working intervals that overlap ``[start, end)``, clipped to it."""
    _require_aware(start, end)
    zone = spec.zone
    day = start.astimezone(zone).date()
    last = end.astimezone(zone).date()
    while day <= last:
        for a, b in day_intervals(spec, day):
            a, b = max(a, start), min(b, end)
            if a < b:
                yield a, b
        day += dt.timedelta(days=1)


def is_working_time(spec: CalendarSpec, at: dt.datetime) -> bool:
    """Whether ``at`` lies inside a working interval (start included, end excluded)."""
    _require_aware(at)
    day = at.astimezone(spec.zone).date()
    return any(a <= at < b for a, b in day_intervals(spec, day))


def _require_aware(*values: dt.datetime) -> None:
    for value in values:
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("business time needs aware datetimes")


def add_business_seconds(spec: CalendarSpec, start: dt.datetime, seconds: int) -> dt.datetime:
    """The instant ``seconds`` of working time after ``start`` (before it when negative).

    Forward, the result is the earliest such instant, so it ends a stretch of work and is
    never in non-working time (it may be the end of an interval, e.g. 18:00 sharp).
    """
    if type(spec) is Timeline:
        return spec.add(start, seconds)
    _require_aware(start)
    start = start.astimezone(UTC)
    if seconds == 0:
        return start
    zone = spec.zone
    day = start.astimezone(zone).date()
    remaining = dt.timedelta(seconds=abs(seconds))
    step = dt.timedelta(days=1 if seconds > 0 else -1)
    cursor = start
    empty_days = 0
    while True:
        intervals = day_intervals(spec, day)
        empty_days = 0 if intervals else empty_days + 1
        if empty_days > MAX_EMPTY_DAYS:
            raise ValueError("the calendar has no working time in reach")
        if seconds > 0:
            for a, b in intervals:
                if b <= cursor:
                    continue
                a = max(a, cursor)
                if remaining <= b - a:
                    return a + remaining
                remaining -= b - a
                cursor = b
        else:
            for a, b in reversed(intervals):
                if a >= cursor:
                    continue
                b = min(b, cursor)
                if remaining <= b - a:
                    return b - remaining
                remaining -= b - a
                cursor = a
        day += step


def business_seconds_between(spec: CalendarSpec, a: dt.datetime, b: dt.datetime) -> int:
    """Whole seconds of working time from ``a`` to ``b``; negative when ``b`` is before ``a``.

    The first and last local days are clipped interval by interval; the whole days between
    come from per-year running totals (``_year_totals``): a clock running for months (an old
    breached incident on every queue page) costs a few look-ups, not a walk over each day."""
    if type(spec) is Timeline:
        return spec.between(a, b)
    _require_aware(a, b)
    if b < a:
        return -business_seconds_between(spec, b, a)
    zone = spec.zone
    first, last = a.astimezone(zone).date(), b.astimezone(zone).date()
    if (last - first).days < 2:
        total = sum((y - x for x, y in working_intervals(spec, a, b)), dt.timedelta())
        return total // dt.timedelta(seconds=1)
    # the first and last days' intervals lie within those days: clipping to [a, b) is exact
    edges = [*_clipped(spec, first, a, b), *_clipped(spec, last, a, b)]
    total = sum((y - x for x, y in edges), dt.timedelta())
    total += _days_time(spec, first + dt.timedelta(days=1), last - dt.timedelta(days=1))
    return total // dt.timedelta(seconds=1)


def _clipped(
    spec: CalendarSpec, day: dt.date, start: dt.datetime, end: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime]]:
    """One local day's working intervals clipped to ``[start, end)``."""
    return [
        (max(x, start), min(y, end))
        for x, y in day_intervals(spec, day)
        if max(x, start) < min(y, end)
    ]


def _days_time(spec: CalendarSpec, first: dt.date, last: dt.date) -> dt.timedelta:
    """Working time of the whole local days ``first`` to ``last`` (inclusive)."""
    total = dt.timedelta()
    day = first
    while day <= last:
        totals = _year_totals(spec, day.year)
        end = min(last, dt.date(day.year, 12, 31))
        total += totals[end.timetuple().tm_yday] - totals[day.timetuple().tm_yday - 1]
        day = end + dt.timedelta(days=1)
    return total


@lru_cache(maxsize=512)
def _year_totals(spec: CalendarSpec, year: int) -> tuple[dt.timedelta, ...]:
    """Running totals of a year's working time: item ``n`` is its (local) days 1 to ``n``,
    item 0 nothing."""
    totals = [dt.timedelta()]
    day = dt.date(year, 1, 1)
    while day.year == year:
        totals.append(
            totals[-1] + sum((b - a for a, b in day_intervals(spec, day)), dt.timedelta())
        )
        day += dt.timedelta(days=1)
    return tuple(totals)


_SECOND = dt.timedelta(seconds=1)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
_MARGIN = dt.timedelta(days=2)  # more than any zone's offset: a local day lies within it


class Timeline:
    """A calendar's working intervals over a span of days as whole epoch seconds, with the
    working time before each: ``add_business_seconds`` and ``business_seconds_between``
    answered by two bisections instead of a walk over days, the same answers (a batch
    path's thousands of clocks on a few calendars; tests/sla/test_timeline.py compares
    them). Both functions accept a ``Timeline`` in place of its spec. A question outside
    the span widens it once; anything else it does not answer exactly (a negative amount,
    a fraction of a second, hours the walk would reject) goes to the walk itself."""

    def __init__(self, spec: CalendarSpec) -> None:
        self.spec = spec
        self._broken = False
        self._days: tuple[dt.date, dt.date] | None = None
        self._lo = self._hi = 0  # epoch seconds within which the span is complete
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._before: list[int] = []  # working seconds of the span before interval i
        self._upto: list[int] = []  # ... up to its end

    def _cover(self, first: dt.date, last: dt.date) -> None:
        if self._days is not None:
            first, last = min(first, self._days[0]), max(last, self._days[1])
        starts, ends, before, upto, total = [], [], [], [], 0
        day = first
        while day <= last:
            for a, b in day_intervals(self.spec, day):
                a_, b_ = (a - _EPOCH) // _SECOND, (b - _EPOCH) // _SECOND
                if ends and a_ < ends[-1]:  # not seen in any zone: then the walk answers
                    self._broken = True
                    return
                starts.append(a_)
                ends.append(b_)
                before.append(total)
                total += b_ - a_
                upto.append(total)
            day += dt.timedelta(days=1)
        midnight = dt.time(tzinfo=UTC)
        self._lo = (dt.datetime.combine(first, midnight) + _MARGIN - _EPOCH) // _SECOND
        self._hi = (dt.datetime.combine(last, midnight) - _MARGIN - _EPOCH) // _SECOND
        self._days, self._starts, self._ends = (first, last), starts, ends
        self._before, self._upto = before, upto

    def _widen(self, at: dt.datetime, days: int) -> None:
        day = at.astimezone(UTC).date()
        self._cover(day - dt.timedelta(days=7), day + dt.timedelta(days=days))

    def _worked(self, t: int) -> int:
        """Working seconds of the span before the instant ``t`` (within the span)."""
        i = bisect_right(self._ends, t)
        if i == len(self._ends):
            return self._upto[-1] if self._upto else 0
        return self._before[i] + max(0, t - self._starts[i])

    def add(self, start: dt.datetime, seconds: int) -> dt.datetime:
        _require_aware(start)
        if seconds <= 0 or start.microsecond or self._broken:
            return add_business_seconds(self.spec, start, seconds)
        s = (start - _EPOCH) // _SECOND
        for attempt in range(2):
            if self._days is not None and s >= self._lo:
                target = self._worked(s) + seconds
                j = bisect_left(self._upto, target)
                if j < len(self._ends) and self._ends[j] <= self._hi:
                    return _EPOCH + _SECOND * (self._starts[j] + target - self._before[j])
            if attempt == 0 and not self._broken:
                # a year ahead beyond the needed span: targets are days, not months
                self._widen(start, 400 + seconds // 86400 * 3)
        return add_business_seconds(self.spec, start, seconds)

    def between(self, a: dt.datetime, b: dt.datetime) -> int:
        _require_aware(a, b)
        if b < a:
            return -self.between(b, a)
        if a.microsecond or b.microsecond or self._broken:
            return business_seconds_between(self.spec, a, b)
        a_, b_ = (a - _EPOCH) // _SECOND, (b - _EPOCH) // _SECOND
        for attempt in range(2):
            if self._days is not None and self._lo <= a_ and b_ <= self._hi:
                return self._worked(b_) - self._worked(a_)
            if attempt == 0 and not self._broken:
                self._widen(a, (b - a).days + 400)
        return business_seconds_between(self.spec, a, b)
