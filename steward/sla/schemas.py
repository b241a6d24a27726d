"""API shapes of business calendars and SLA policies."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from steward.api.http import In
from steward.sla import selectors

TIME = r"^\d{2}:\d{2}$"


class WorkingHoursIO(Schema):
    weekday: int = Field(..., description="0 = Monday … 6 = Sunday")
    start: str = Field(..., pattern=TIME, description="local wall-clock, HH:MM")
    end: str = Field(..., pattern=TIME, description="HH:MM; 24:00 for midnight")


class WorkingHoursIn(WorkingHoursIO, In):
    pass


class ClosureIO(Schema):
    date: dt.date
    name: str = Field(..., max_length=100)


class ClosureIn(ClosureIO, In):
    pass


class CalendarOut(Schema):
    slug: str
    name: str
    time_zone: str
    holiday_country: str
    holiday_subdivision: str
    working_hours: list[WorkingHoursIO]
    closures: list[ClosureIO]
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_working_hours(obj) -> list[dict]:  # noqa: ANN001
        return [
            {
                "weekday": h.weekday,
                "start": f"{h.start:%H:%M}",
                "end": "24:00" if h.end == dt.time(0) else f"{h.end:%H:%M}",
            }
            for h in obj.working_hours.all()
        ]

    @staticmethod
    def resolve_closures(obj) -> list[dict]:  # noqa: ANN001
        return [{"date": c.date, "name": c.name} for c in obj.closures.all()]


class HolidayOut(Schema):
    date: dt.date
    name: str = Field(..., description="in the country's own language, e.g. Neujahr")


class CalendarDetailOut(CalendarOut):
    """One calendar as its detail, create and patch answer it: a list page leaves out the
    public holidays (decision 0130)."""

    holidays: list[HolidayOut] = Field(
        ...,
        description="the stored public holidays of the next twelve months, from today in the "
        "calendar's time zone up to the same date a year on, by date; empty without a "
        "country, or while its rows are not yet stored (docs/sla.md)",
    )

    @staticmethod
    def resolve_holidays(obj) -> list[dict]:  # noqa: ANN001
        return [{"date": h.date, "name": h.name} for h in selectors.calendar_holidays_ahead(obj)]


class CalendarCreateIn(In):
    name: str = Field(..., max_length=120)
    slug: str = Field("", max_length=60)
    time_zone: str = Field(..., max_length=64, description="IANA name, e.g. Europe/Berlin")
    holiday_country: str = Field("", max_length=3, description="e.g. DE; empty for none")
    holiday_subdivision: str = Field("", max_length=10, description="e.g. BE")
    working_hours: list[WorkingHoursIn] = Field(..., max_length=168)
    closures: list[ClosureIn] = Field(default_factory=list, max_length=2000)


class CalendarPatchIn(In):
    version: int | None = None
    name: str | None = Field(None, max_length=120)
    time_zone: str | None = Field(None, max_length=64)
    holiday_country: str | None = Field(None, max_length=3)
    holiday_subdivision: str | None = Field(None, max_length=10)
    working_hours: list[WorkingHoursIn] | None = Field(None, max_length=168)
    closures: list[ClosureIn] | None = Field(None, max_length=2000)


class PolicyOut(Schema):
    slug: str
    name: str
    calendar: str = Field(..., alias="calendar.slug")
    priorities: list[int]
    categories: list[str]
    services: list[str]
    organisations: list[str]
    precedence: int
    response_minutes: int
    resolution_minutes: int
    warning_percent: int
    pause_awaiting_approval: bool
    is_active: bool
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class PolicyCreateIn(In):
    name: str = Field(..., max_length=120)
    slug: str = Field("", max_length=60)
    calendar: str = Field(..., max_length=60, description="calendar slug")
    priorities: list[int] = Field(default_factory=list, max_length=5)
    categories: list[str] = Field(default_factory=list, max_length=200)
    services: list[str] = Field(default_factory=list, max_length=200)
    organisations: list[str] = Field(default_factory=list, max_length=200)
    precedence: int = 100
    response_minutes: int = Field(..., description="business minutes")
    resolution_minutes: int = Field(..., description="business minutes")
    warning_percent: int = 75
    pause_awaiting_approval: bool = Field(
        False, description="catalogue requests: no counting while awaiting approval"
    )
    is_active: bool = True


class PolicyPatchIn(In):
    version: int | None = None
    name: str | None = Field(None, max_length=120)
    calendar: str | None = Field(None, max_length=60)
    priorities: list[int] | None = Field(None, max_length=5)
    categories: list[str] | None = Field(None, max_length=200)
    services: list[str] | None = Field(None, max_length=200)
    organisations: list[str] | None = Field(None, max_length=200)
    precedence: int | None = None
    response_minutes: int | None = None
    resolution_minutes: int | None = None
    warning_percent: int | None = None
    pause_awaiting_approval: bool | None = None
    is_active: bool | None = None
