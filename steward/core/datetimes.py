"""Bounds for date-times a client sends, and the checks of a window (start and end) a person
keeps (a change's freeze window, a manual maintenance window).

Python parses ``0001-01-01T00:00+01:00`` happily, but converting it to UTC (which every
database adapter does) overflows, and PostgreSQL's range ends long before Python's. A
client's value outside these bounds is a 422 naming the field, never a 500.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from steward.core.errors import ValidationFailed

EARLIEST = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(9000, 1, 1, tzinfo=dt.UTC)


def check_bounds(field: str, value: dt.datetime | None) -> dt.datetime | None:
    """``value`` unchanged when it is None or an aware time within the bounds; else a 422."""
    if value is None:
        return None
    # comparing aware values never overflows (the offsets are subtracted as timedeltas)
    if value.tzinfo is not None and value.utcoffset() is not None:
        inside = EARLIEST <= value < LATEST
    else:
        inside = EARLIEST.replace(tzinfo=None) <= value < LATEST.replace(tzinfo=None)
    if not inside:
        raise ValidationFailed.one(field, f"between {EARLIEST.year} and {LATEST.year}")
    return value


def check_window(clean: dict[str, Any], current: object | None) -> tuple[dt.datetime, dt.datetime]:
    """A window's ``starts_at`` and ``ends_at``: those in ``clean`` (aware, within the
    bounds), else the ``current`` record's; a 422 naming the field when one is missing or the
    end is not after the start. What else a window must be (how long, not past) is the
    caller's."""
    for name in ("starts_at", "ends_at"):
        if name in clean:
            value = clean[name]
            if not isinstance(value, dt.datetime) or timezone.is_naive(value):
                raise ValidationFailed.one(name, _("a date and time with a time zone"))
            check_bounds(name, value)
    start = clean.get("starts_at", getattr(current, "starts_at", None))
    end = clean.get("ends_at", getattr(current, "ends_at", None))
    if start is None or end is None:
        raise ValidationFailed.one("starts_at" if start is None else "ends_at", _("required"))
    if end <= start:
        raise ValidationFailed.one("ends_at", _("must be after the start"))
    return start, end
