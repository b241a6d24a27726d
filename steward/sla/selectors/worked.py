"""Working time before an instant, kept per process and calendar, for the clocks of a page.

A queue page shows ~100 clocks; the running ones (~70) each asked ``business_seconds_between``
from their start to now: a walk over the first and last local days and the year totals,
their UTC conversions and ``CalendarSpec`` hashes, per clock (decision 0064: 2.1-3.4 ms of the
API selector's 3.4-4.0). Here a calendar's working intervals over a span of days are kept
as epoch seconds with the working time before each (as ``Timeline`` holds them for a batch),
per process and per spec: the spec is the calendar as the stamps last loaded it
(``calendars._specs``, ``SLA_CONFIG``), so a changed calendar is a new key and its old span
is never asked again. A page asks "worked before now" once per calendar and "worked before
this clock's start" once per clock, each a bisection on integers (decision 0070).

The answer is the walk's to the microsecond: intervals start and end on whole seconds and
never overlap (``Span`` refuses them otherwise), so the working time from ``a`` to ``b`` is
the working time before ``b`` less that before ``a``, in microseconds, floored to seconds as
the walk floors its sum of ``timedelta``. What a span cannot answer (intervals out of order,
an instant outside what it covers after widening) goes to the walk.
"""

from __future__ import annotations

import datetime as dt
import threading
from bisect import bisect_right
from functools import lru_cache

from steward.sla.selectors.business_time import (
    CalendarSpec,
    business_seconds_between,
    day_intervals,
)

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICRO = dt.timedelta(microseconds=1)
_SECOND = dt.timedelta(seconds=1)
_MILLION = 1_000_000
_DAY = dt.timedelta(days=1)
_MARGIN = 2 * 86400 * _MILLION  # more than any zone's offset: a local day lies within it
# how far a span reaches before the earliest start asked and after "now": a week back, a
# year ahead, so a process widens it rarely (each widening builds the whole span again)
_BEFORE = dt.timedelta(days=7)
_AHEAD = dt.timedelta(days=400)


def micros(at: dt.datetime) -> int:
    """An aware instant as whole microseconds since 1970-01-01 UTC."""
    return (at - _EPOCH) // _MICRO


class Span:
    """A calendar's working intervals over whole local days ``first`` to ``last``, as epoch
    seconds, and the working seconds before each: immutable, so a thread that holds one
    answers from it while another widens the calendar's."""

    __slots__ = ("before", "ends", "first", "hi", "last", "lo", "starts", "upto")

    def __init__(self, spec: CalendarSpec, first: dt.date, last: dt.date) -> None:
        starts: list[int] = []
        ends: list[int] = []
        before: list[int] = []
        upto: list[int] = []
        total = 0
        day = first
        while day <= last:
            for a, b in day_intervals(spec, day):
                a_, b_ = (a - _EPOCH) // _SECOND, (b - _EPOCH) // _SECOND
                if ends and a_ < ends[-1]:  # not seen in any zone: the walk answers then
                    raise ValueError("working intervals out of order")
                starts.append(a_)
                ends.append(b_)
                before.append(total)
                total += b_ - a_
                upto.append(total)
            day += _DAY
        midnight = dt.time(tzinfo=dt.UTC)
        self.first, self.last = first, last
        # microseconds within which every instant's working time is complete
        self.lo = micros(dt.datetime.combine(first, midnight)) + _MARGIN
        self.hi = micros(dt.datetime.combine(last, midnight)) - _MARGIN
        self.starts, self.ends, self.before, self.upto = starts, ends, before, upto

    def covers(self, lo: int, hi: int) -> bool:
        return self.lo <= lo and hi <= self.hi

    def worked(self, t: int) -> int:
        """Working microseconds of the span before the instant ``t`` (microseconds)."""
        i = bisect_right(self.ends, t // _MILLION)
        if i == len(self.ends):
            return self.upto[-1] * _MILLION if self.upto else 0
        return self.before[i] * _MILLION + max(0, t - self.starts[i] * _MILLION)


class Worked:
    """One calendar's span, widened when a page asks outside it."""

    def __init__(self, spec: CalendarSpec) -> None:
        self.spec = spec
        self._span: Span | None = None
        self._broken = False
        self._lock = threading.Lock()

    def span(self, lo: int, hi: int) -> Span | None:
        """A span in which the instants ``lo`` to ``hi`` (microseconds) are complete, or
        ``None`` when the calendar's intervals cannot be held (the walk answers)."""
        span = self._span
        if span is not None and span.covers(lo, hi):
            return span
        if self._broken:
            return None
        first = (_EPOCH + lo * _MICRO - _BEFORE).date()
        last = (_EPOCH + hi * _MICRO + _AHEAD).date()
        if span is not None:
            first, last = min(first, span.first), max(last, span.last)
        with self._lock:  # one thread builds; the others wait for it rather than build too
            span = self._span
            if span is not None and span.covers(lo, hi):
                return span
            try:
                span = Span(self.spec, first, last)
            except ValueError:
                self._broken = True
                return None
            self._span = span
        return span if span.covers(lo, hi) else None


@lru_cache(maxsize=64)
def worked(spec: CalendarSpec) -> Worked:
    """The process's ``Worked`` of a calendar spec (a changed calendar is another spec)."""
    return Worked(spec)


def elapsed_many(spec: CalendarSpec, since: list[dt.datetime], now: dt.datetime) -> list[int]:
    """``business_seconds_between(spec, s, max(now, s))`` for each ``s`` in ``since``: the
    business seconds each running clock has counted since it last started."""
    now_ = micros(now)
    starts = [micros(s) for s in since]
    earliest = min(starts, default=now_)
    if earliest >= now_:  # nothing started before now: nothing counted
        return [0] * len(starts)
    span = worked(spec).span(earliest, now_)
    if span is None:
        return [business_seconds_between(spec, s, max(now, s)) for s in since]
    at_now = span.worked(now_)
    return [(at_now - span.worked(s)) // _MILLION if s < now_ else 0 for s in starts]
