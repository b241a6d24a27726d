"""The default period is the last 12 weeks up to the end day: a weekly figure has 12 rows
whatever the day of the week (it had 13 on every day but a Sunday: the journey of the team
lead failed on a Monday)."""

from __future__ import annotations

import datetime as dt

import pytest

from steward.reports.selectors.reach import period_of


@pytest.mark.parametrize("offset", range(7))
def test_the_default_period_has_twelve_weeks_on_every_day_of_the_week(offset):
    end = dt.date(2026, 12, 7) + dt.timedelta(days=offset)  # a Monday, then each day after

    period = period_of(None, end)

    assert period.end == end
    assert period.start.weekday() == 0  # whole weeks: it starts on a Monday
    assert len(period.weeks()) == 12
    assert period.weeks()[-1] <= end < period.weeks()[-1] + dt.timedelta(weeks=1)


def test_a_given_start_is_kept():
    period = period_of(dt.date(2026, 11, 4), dt.date(2026, 12, 7))

    assert (period.start, period.end) == (dt.date(2026, 11, 4), dt.date(2026, 12, 7))
