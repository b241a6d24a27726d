"""The process's working time per calendar (``worked``, decision 0070) answers as the day
walk does: the business seconds of running clocks since their start, to the microsecond's
floor, on random calendars (holidays, closures, zones with DST, a change at midnight), one
calendar asked many pages in any order (its span widened back and forth)."""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from steward.sla.selectors import worked
from steward.sla.selectors.business_time import business_seconds_between
from tests.sla.conftest import office_spec
from tests.sla.test_business_time_properties import PROPERTY, instants, specs, whole_seconds


def _walked(spec, since, now):
    return [business_seconds_between(spec, s, max(now, s)) for s in since]


@settings(PROPERTY, max_examples=60)
@given(
    spec=specs(),
    pages=st.lists(
        st.tuples(st.lists(instants | whole_seconds, max_size=8), instants | whole_seconds),
        min_size=1,
        max_size=6,
    ),
)
def test_each_pages_clocks_equal_the_walk(spec, pages):
    worked.worked.cache_clear()  # a fresh span per example: its widening is what is tested
    for since, now in pages:
        assert worked.elapsed_many(spec, since, now) == _walked(spec, since, now), (since, now)


def test_a_year_of_minutes_on_the_office_calendar():
    """Berlin office hours with Berlin's holidays and two closures: clocks started at every
    97th minute (and a few microseconds) of a year, read at instants on both sides of the DST
    changes, a holiday and a weekend; clocks that start after "now" have counted nothing."""
    spec = office_spec(
        holiday_country="DE",
        holiday_subdivision="BE",
        closures=frozenset({dt.date(2026, 12, 24), dt.date(2026, 12, 31)}),
    )
    origin = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    since = [
        origin + dt.timedelta(minutes=minute, microseconds=minute % 7 * 131_071)
        for minute in range(0, 366 * 24 * 60, 97)
    ]
    nows = [
        dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC),  # Berlin springs forward
        dt.datetime(2026, 10, 25, 0, 59, 59, 999_999, tzinfo=dt.UTC),  # and falls back
        dt.datetime(2026, 12, 24, 11, 0, 0, 1, tzinfo=dt.UTC),  # a closure
        dt.datetime(2026, 12, 26, 12, 0, tzinfo=dt.UTC),  # a public holiday, Saturday
        dt.datetime(2027, 1, 4, 8, 0, 0, 500_000, tzinfo=dt.UTC),  # a Monday morning
    ]
    worked.worked.cache_clear()
    zeros = 0
    for now in nows:
        got = worked.elapsed_many(spec, since, now)
        assert got == _walked(spec, since, now), now
        zeros += got.count(0)
    assert max(got) > 200 * 9 * 3600  # not vacuous: most of a year of working days
    assert zeros > 1000  # and clocks started after "now", or in no working time since


def test_a_calendar_whose_intervals_cannot_be_held_is_walked(monkeypatch):
    """A span refuses intervals out of order; the walk answers for that calendar then."""
    spec = office_spec()
    worked.worked.cache_clear()

    def refuse(*args):
        raise ValueError("working intervals out of order")

    monkeypatch.setattr(worked, "Span", refuse)
    since = [dt.datetime(2026, 3, 2, 9, 30, 0, 250, tzinfo=dt.UTC)]
    now = dt.datetime(2026, 3, 9, 10, 0, tzinfo=dt.UTC)
    expected = [5 * 9 * 3600 + 1799]  # five days and 250 µs short of half an hour
    assert worked.elapsed_many(spec, since, now) == _walked(spec, since, now) == expected
