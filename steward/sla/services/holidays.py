"""A calendar's public holidays, stored: the ``holidays`` package's dates for its country
and subdivision, written per calendar so that business time reads them as it reads the
closures and a web worker never imports the package (+4.6 MB each; decision 0127).

Written when a calendar is created or its country or subdivision changes (in that write's
transaction), and by the task worker's daily job, which keeps the years from last year to
five years ahead stored and rewrites what a new release of the package changed.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from steward.core import audit, outbox, stamps
from steward.core.actor import Actor
from steward.sla.models import BusinessCalendar, CalendarHoliday
from steward.sla.selectors.calendars import holidays_source, stored_holiday_years
from steward.sla.selectors.public_holidays import package_holidays

YEARS_BEFORE = 1  # last year: clocks started then are still counted
YEARS_AHEAD = 5  # due times and the detail page's upcoming holidays


def holiday_window(today: dt.date) -> tuple[int, int]:
    """The years every calendar keeps stored (first, last), as of ``today``."""
    return today.year - YEARS_BEFORE, today.year + YEARS_AHEAD


def _text(day: dt.date, name: str) -> str:
    return f"{day.isoformat()} {name}"


def holidays_store(calendar: BusinessCalendar, *, today: dt.date) -> tuple[list[str], list[str]]:
    """Make the calendar's stored holidays the package's for its country and subdivision,
    from the window's first year (or the first year already stored, which is kept) to its
    last. Returns the rows removed and added as ``"YYYY-MM-DD name"``; both empty when the
    rows were already right. The caller audits; the cached specs are reloaded."""
    first, last = holiday_window(today)
    source = holidays_source(calendar.holiday_country, calendar.holiday_subdivision)
    stored = stored_holiday_years(calendar)
    if stored is not None:
        first = min(first, stored[0])  # a year once stored stays: old clocks count on it
    wanted: dict[dt.date, str] = {}
    if source:
        for year in range(first, last + 1):
            found = package_holidays(calendar.holiday_country, calendar.holiday_subdivision, year)
            wanted.update((day, name[:200]) for day, name in found.items())
    else:
        first = last = None  # type: ignore[assignment]
    have = {row.date: row for row in CalendarHoliday.objects.filter(calendar=calendar)}
    stale = [row for day, row in have.items() if wanted.get(day) != row.name]
    new = [
        (day, name) for day, name in wanted.items() if getattr(have.get(day), "name", None) != name
    ]
    years = {"holidays_source": source, "holidays_first": first, "holidays_last": last}
    moved = any(getattr(calendar, field) != value for field, value in years.items())
    if not (stale or new or moved):
        return [], []
    CalendarHoliday.objects.filter(pk__in=[row.pk for row in stale]).delete()
    CalendarHoliday.objects.bulk_create(
        CalendarHoliday(calendar=calendar, date=day, name=name) for day, name in sorted(new)
    )
    if moved:
        # the fill's own fields: no version bump, no audit of their own (the rows are)
        BusinessCalendar.objects.filter(pk=calendar.pk).update(**years)
        for field, value in years.items():
            setattr(calendar, field, value)
    stamps.bump(stamps.SLA_CONFIG)  # bulk_create sends no signal: the cached specs must go
    removed = [_text(row.date, row.name) for row in sorted(stale, key=lambda r: r.date)]
    return removed, [_text(day, name) for day, name in sorted(new)]


def public_holidays_fill(actor: Actor, *, today: dt.date) -> int:
    """The task worker's daily job: every calendar's holidays stored for the window, one
    transaction per calendar. A calendar whose rows changed (a year came into the window, a
    new release of the package moved a date) gets an audit entry with the rows removed and
    added, and a ``calendar.updated`` event; a second run writes nothing. Returns how many
    calendars changed."""
    changed = 0
    for calendar_id in BusinessCalendar.objects.order_by("id").values_list("id", flat=True):
        with transaction.atomic():
            calendar = BusinessCalendar.objects.select_for_update().filter(pk=calendar_id).first()
            if calendar is None:  # deleted since the list was read
                continue
            removed, added = holidays_store(calendar, today=today)
            if not (removed or added):
                continue
            changed += 1
            audit.record(
                actor,
                calendar,
                before={"public_holidays": removed},
                after={"public_holidays": added},
            )
            outbox.emit("calendar.updated", calendar, changed=["public_holidays"])
    return changed
