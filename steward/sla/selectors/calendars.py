"""Reads of business calendars: the visible ones, and the ORM-free spec that business-time
arithmetic computes on."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.utils import timezone

from steward.core import stamps
from steward.core.actor import Actor
from steward.core.errors import NotFound
from steward.core.pagination import Page, paginate
from steward.sla.models import BusinessCalendar, CalendarHoliday
from steward.sla.selectors.business_time import MINUTES_PER_DAY, CalendarSpec


def calendar_visible(actor: Actor) -> QuerySet[BusinessCalendar]:
    """Calendars are configuration: agents (and the system) read them, requesters do not."""
    qs = BusinessCalendar.objects.all()
    return qs if actor.is_agent else qs.none()


def calendar_list(
    actor: Actor, *, q: str = "", cursor: str | None = None, limit: int | None = None
) -> Page:
    """A page of calendars by name, with their hours and closures loaded."""
    qs = calendar_visible(actor).prefetch_related("working_hours", "closures")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(slug__icontains=q))
    return paginate(qs, order=("name", "id"), cursor=cursor, limit=limit)


def calendar_get(actor: Actor, *, slug: str, for_update: bool = False) -> BusinessCalendar:
    """One visible calendar; locked when ``for_update``."""
    qs = calendar_visible(actor)
    # A locked calendar is about to change its hours: no prefetch cache to go stale.
    qs = qs.select_for_update() if for_update else qs.prefetch_related("working_hours", "closures")
    calendar = qs.filter(slug=slug).first()
    if calendar is None:
        raise NotFound()
    return calendar


def end_minute(value: dt.time) -> int:
    """An interval's end in minutes of the day; 00:00 is midnight at the end (1440)."""
    minutes = value.hour * 60 + value.minute
    return minutes or MINUTES_PER_DAY


def calendar_spec(calendar: BusinessCalendar) -> CalendarSpec:
    """The ORM-free description ``business_time`` computes on: from the process's cache of
    every calendar's spec (reloaded when a calendar changes), else built from ``calendar``."""
    spec = _specs.get().get(calendar.pk)
    return spec if spec is not None else build_spec(calendar)


def spec_for_id(calendar_id: int) -> CalendarSpec:
    """``calendar_spec`` by the calendar's id (a clock row's), from the same cache."""
    spec = _specs.get().get(calendar_id)
    if spec is None:
        calendars = BusinessCalendar.objects.prefetch_related(*SPEC_ROWS)
        spec = build_spec(calendars.get(pk=calendar_id))
    return spec


SPEC_ROWS = ("working_hours", "closures", "public_holidays")  # what a spec is built from


def holidays_source(country: str, subdivision: str) -> str:
    """What ``BusinessCalendar.holidays_source`` says when its rows are this country's."""
    return f"{country}/{subdivision}" if country else ""


def stored_holiday_years(calendar: BusinessCalendar) -> tuple[int, int] | None:
    """The years whose public holidays are stored for the calendar's current country and
    subdivision; None when none are (a country changed outside the services, or not filled
    yet: business time then computes them, decision 0127)."""
    first, last = calendar.holidays_first, calendar.holidays_last
    source = holidays_source(calendar.holiday_country, calendar.holiday_subdivision)
    if not source or calendar.holidays_source != source or first is None or last is None:
        return None
    return first, last


def build_spec(calendar: BusinessCalendar) -> CalendarSpec:
    """The spec from the rows (three queries, or none if ``SPEC_ROWS`` are prefetched)."""
    weekly: list[list[tuple[int, int]]] = [[] for _ in range(7)]
    for row in calendar.working_hours.all():
        weekly[row.weekday].append((row.start.hour * 60 + row.start.minute, end_minute(row.end)))
    years = stored_holiday_years(calendar)
    holidays = frozenset(h.date for h in calendar.public_holidays.all()) if years else None
    return CalendarSpec(
        time_zone=calendar.time_zone,
        weekly=tuple(tuple(sorted(day)) for day in weekly),
        holiday_country=calendar.holiday_country,
        holiday_subdivision=calendar.holiday_subdivision,
        closures=frozenset(c.date for c in calendar.closures.all()),
        holidays=holidays or frozenset(),
        holiday_years=years,
    )


def _load_specs() -> dict[int, CalendarSpec]:
    calendars = BusinessCalendar.objects.prefetch_related(*SPEC_ROWS)
    return {calendar.pk: build_spec(calendar) for calendar in calendars}


def calendar_upcoming_holidays(
    calendar: BusinessCalendar, *, today: dt.date, limit: int = 12
) -> list[CalendarHoliday]:
    """The calendar's next stored public holidays from ``today`` (its detail page)."""
    if stored_holiday_years(calendar) is None:
        return []
    return list(calendar.public_holidays.filter(date__gte=today).order_by("date")[:limit])


def a_year_on(day: dt.date) -> dt.date:
    """The same date a year later (29 February: 1 March)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return dt.date(day.year + 1, 3, 1)


def calendar_holidays_ahead(
    calendar: BusinessCalendar, *, today: dt.date | None = None
) -> list[CalendarHoliday]:
    """The calendar's stored public holidays of the next twelve months (its API detail,
    decision 0130): from today in the calendar's time zone up to the same date a year on,
    excluded; at most a year's rows, one query. None while its rows are not its country's
    (business time then computes them, decision 0127): the package is never imported here."""
    if stored_holiday_years(calendar) is None:
        return []
    start = today or timezone.localdate(timezone=ZoneInfo(calendar.time_zone))
    rows = calendar.public_holidays.filter(date__gte=start, date__lt=a_year_on(start))
    return list(rows.order_by("date"))


# per process, reloaded when a calendar, its hours or closures change (apps.py, services)
_specs = stamps.Versioned(stamps.SLA_CONFIG, _load_specs)


class SpecCache:
    """Calendar specs by calendar id, built once per use case."""

    def __init__(self) -> None:
        self._specs: dict[int, CalendarSpec] = {}

    def __call__(self, calendar: BusinessCalendar) -> CalendarSpec:
        if calendar.pk not in self._specs:
            self._specs[calendar.pk] = calendar_spec(calendar)
        return self._specs[calendar.pk]


def weekly_hours(calendar: BusinessCalendar) -> list[list[tuple[str, str]]]:
    """Seven lists (Monday first) of ``("08:00", "12:00")`` intervals, as a person writes
    them: a midnight end is ``24:00`` (no query if hours are prefetched)."""
    weekly: list[list[tuple[str, str]]] = [[] for _ in range(7)]
    for row in sorted(calendar.working_hours.all(), key=lambda h: (h.weekday, h.start)):
        end = end_minute(row.end)
        weekly[row.weekday].append((f"{row.start:%H:%M}", f"{end // 60:02d}:{end % 60:02d}"))
    return weekly
