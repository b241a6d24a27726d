"""Business-time arithmetic on known dates: weekends, lunch, DST changes, holidays."""

import datetime as dt

import pytest

from steward.sla.selectors.business_time import (
    CalendarSpec,
    add_business_seconds,
    business_seconds_between,
    day_intervals,
    is_working_time,
)
from tests.sla.conftest import BERLIN, NEW_YORK, berlin, office_spec

HOUR = 3600
ALWAYS = {day: [("00:00", "24:00")] for day in range(7)}


def local(zone, *args):
    return dt.datetime(*args, tzinfo=zone)


@pytest.mark.parametrize(
    ("start", "seconds", "due"),
    [
        (berlin(2026, 3, 2, 8, 0), 4 * HOUR, berlin(2026, 3, 2, 12, 0)),
        (berlin(2026, 3, 2, 11, 30), HOUR, berlin(2026, 3, 2, 13, 30)),
        (berlin(2026, 3, 2, 12, 15), 30 * 60, berlin(2026, 3, 2, 13, 30)),
        (berlin(2026, 3, 6, 17, 0), 3 * HOUR, berlin(2026, 3, 9, 10, 0)),
        (berlin(2026, 3, 7, 10, 0), HOUR, berlin(2026, 3, 9, 9, 0)),
        (berlin(2026, 3, 2, 19, 0), 9 * HOUR, berlin(2026, 3, 3, 18, 0)),
    ],
    ids=["whole-morning", "over-lunch", "from-lunch", "over-weekend", "from-saturday", "a-day"],
)
def test_add_walks_over_breaks_nights_and_weekends(start, seconds, due):
    spec = office_spec()

    assert add_business_seconds(spec, start, seconds) == due
    assert business_seconds_between(spec, start, due) == seconds


def test_zero_seconds_is_the_start_itself():
    start = berlin(2026, 3, 7, 10, 0)

    assert add_business_seconds(office_spec(), start, 0) == start


def test_due_at_the_end_of_a_stretch_is_that_end_not_the_next_start():
    due = add_business_seconds(office_spec(), berlin(2026, 3, 6, 13, 0), 5 * HOUR)

    assert due == berlin(2026, 3, 6, 18, 0)  # Friday evening, not Monday morning


def test_negative_seconds_walk_back():
    spec = office_spec()

    assert add_business_seconds(spec, berlin(2026, 3, 9, 9, 0), -2 * HOUR) == berlin(
        2026, 3, 6, 17, 0
    )
    assert business_seconds_between(spec, berlin(2026, 3, 9, 9, 0), berlin(2026, 3, 6, 17, 0)) == (
        -2 * HOUR
    )


@pytest.mark.parametrize(
    ("zone", "start", "due"),
    [
        (BERLIN, (2026, 3, 27, 17, 0), (2026, 3, 30, 9, 0)),
        (BERLIN, (2026, 10, 23, 17, 0), (2026, 10, 26, 9, 0)),
        (NEW_YORK, (2026, 3, 6, 17, 0), (2026, 3, 9, 9, 0)),
        (NEW_YORK, (2026, 10, 30, 17, 0), (2026, 11, 2, 9, 0)),
    ],
    ids=["berlin-spring", "berlin-autumn", "new-york-spring", "new-york-autumn"],
)
def test_office_hours_keep_their_wall_clock_across_dst(zone, start, due):
    spec = office_spec(zone.key)
    start, due = local(zone, *start), local(zone, *due)

    result = add_business_seconds(spec, start, 2 * HOUR)

    assert result == due
    assert result.astimezone(zone).hour == 9
    # the weekend holds the DST change: the UTC gap differs from the local one by an hour
    assert (result - start) != (due.replace(tzinfo=None) - start.replace(tzinfo=None))


@pytest.mark.parametrize(
    ("zone", "day", "hours"),
    [
        (BERLIN, dt.date(2026, 3, 29), 23),
        (BERLIN, dt.date(2026, 10, 25), 25),
        (NEW_YORK, dt.date(2026, 3, 8), 23),
        (NEW_YORK, dt.date(2026, 11, 1), 25),
        (BERLIN, dt.date(2026, 3, 30), 24),
    ],
    ids=["berlin-spring", "berlin-autumn", "new-york-spring", "new-york-autumn", "plain-day"],
)
def test_a_round_the_clock_day_has_its_real_length(zone, day, hours):
    spec = CalendarSpec.from_hours(zone.key, ALWAYS)
    midnight = local(zone, day.year, day.month, day.day)
    next_midnight = midnight.replace(tzinfo=None) + dt.timedelta(days=1)

    assert business_seconds_between(spec, midnight, next_midnight.replace(tzinfo=zone)) == (
        hours * HOUR
    )


def test_round_the_clock_time_jumps_with_the_wall_clock_in_spring():
    spec = CalendarSpec.from_hours("Europe/Berlin", ALWAYS)

    due = add_business_seconds(spec, berlin(2026, 3, 29, 1, 30), HOUR)

    assert due.astimezone(BERLIN).replace(tzinfo=None) == dt.datetime(2026, 3, 29, 3, 30)


def test_interval_starting_in_the_skipped_hour_starts_when_the_clock_resumes():
    spec = CalendarSpec.from_hours("Europe/Berlin", {6: [("02:30", "04:00")]})

    [(start, end)] = day_intervals(spec, dt.date(2026, 3, 29))

    assert start.astimezone(BERLIN).replace(tzinfo=None) == dt.datetime(2026, 3, 29, 3, 0)
    assert end - start == dt.timedelta(hours=1)


def test_interval_over_the_repeated_hour_counts_it_twice():
    spec = CalendarSpec.from_hours("Europe/Berlin", {6: [("02:00", "03:00")]})

    [(start, end)] = day_intervals(spec, dt.date(2026, 10, 25))

    assert end - start == dt.timedelta(hours=2)


@pytest.mark.parametrize(
    ("country", "subdivision", "start", "due"),
    [
        ("DE", "", (2026, 12, 24, 17, 0), (2026, 12, 28, 9, 0)),
        ("", "", (2026, 12, 24, 17, 0), (2026, 12, 25, 9, 0)),
        ("DE", "BE", (2026, 4, 2, 17, 0), (2026, 4, 7, 9, 0)),
        ("DE", "BY", (2026, 1, 5, 17, 0), (2026, 1, 7, 9, 0)),
        ("DE", "BE", (2026, 1, 5, 17, 0), (2026, 1, 6, 9, 0)),
    ],
    ids=["christmas", "no-holidays", "easter", "epiphany-bavaria", "no-epiphany-berlin"],
)
def test_public_holidays_are_not_working_days(country, subdivision, start, due):
    spec = office_spec(holiday_country=country, holiday_subdivision=subdivision)

    assert add_business_seconds(spec, berlin(*start), 2 * HOUR) == berlin(*due)


def test_closures_are_not_working_days():
    spec = office_spec(closures=frozenset({dt.date(2026, 3, 9)}))

    assert add_business_seconds(spec, berlin(2026, 3, 6, 17, 0), 2 * HOUR) == berlin(
        2026, 3, 10, 9, 0
    )


def test_working_time_includes_the_start_and_excludes_the_end_of_an_interval():
    spec = office_spec()

    assert is_working_time(spec, berlin(2026, 3, 2, 8, 0))
    assert not is_working_time(spec, berlin(2026, 3, 2, 12, 0))
    assert not is_working_time(spec, berlin(2026, 3, 7, 10, 0))


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="aware"):
        add_business_seconds(office_spec(), dt.datetime(2026, 3, 2, 8, 0), HOUR)


@pytest.mark.parametrize(
    "weekly",
    [
        ((),) * 7,
        (((480, 720), (600, 900)),) + ((),) * 6,
        (((720, 480),),) + ((),) * 6,
        ((),) * 6,
    ],
    ids=["no-time", "overlap", "backwards", "six-days"],
)
def test_a_spec_must_be_well_formed(weekly):
    with pytest.raises(ValueError):  # noqa: PT011 - the message varies by case
        CalendarSpec(time_zone="UTC", weekly=weekly)


def test_a_calendar_closed_for_good_fails_instead_of_looping():
    mondays = frozenset(dt.date(2026, 1, 5) + dt.timedelta(weeks=n) for n in range(200))
    spec = CalendarSpec.from_hours("UTC", {0: [("08:00", "09:00")]}, closures=mondays)

    with pytest.raises(ValueError, match="no working time"):
        add_business_seconds(spec, dt.datetime(2026, 1, 1, tzinfo=dt.UTC), HOUR)


_OURS = """
import json, sys, django
django.setup()
from steward.sla.selectors.business_time import _holiday_dates
found = {f"{c}-{s}-{y}": sorted(map(str, _holiday_dates(c, s, y))) for c, s, y in CASES}
print(json.dumps([found, "holidays.countries" in sys.modules]))
"""
_PLAIN = """
import json, holidays
found = {
    f"{c}-{s}-{y}": sorted(map(str, holidays.country_holidays(c, subdiv=s or None, years=y)))
    for c, s, y in CASES
}
print(json.dumps([found, True]))
"""


def _run(code, cases):
    import json
    import os
    import subprocess
    import sys

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "steward.settings"}
    source = f"CASES = {cases!r}\n{code}"
    done = subprocess.run(
        [sys.executable, "-c", source], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.splitlines()[-1])


def test_a_calendar_loads_its_country_alone_with_the_packages_dates():
    """The first calendar naming a country imports that country's module, not the ~250 of
    ``holidays.countries`` (decision 0045): a fresh process, as a web worker is, with the
    dates the package itself gives."""
    cases = [("DE", "BY", 2026), ("DE", "BE", 2025), ("US", "CA", 2026), ("FR", "", 2026)]
    cases += [("GB", "SCT", 2026), ("CH", "ZH", 2027), ("AT", "", 2026)]
    ours, package_loaded = _run(_OURS, cases)
    plain, _ = _run(_PLAIN, cases)
    assert not package_loaded
    assert ours == plain
    assert "2026-01-06" in ours["DE-BY-2026"]  # Epiphany: Bavaria's, not Berlin's
