"""SLA fixtures: the demo Berlin calendar, policies, and a stand-in record for clocks."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from steward.core.actor import Actor
from steward.sla import demo
from steward.sla.selectors.business_time import CalendarSpec
from tests import factories

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
OFFICE = {day: [("08:00", "12:00"), ("13:00", "18:00")] for day in range(5)}
SYSTEM = Actor.system("tests")


def berlin(*args: int) -> dt.datetime:
    """A Berlin wall-clock instant: ``berlin(2026, 3, 27, 17, 0)``."""
    return dt.datetime(*args, tzinfo=BERLIN)


def office_spec(time_zone: str = "Europe/Berlin", **kwargs) -> CalendarSpec:
    """Mon-Fri 08:00-12:00 and 13:00-18:00 (9 business hours a day)."""
    return CalendarSpec.from_hours(time_zone, OFFICE, **kwargs)


def office_hours() -> list[dict]:
    return [
        {"weekday": day, "start": start, "end": end}
        for day, intervals in OFFICE.items()
        for start, end in intervals
    ]


@pytest.fixture
def calendar(db):
    """The demo calendar (Berlin, DE/BE holidays) with policies P1 to P5."""
    return demo.load()


@pytest.fixture
def record(db):
    """Clocks hang off any record; a team stands in until incidents use them."""
    return factories.TeamFactory()
