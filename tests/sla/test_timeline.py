"""A ``Timeline`` answers as the day walk does: due times and business time between instants
on random calendars (holidays, closures, zones with DST, a change at midnight), one
timeline asked many questions in any order, as a batch asks them."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from steward.sla.selectors.business_time import (
    CalendarSpec,
    Timeline,
    add_business_seconds,
    business_seconds_between,
)
from tests.sla.test_business_time_properties import PROPERTY, instants, specs, whole_seconds

amounts = st.integers(min_value=-400_000, max_value=1_000_000)


def _walk(spec, start, seconds):
    try:
        return add_business_seconds(spec, start, seconds)
    except ValueError as exc:  # no working time in reach: the timeline must say so too
        return str(exc)


def _timeline(line, start, seconds):
    try:
        return line.add(start, seconds)
    except ValueError as exc:
        return str(exc)


@PROPERTY
@given(
    spec=specs(),
    questions=st.lists(st.tuples(whole_seconds | instants, amounts), min_size=1, max_size=12),
)
def test_due_times_equal_the_walks(spec, questions):
    line = Timeline(spec)
    for start, seconds in questions:
        expected = _walk(spec, start, seconds)
        got = _timeline(line, start, seconds)
        assert got == expected, (start, seconds)
        if isinstance(got, dt.datetime):
            assert got.tzinfo is expected.tzinfo  # the same value in every respect
        # the functions take a timeline in place of its spec
        assert _walk(line, start, seconds) == expected


@PROPERTY
@given(
    spec=specs(),
    pairs=st.lists(st.tuples(whole_seconds | instants, whole_seconds), min_size=1, max_size=12),
)
def test_business_time_between_equals_the_walks(spec, pairs):
    line = Timeline(spec)
    for a, b in pairs:
        expected = business_seconds_between(spec, a, b)
        assert line.between(a, b) == expected, (a, b)
        assert business_seconds_between(line, a, b) == expected


def test_the_demo_calendar_across_weekends_holidays_and_closures():
    """Berlin office hours over Christmas and New Year 2026 (public holidays, two company
    closures, a weekend): every minute's start, targets from a quarter hour to 20 days."""
    spec = CalendarSpec.from_hours(
        "Europe/Berlin",
        {d: [("08:00", "12:00"), ("13:00", "18:00")] for d in range(5)},
        holiday_country="DE",
        holiday_subdivision="BE",
        closures=frozenset({dt.date(2026, 12, 24), dt.date(2026, 12, 31)}),
    )
    line = Timeline(spec)
    start = dt.datetime(2026, 12, 18, 16, 0, tzinfo=dt.UTC)
    for minute in range(0, 20 * 24 * 60, 37):
        at = start + dt.timedelta(minutes=minute)
        for seconds in (900, 3600, 4 * 3600, 27 * 3600, 20 * 9 * 3600):
            assert line.add(at, seconds) == add_business_seconds(spec, at, seconds), (at, seconds)
        end = at + dt.timedelta(hours=minute % 97)
        assert line.between(at, end) == business_seconds_between(spec, at, end)
