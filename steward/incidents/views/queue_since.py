"""The queue's "… ago": ``django.utils.timesince.timesince(d, now, time_strings=words)``
worked out with the page's words and comma (decision 0097).

Django's function looks the comma up in the catalogue (``gettext(", ")``, a context-local
read of the active language) and wraps each unit in ``avoid_wrapping`` (a lazy-aware
wrapper) for every row: a sixth of the queue page's Python once its rows' parts were kept.
This is its arithmetic, step for step (Django 5.2's, ``depth=2``), with ``comma`` read once
per page and the no-break spaces put in by ``str.replace``, which is what ``avoid_wrapping``
does to a ``str``. tests/incidents/test_queue_since.py holds it to Django's function for
times around month ends, leap days, zone changes, the future and the same minute, in
English and German.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils.timesince import MONTHS_DAYS, TIME_CHUNKS, TIME_STRINGS_KEYS

DEPTH = 2


def since(d: dt.datetime, now: dt.datetime, words: Mapping[str, Any], comma: str) -> str:
    """``timesince(d, now, time_strings=words)`` with ``gettext(", ")`` given as ``comma``;
    ``d`` and ``now`` are datetimes (both aware or both naive)."""
    if now.utcoffset() is not None and d.utcoffset() is not None:
        now = now.astimezone(d.tzinfo)
    delta = now - d
    if delta.days * 86400 + delta.seconds <= 0:  # d is in the future: "0 minutes"
        return (words["minute"] % {"num": 0}).replace(" ", "\xa0")
    total_months = (now.year - d.year) * 12 + (now.month - d.month)
    if d.day > now.day or (d.day == now.day and d.time() > now.time()):
        total_months -= 1
    years, months = divmod(total_months, 12)
    if years or months:
        pivot_year = d.year + years
        pivot_month = d.month + months
        if pivot_month > 12:
            pivot_month -= 12
            pivot_year += 1
        pivot = dt.datetime(  # noqa: DTZ001 - d's own zone, as Django's
            pivot_year,
            pivot_month,
            min(MONTHS_DAYS[pivot_month - 1], d.day),
            d.hour,
            d.minute,
            d.second,
            tzinfo=d.tzinfo,
        )
    else:
        pivot = d
    remaining = (now - pivot).total_seconds()
    partials = [years, months]
    for chunk in TIME_CHUNKS:
        count = int(remaining // chunk)
        partials.append(count)
        remaining -= chunk * count
    i = 0
    for i, value in enumerate(partials):  # noqa: B007 - the first unit that is not zero
        if value != 0:
            break
    else:
        return (words["minute"] % {"num": 0}).replace(" ", "\xa0")
    result = []
    while i < len(TIME_STRINGS_KEYS) and len(result) < DEPTH:
        value = partials[i]
        if value == 0:
            break
        result.append((words[TIME_STRINGS_KEYS[i]] % {"num": value}).replace(" ", "\xa0"))
        i += 1
    return comma.join(result)
