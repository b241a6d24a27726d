"""Bounds for date-times a client sends.

Python parses ``0001-01-01T00:00+01:00`` happily, but converting it to UTC (which every
database adapter does) overflows, and PostgreSQL's range ends long before Python's. A
client's value outside these bounds is a 422 naming the field, never a 500.
"""

from __future__ import annotations

import datetime as dt

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
