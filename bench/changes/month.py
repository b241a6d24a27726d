"""The month calendar before and after decision 0036, in one run: the page's read (the whole
month's rows placed on their days in Python, against ``calendar_days``' first six per day
and a count) and the whole month page, each pair interleaved sample by sample so a loaded
machine slows both alike. The two reads must draw the same changes and counts."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator

from bench.changes.inproc import (
    PlainDriver,
    _captured,
    _ok,
    _page_client,
    _timed,
    admin_actor,
    month_page_path,
    summary,
)


def _page_range(start: dt.datetime) -> tuple[dt.date, int, dt.tzinfo]:
    from django.utils import timezone

    from steward.changes.views.calendar import _range

    day = (start + dt.timedelta(days=14)).date()
    first, stop, _, _ = _range("month", day)
    return first, (stop - first).days, timezone.get_current_timezone()


def whole_read_days(actor, *, first, days, per_day, tz, team="", ci="", keep=None):  # noqa: ANN001, ANN201, PLR0913
    """What the month page did before decision 0036: every change of the range read
    (``change_calendar``), placed on each local day it touches, the first ``per_day``
    drawn and the others counted (``keep`` gets the whole read, for the old conflicts)."""
    from django.utils import timezone

    from steward.changes import selectors

    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min), tz)
    end = timezone.make_aware(dt.datetime.combine(first + dt.timedelta(days), dt.time.min), tz)
    rows = selectors.change_calendar(actor, start=start, end=end, team=team, ci=ci)
    if keep is not None:
        keep[:] = rows
    shown: list[list] = [[] for _ in range(days)]
    counts = [0] * days
    tick = dt.timedelta(microseconds=1)
    for row in rows:
        a = (row.planned_start.astimezone(tz).date() - first).days
        b = ((row.planned_end - tick).astimezone(tz).date() - first).days
        for i in range(max(a, 0), min(b, days - 1) + 1):
            counts[i] += 1
            if len(shown[i]) < per_day:
                shown[i].append(row)
    return selectors.Days(shown, counts)


@contextlib.contextmanager
def page_before() -> Iterator[None]:
    """The month page as it was: the whole read placed in Python, and the same-CI
    conflicts read for every change of the month, not only the drawn ones."""
    from steward.changes import selectors

    days, conflicts = selectors.calendar_days, selectors.calendar_conflicts
    whole: list = []

    def old_days(actor, **kwargs):  # noqa: ANN001, ANN003, ANN202
        return whole_read_days(actor, keep=whole, **kwargs)

    def old_conflicts(changes):  # noqa: ANN001, ANN202
        return conflicts(whole)

    selectors.calendar_days, selectors.calendar_conflicts = old_days, old_conflicts
    try:
        yield
    finally:
        selectors.calendar_days, selectors.calendar_conflicts = days, conflicts


def month(server, start: dt.datetime, samples: int) -> dict:  # noqa: ANN001
    """The month page's read before (whole read + placing) and after (``calendar_days``),
    the after read's SQL with the plain driver, and the page before and after."""
    from steward.changes import selectors
    from steward.changes.views.calendar import DAY_LIMIT

    actor = admin_actor()
    first, days, tz = _page_range(start)
    args = {"first": first, "days": days, "per_day": DAY_LIMIT, "tz": tz}

    def after_read() -> object:
        return selectors.calendar_days(actor, **args)

    def before_read() -> object:
        return whole_read_days(actor, **args)

    new, sql = _captured(after_read)
    old = before_read()
    ids = [[[r.id for r in day] for day in found.shown] for found in (new, old)]
    if ids[0] != ids[1] or new.counts != old.counts:
        raise RuntimeError("Mismatch: the per-day read draws other changes than the whole read")
    client, path = _page_client(), month_page_path(start)

    def page_after() -> object:
        return _ok(client.get(path))

    def page_old() -> object:
        with page_before():
            return _ok(client.get(path))

    plain = PlainDriver(server)
    try:
        rows = plain.run(sql)
        _timed([after_read, before_read, page_after, page_old, lambda: plain.run(sql)] * 2)
        times: dict[str, list[float]] = {
            k: [] for k in ("read", "before", "raw", "page", "page_before")
        }
        for _ in range(samples):
            times["read"] += _timed([after_read])
            times["before"] += _timed([before_read])
            times["raw"] += _timed([lambda: plain.run(sql)])
            times["page"] += _timed([page_after])
            times["page_before"] += _timed([page_old])
    finally:
        plain.close()
    _, page_sql = _captured(page_after)
    with page_before():
        _, old_sql = _captured(page_old)
    return {k: summary(v) for k, v in times.items()} | {
        "path": path,
        "days": days,
        "drawn": sum(len(d) for d in new.shown),
        "changes_on_days": sum(new.counts),
        "raw_rows": rows,
        "page_queries": len(page_sql),
        "page_before_queries": len(old_sql),
        "statement": sql[0],
    }
