"""Business calendars: creating and editing them, with their hours and closures."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import lru_cache
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from steward.core import audit, outbox, stamps
from steward.core.actor import Actor
from steward.core.choices import AuditAction
from steward.core.errors import ValidationFailed
from steward.core.services import common
from steward.core.services.common import (
    bump_version,
    check_version,
    new_slug,
    reject_unknown,
    unique_or_refused,
)
from steward.sla import selectors
from steward.sla.models import WEEKDAYS, BusinessCalendar, CalendarClosure, WorkingHours
from steward.sla.selectors.business_time import MINUTES_PER_DAY
from steward.sla.services.holidays import holidays_store

EDITABLE = {
    "name",
    "time_zone",
    "holiday_country",
    "holiday_subdivision",
    "working_hours",
    "closures",
}
SCALARS = ["name", "slug", "time_zone", "holiday_country", "holiday_subdivision"]
MAX_INTERVALS = 7 * 24
MAX_CLOSURES = 2000

Hours = list[tuple[int, int, int]]  # (weekday, start minute, end minute)
Closures = list[tuple[dt.date, str]]


@lru_cache(maxsize=1)
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


@lru_cache(maxsize=1)
def _countries() -> dict[str, list[str]]:
    import holidays  # on the first calendar form, not at start-up (business_time says why)

    return holidays.list_supported_countries()


def _minute(value: Any, *, end: bool) -> int | None:
    """``"HH:MM"`` or a time → minutes of the day; an end of 00:00 or 24:00 is midnight."""
    if isinstance(value, dt.time):
        if value.second or value.microsecond:
            return None
        minutes = value.hour * 60 + value.minute
    elif isinstance(value, str) and len(value) == 5 and value[2] == ":":
        hh, mm = value[:2], value[3:]
        if not (hh.isdecimal() and mm.isdecimal()) or int(mm) > 59 or int(hh) > 24:
            return None
        minutes = int(hh) * 60 + int(mm)
        if minutes > MINUTES_PER_DAY:
            return None
    else:
        return None
    if end and minutes == 0:
        return MINUTES_PER_DAY
    if not end and minutes == MINUTES_PER_DAY:
        return None
    return minutes


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _clean_hours(raw: Any) -> Hours:
    """Validated intervals, or a 422 on ``working_hours`` naming the first bad entry."""

    def bad(message: str) -> ValidationFailed:
        return ValidationFailed.one("working_hours", message)

    if not isinstance(raw, list | tuple) or len(raw) > MAX_INTERVALS:
        raise bad(f"a list of at most {MAX_INTERVALS} intervals")
    hours: Hours = []
    for i, item in enumerate(raw):
        item = item if isinstance(item, dict) else {}
        weekday = item.get("weekday")
        if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
            raise bad(f"entry {i}: weekday must be 0 (Monday) to 6 (Sunday)")
        start = _minute(item.get("start"), end=False)
        end = _minute(item.get("end"), end=True)
        if start is None or end is None:
            raise bad(f"entry {i}: start and end must be whole minutes as HH:MM (end up to 24:00)")
        if end <= start:
            raise bad(f"entry {i}: end {_hhmm(end)} must be after start {_hhmm(start)}")
        hours.append((weekday, start, end))
    hours.sort()
    for (day_a, _start_a, end_a), (day_b, start_b, end_b) in zip(hours, hours[1:], strict=False):
        if day_a == day_b and start_b < end_a:
            raise bad(
                f"{WEEKDAYS[day_b]} {_hhmm(start_b)}-{_hhmm(end_b)} overlaps another interval"
            )
    if not hours:
        raise bad("the calendar has no working time; give at least one interval")
    return hours


def _clean_closures(raw: Any) -> Closures:
    if not isinstance(raw, list | tuple) or len(raw) > MAX_CLOSURES:
        raise ValidationFailed.one("closures", f"a list of at most {MAX_CLOSURES} days")
    closures: Closures = []
    for i, item in enumerate(raw):
        item = item if isinstance(item, dict) else {}
        day, name = item.get("date"), (item.get("name") or "").strip()
        if isinstance(day, str):
            try:
                day = dt.date.fromisoformat(day)
            except ValueError:
                day = None
        if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
            raise ValidationFailed.one("closures", f"entry {i}: date must be YYYY-MM-DD")
        if not name or len(name) > 100:
            raise ValidationFailed.one("closures", f"entry {i}: name required, at most 100")
        closures.append((day, name))
    days = [d for d, _ in closures]
    if len(set(days)) != len(days):
        raise ValidationFailed.one("closures", "each date at most once")
    return sorted(closures)


def _clean(values: dict[str, Any], current: BusinessCalendar | None = None) -> dict[str, Any]:
    """Validate every given field, reporting all bad scalar fields at once."""
    clean = dict(values)
    errors: dict[str, list[str]] = {}
    common.clean_required_text(clean, errors, "name", max_length=120)
    if "time_zone" in clean and clean["time_zone"] not in _time_zones():
        errors["time_zone"] = ["not an IANA time zone such as Europe/Berlin"]
    country = clean.get("holiday_country", current.holiday_country if current else "")
    country = (country or "").strip().upper()
    if "holiday_country" in clean:
        clean["holiday_country"] = country
        if country and country not in _countries():
            errors["holiday_country"] = ["not a country the holidays package knows, e.g. DE"]
    if "holiday_subdivision" in clean or "holiday_country" in clean:
        subdivision = clean.get(
            "holiday_subdivision", current.holiday_subdivision if current else ""
        )
        clean["holiday_subdivision"] = subdivision = (subdivision or "").strip()
        known = _countries().get(country, [])
        if subdivision and not country:
            errors["holiday_subdivision"] = ["needs a holiday_country"]
        elif subdivision and country in _countries() and subdivision not in known:
            errors["holiday_subdivision"] = [f"not a subdivision of {country}: {known}"]
    for field, cleaner in (("working_hours", _clean_hours), ("closures", _clean_closures)):
        if field in clean:
            try:
                clean[field] = cleaner(clean[field])
            except ValidationFailed as exc:
                errors.update(exc.fields)
    if errors:
        raise ValidationFailed(errors)
    return clean


def hours_text(calendar: BusinessCalendar) -> list[str]:
    """``["Mon 08:00-12:00", …]``: how hours appear in the audit log."""
    return [
        f"{WEEKDAYS[h.weekday]} {_hhmm(h.start.hour * 60 + h.start.minute)}-"
        f"{_hhmm(selectors.end_minute(h.end))}"
        for h in calendar.working_hours.order_by("weekday", "start")
    ]


def closures_text(calendar: BusinessCalendar) -> list[str]:
    return [f"{c.date.isoformat()} {c.name}" for c in calendar.closures.order_by("date")]


def _snapshot(calendar: BusinessCalendar, fields: list[str]) -> dict[str, Any]:
    result = audit.snapshot(calendar, [f for f in fields if f in SCALARS])
    if "working_hours" in fields:
        result["working_hours"] = hours_text(calendar)
    if "closures" in fields:
        result["closures"] = closures_text(calendar)
    return result


def _minutes_to_time(minutes: int) -> dt.time:
    minutes %= MINUTES_PER_DAY  # 24:00 is stored as 00:00 (see WorkingHours.end)
    return dt.time(minutes // 60, minutes % 60)


def _write_children(calendar: BusinessCalendar, clean: dict[str, Any]) -> None:
    if "working_hours" in clean:
        calendar.working_hours.all().delete()
        WorkingHours.objects.bulk_create(
            WorkingHours(
                calendar=calendar,
                weekday=day,
                start=_minutes_to_time(start),
                end=_minutes_to_time(end),
            )
            for day, start, end in clean["working_hours"]
        )
    if "closures" in clean:
        calendar.closures.all().delete()
        CalendarClosure.objects.bulk_create(
            CalendarClosure(calendar=calendar, date=day, name=name)
            for day, name in clean["closures"]
        )
    stamps.bump(stamps.SLA_CONFIG)  # bulk_create sends no signal: the cached specs must go


def _taken() -> dict[str, str]:
    """The refusals of a calendar's taken slug or name (``new_slug`` says why whole)."""
    return {
        "slug": _("a calendar with this slug already exists"),
        "name": _("a calendar with this name already exists"),
    }


@transaction.atomic
def calendar_create(
    actor: Actor,
    *,
    name: str,
    time_zone: str,
    working_hours: list[dict[str, Any]],
    slug: str = "",
    holiday_country: str = "",
    holiday_subdivision: str = "",
    closures: list[dict[str, Any]] | None = None,
) -> BusinessCalendar:
    """An administrator defines when SLA clocks run: zone, weekly hours, holidays, closures."""
    common.require_admin(actor, _("change business calendars"))
    clean = _clean(
        {
            "name": name,
            "time_zone": time_zone,
            "holiday_country": holiday_country,
            "holiday_subdivision": holiday_subdivision,
            "working_hours": working_hours,
            "closures": closures or [],
        }
    )
    slug = new_slug(BusinessCalendar, slug=slug, name=clean["name"], taken=_taken())
    with unique_or_refused(BusinessCalendar, _taken()):
        calendar = BusinessCalendar.objects.create(
            slug=slug, **{k: v for k, v in clean.items() if k in SCALARS}
        )
    _write_children(calendar, clean)
    holidays_store(calendar, today=timezone.localdate())  # its country's dates, as rows
    after = _snapshot(calendar, [*SCALARS, "working_hours", "closures"])
    audit.record(actor, calendar, action=AuditAction.CREATE, after=after)
    outbox.emit("calendar.created", calendar)
    return calendar


@transaction.atomic
def calendar_update(
    actor: Actor, *, slug: str, expected_version: int | None, changes: dict[str, Any]
) -> BusinessCalendar:
    """Edit a calendar; ``working_hours`` and ``closures`` replace the whole list.

    Running clocks keep their due times until they are next resumed or recomputed.
    """
    calendar = selectors.calendar_get(actor, slug=slug, for_update=True)
    common.require_admin(actor, _("change business calendars"))
    reject_unknown(changes, EDITABLE)
    check_version(calendar, expected_version)
    clean = _clean(changes, current=calendar)
    name = clean.get("name")
    if name and BusinessCalendar.objects.filter(name=name).exclude(pk=calendar.pk).exists():
        raise ValidationFailed.one("name", _taken()["name"])
    fields = list(clean)
    before = _snapshot(calendar, fields)
    scalars = [f for f in fields if f in SCALARS]
    for field in scalars:
        setattr(calendar, field, clean[field])
    _write_children(calendar, clean)
    after = _snapshot(calendar, fields)
    # a rename racing another's passed the check above too
    with unique_or_refused(BusinessCalendar, {"name": _taken()["name"]}):
        bump_version(calendar, scalars)
    if {"holiday_country", "holiday_subdivision"} & set(clean):
        holidays_store(calendar, today=timezone.localdate())  # the new country's dates
    audit.record(actor, calendar, before=before, after=after)
    outbox.emit("calendar.updated", calendar, changed=sorted(clean))
    return calendar
