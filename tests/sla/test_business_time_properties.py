"""Properties of business time on random calendars, zones (with DST) and instants."""

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from steward.sla.selectors.business_time import (
    CalendarSpec,
    add_business_seconds,
    business_seconds_between,
    is_working_day,
    is_working_time,
    working_intervals,
)

ZONES = [
    "Europe/Berlin",
    "America/New_York",
    "Australia/Sydney",
    "America/Santiago",  # DST changes at midnight: the day itself starts in a gap
    "America/Havana",
    "Asia/Kolkata",
    "UTC",
]
TICK = dt.timedelta(microseconds=1)
PROPERTY = settings(max_examples=150, deadline=None, database=None)


@st.composite
def day_intervals(draw, step: int) -> tuple[tuple[int, int], ...]:
    """Up to three sorted, disjoint intervals on a grid of ``step`` minutes."""
    points = draw(st.lists(st.integers(0, 1440 // step), min_size=0, max_size=6, unique=True))
    points = sorted(p * step for p in points)
    if len(points) % 2:
        points = points[:-1]
    return tuple(zip(points[::2], points[1::2], strict=True))


@st.composite
def specs(draw, step: int = 15) -> CalendarSpec:
    weekly = tuple(draw(day_intervals(step)) for _ in range(7))
    if not any(weekly):
        weekly = ((draw(st.sampled_from([(480, 1020), (0, 1440), (60, 120)])),),) + weekly[1:]
    country = draw(st.sampled_from(["", "DE", "US"]))
    closures = draw(st.frozensets(st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31)), max_size=8))
    return CalendarSpec(
        time_zone=draw(st.sampled_from(ZONES)),
        weekly=weekly,
        holiday_country=country,
        closures=closures,
    )


instants = st.datetimes(
    min_value=dt.datetime(2025, 12, 1),
    max_value=dt.datetime(2027, 1, 31),
    timezones=st.just(dt.UTC),
)
# the clock services keep instants to the whole second, as this property does
whole_seconds = instants.map(lambda t: t.replace(microsecond=0))
durations = st.integers(min_value=0, max_value=400_000)


@PROPERTY
@given(spec=specs(), start=instants, seconds=st.integers(min_value=1, max_value=400_000))
def test_a_due_time_never_falls_outside_working_time(spec, start, seconds):
    due = add_business_seconds(spec, start, seconds)

    assert due > start
    assert is_working_time(spec, due - TICK)  # the last moment before it was worked


@PROPERTY
@given(spec=specs(), start=instants, seconds=durations)
def test_between_undoes_add(spec, start, seconds):
    due = add_business_seconds(spec, start, seconds)

    assert business_seconds_between(spec, start, due) == seconds


@PROPERTY
@given(spec=specs(), end=instants, seconds=durations)
def test_walking_back_is_undone_by_between(spec, end, seconds):
    start = add_business_seconds(spec, end, -seconds)

    assert start <= end
    assert business_seconds_between(spec, start, end) == seconds


@PROPERTY
@given(spec=specs(), start=instants, first=durations, second=durations)
def test_adding_in_two_steps_is_adding_once(spec, start, first, second):
    halfway = add_business_seconds(spec, start, first)

    assert add_business_seconds(spec, halfway, second) == add_business_seconds(
        spec, start, first + second
    )
    assert halfway <= add_business_seconds(spec, start, first + second)


@PROPERTY
@given(
    spec=specs(),
    start=whole_seconds,
    target=st.integers(min_value=60, max_value=300_000),
    run=st.integers(min_value=0, max_value=20 * 86400).map(lambda s: dt.timedelta(seconds=s)),
    pause=st.integers(min_value=0, max_value=20 * 86400).map(lambda s: dt.timedelta(seconds=s)),
)
def test_pausing_moves_the_due_time_by_exactly_the_paused_business_time(
    spec, start, target, run, pause
):
    # the formula the clock services use: bank elapsed time at the pause, resume from there
    due = add_business_seconds(spec, start, target)
    paused_at, resumed_at = start + run, start + run + pause
    consumed = business_seconds_between(spec, start, paused_at)
    if consumed >= target:
        return  # breached before the pause: the due time is history
    new_due = add_business_seconds(spec, resumed_at, target - consumed)

    assert business_seconds_between(spec, due, new_due) == business_seconds_between(
        spec, paused_at, resumed_at
    )


def _oracle(spec: CalendarSpec, a: dt.datetime, b: dt.datetime) -> int:
    """Minute by minute: is the wall clock inside a working interval of a working day?"""
    zone = ZoneInfo(spec.time_zone)
    total, minute = 0, a
    while minute < b:
        wall = minute.astimezone(zone)
        of_day = wall.hour * 60 + wall.minute
        if is_working_day(spec, wall.date()) and any(
            s <= of_day < e for s, e in spec.weekly[wall.weekday()]
        ):
            total += 60
        minute += dt.timedelta(minutes=1)
    return total


@settings(max_examples=60, deadline=None, database=None)
@given(
    spec=specs(step=60),
    start=instants.map(lambda t: t.replace(second=0, microsecond=0)),
    minutes=st.integers(min_value=0, max_value=3 * 24 * 60),
)
def test_between_agrees_with_counting_minute_by_minute(spec, start, minutes):
    # On whole hours the DST rules (skipped hour: from the end of the gap; repeated hour:
    # first occurrence) equal plain wall-clock membership, which the oracle counts.
    end = start + dt.timedelta(minutes=minutes)

    assert business_seconds_between(spec, start, end) == _oracle(spec, start, end)


@PROPERTY
@given(
    start=st.datetimes(
        min_value=dt.datetime(2026, 3, 20),
        max_value=dt.datetime(2026, 4, 5),
        timezones=st.just(dt.UTC),
    )
    | st.datetimes(
        min_value=dt.datetime(2026, 10, 20),
        max_value=dt.datetime(2026, 11, 5),
        timezones=st.just(dt.UTC),
    ),
    zone=st.sampled_from(["Europe/Berlin", "America/New_York"]),
    seconds=st.integers(min_value=1, max_value=5 * 9 * 3600),
)
def test_office_due_times_show_office_hours_on_the_wall_clock_around_dst(start, zone, seconds):
    spec = CalendarSpec.from_hours(
        zone, {d: [("08:00", "12:00"), ("13:00", "18:00")] for d in range(5)}
    )

    wall = add_business_seconds(spec, start, seconds).astimezone(ZoneInfo(zone))

    assert wall.weekday() < 5
    assert dt.time(8, 0) < wall.time() <= dt.time(12, 0) or (
        dt.time(13, 0) < wall.time() <= dt.time(18, 0)
    )


@PROPERTY
@given(specs(), instants, instants)
def test_between_over_many_days_equals_the_sum_of_each_days_intervals(spec, a, b):
    """The running totals of whole days (a long-running clock's shortcut) add up to the
    same as walking the intervals one by one, across year ends and DST changes."""
    a, b = min(a, b), max(a, b)
    walked = sum((y - x for x, y in working_intervals(spec, a, b)), dt.timedelta())

    assert business_seconds_between(spec, a, b) == walked // dt.timedelta(seconds=1)
    assert business_seconds_between(spec, b, a) == -(walked // dt.timedelta(seconds=1))
