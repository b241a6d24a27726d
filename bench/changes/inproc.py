"""The in-process figures: ``conflicts_for`` and the month calendar, each beside the same
SQL replayed with the plain driver, and cProfile of any of them.

Each sample is first run under ``CaptureQueriesContext`` (a separate pass, so the timed
calls carry no capture overhead); the statements it ran are then replayed on a plain
``psycopg`` / ``sqlite3`` connection to the same database, fetching every row. The
difference between the two figures is what Django, the selector's Python and the
serialisation cost on top of the database.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import sqlite3
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from bench.load import percentile

WARM = 5  # calls before timing: imports, content types, the relationship-type cache


@dataclass
class ConflictInput:
    ci: str
    start: dt.datetime
    end: dt.datetime


def conflict_inputs(
    rng: random.Random, *, cis: int, month_start: dt.datetime, samples: int
) -> list[ConflictInput]:
    """New two-hour changes in the busy month: every other one on a random CI (at this
    density usually nothing to find), the others on the CI of a scheduled change and
    overlapping its window (at least that conflict: the rows, visibility and freezes)."""
    from steward.changes.models import ChangeCI

    busy = list(
        ChangeCI.objects.filter(
            holds_window=True,
            planned_start__gte=month_start,
            planned_start__lt=month_start + dt.timedelta(days=28),
        )
        .order_by("id")
        .values_list("ci__number", "planned_start")[:5000]
    )
    inputs = []
    for n in range(samples):
        if n % 2 and busy:
            ci, planned = rng.choice(busy)
            start = planned - dt.timedelta(hours=1)
        else:
            ci = f"CI{rng.randrange(cis):07d}"
            start = month_start + dt.timedelta(hours=rng.randrange(28 * 24))
        inputs.append(ConflictInput(ci, start, start + dt.timedelta(hours=2)))
    return inputs


def summary(times_ms: list[float]) -> dict:
    ordered = sorted(times_ms)
    return {
        "samples": len(ordered),
        "p50_ms": round(percentile(ordered, 0.50), 3),
        "p95_ms": round(percentile(ordered, 0.95), 3),
        "p99_ms": round(percentile(ordered, 0.99), 3),
        "max_ms": round(ordered[-1], 3) if ordered else math.nan,
        "mean_ms": round(statistics.fmean(ordered), 3) if ordered else math.nan,
    }


def _timed(calls: list[Callable[[], object]]) -> list[float]:
    times = []
    for call in calls:
        began = time.perf_counter()
        call()
        times.append((time.perf_counter() - began) * 1000)
    return times


def _captured(call: Callable[[], object]) -> tuple[object, list[str]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        result = call()
    return result, [q["sql"] for q in ctx.captured_queries]


class PlainDriver:
    """A plain connection to the benchmark's database: the floor for the same SQL."""

    def __init__(self, server) -> None:  # noqa: ANN001 - bench.server.Server
        if server.db == "postgres":
            import psycopg

            self.conn = psycopg.connect(server.database_url, autocommit=True)
        else:
            self.conn = sqlite3.connect(server.sqlite_path, isolation_level=None, timeout=20)
            self.conn.execute("PRAGMA journal_mode=WAL")

    def run(self, statements: list[str]) -> int:
        rows = 0
        for sql in statements:
            rows += len(self.conn.execute(sql).fetchall())
        return rows

    def timed(self, batches: list[list[str]]) -> list[float]:
        for statements in batches[:WARM]:
            self.run(statements)
        return _timed([lambda s=s: self.run(s) for s in batches])

    def close(self) -> None:
        self.conn.close()


def conflicts(server, inputs: list[ConflictInput]) -> dict:  # noqa: ANN001
    """``conflicts_for`` as the scheduling check calls it (the system actor, no change yet)."""
    from steward.changes import selectors

    def call(item: ConflictInput) -> Callable[[], object]:
        return lambda: selectors.conflicts_for(
            selectors.SYSTEM, change=None, ci_numbers=[item.ci], start=item.start, end=item.end
        )

    calls = [call(item) for item in inputs]
    _timed(calls[:WARM])
    steward = _timed(calls)
    batches, found_changes, found_freezes, statements = [], [], [], 0
    for fn in calls:
        report, sql = _captured(fn)
        batches.append(sql)
        found_changes.append(len(report.changes))
        found_freezes.append(len(report.freezes))
        statements = max(statements, len(sql))
    plain = PlainDriver(server)
    try:
        raw = plain.timed(batches)
    finally:
        plain.close()
    return {
        "steward": summary(steward),
        "raw": summary(raw),
        "queries": statements,
        "conflicting_changes": {
            "median": statistics.median(found_changes),
            "max": max(found_changes),
        },
        "freezes_found": {"median": statistics.median(found_freezes), "max": max(found_freezes)},
        "sample_statements": batches[0],
    }


# what the calendar's objects loaded before decision 0023 (the ORM path compared with)
ORM_FIELDS = (
    "number",
    "title",
    "type",
    "status",
    "risk_score",
    "risk_level",
    "approval_state",
    "planned_start",
    "planned_end",
    "version",
    "team__slug",
    "team__name",
    "assignee__username",
    "assignee__first_name",
    "assignee__last_name",
)


def calendar_before(actor, start: dt.datetime, end: dt.datetime) -> list:  # noqa: ANN001
    """``change_calendar`` as decision 0023 left it (main ``acd3b7b``), timed beside today's
    in the same run: PostgreSQL's datetimes read through the driver's ``timestamptz``
    loader (decision 0029 reads epoch microseconds), SQLite's text parsed per distinct
    value into rows built by slicing."""
    from django.conf import settings
    from django.db import connections
    from django.db.models import TextField
    from django.db.models.functions import Cast

    from steward.changes import selectors
    from steward.changes.selectors.planning import _ROW_HEAD, CalendarRow
    from steward.core.rows import driver_rows

    qs = selectors.change_visible(actor).filter(
        planned_start__gte=start - selectors.MAX_WINDOW,
        planned_start__lt=end,
        planned_end__gt=start,
    )
    qs = qs.exclude(status="cancelled").order_by("planned_start", "id")
    text = connections[qs.db].vendor == "sqlite"
    if text:
        qs = qs.annotate(
            start_text=Cast("planned_start", TextField()),
            end_text=Cast("planned_end", TextField()),
        )
    columns = ("start_text", "end_text") if text else ("planned_start", "planned_end")
    found = driver_rows(
        qs.values_list(*_ROW_HEAD, *columns, "team__name")[: selectors.CALENDAR_LIMIT]
    )
    if not text:
        return [CalendarRow(*row[:8], row[8] or "") for row in found]
    suffix = "+00:00" if settings.USE_TZ else ""
    parsed: dict[str, dt.datetime] = {}

    def when(value: str) -> dt.datetime:
        moment = parsed.get(value)
        if moment is None:
            moment = parsed[value] = dt.datetime.fromisoformat(value + suffix)
        return moment

    return [CalendarRow(*r[:6], when(r[6]), when(r[7]), r[8] or "") for r in found]


def calendar(server, start: dt.datetime, end: dt.datetime, samples: int) -> dict:  # noqa: ANN001
    """``change_calendar`` for the month as the page calls it (every visible change), the
    selector as it was before decision 0029 (``calendar_before``), the same SQL with the
    plain driver, and the ORM's own materialisation of the same rows (``select_related`` +
    ``only``, what the selector did before issue 13): interleaved sample by sample, so a
    loaded machine slows each alike. The old and new selectors must answer the same rows."""
    from steward.changes import selectors

    actor = admin_actor()

    def steward_call() -> object:
        return selectors.change_calendar(actor, start=start, end=end)

    def before_call() -> object:
        return calendar_before(actor, start, end)

    def orm_call() -> object:
        ids = selectors.change_visible(actor).filter(
            planned_start__gte=start - selectors.MAX_WINDOW,
            planned_start__lt=end,
            planned_end__gt=start,
        )
        return list(
            ids.exclude(status="cancelled")
            .select_related("team", "assignee")
            .only(*ORM_FIELDS)
            .order_by("planned_start", "id")[: selectors.CALENDAR_LIMIT]
        )

    found, sql = _captured(steward_call)
    if found != before_call():
        raise RuntimeError("Mismatch: the calendar's rows differ from the previous selector's")
    plain = PlainDriver(server)
    try:
        rows = plain.run(sql)
        _timed([steward_call, before_call, orm_call, lambda: plain.run(sql)] * 2)
        steward, before, orm, raw = [], [], [], []
        for _ in range(samples):
            steward += _timed([steward_call])
            before += _timed([before_call])
            orm += _timed([orm_call])
            raw += _timed([lambda: plain.run(sql)])
    finally:
        plain.close()
    return {
        "steward": summary(steward),
        "before": summary(before),
        "orm": summary(orm),
        "raw": summary(raw),
        "changes": len(found),
        "orm_changes": len(orm_call()),
        "raw_rows": rows,
        "queries": len(sql),
        "statements": sql,
    }


def admin_actor():  # noqa: ANN201 - an Actor
    from steward.core.actor import Actor
    from steward.core.models import User

    return Actor(user=User.objects.get(username="admin"), channel="web")


def month_page_path(start: dt.datetime) -> str:
    return f"/changes/calendar/?view=month&date={(start + dt.timedelta(days=14)).date()}"


def month_page(start: dt.datetime, samples: int) -> dict:
    """The calendar page's month view, in-process (Django's test client, signed in as the
    admin): middleware, session, the selector, the day layout and the template. Server
    time without the socket and gunicorn."""
    client, path = _page_client(), month_page_path(start)
    calls = [lambda: _ok(client.get(path))] * samples
    _timed(calls[:2])
    steward = _timed(calls)
    response, sql = _captured(lambda: client.get(path))
    return {
        "path": path,
        "steward": summary(steward),
        "queries": len(sql),
        "bytes": len(response.content),
    }


def _page_client():  # noqa: ANN202 - django.test.Client
    from django.test import Client

    from steward.core.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="admin"))
    return client


def _ok(response):  # noqa: ANN001, ANN202
    if response.status_code != 200:
        raise RuntimeError(f"HTTP {response.status_code}: {response.content[:300]!r}")
    return response


def profile(calls: list[Callable[[], object]], top: int = 15) -> dict:
    """cProfile of the calls: the functions with the most own time (where the time goes,
    not the call chain every call shares), with their cumulative time."""
    import cProfile
    import pstats

    calls[0]()  # warm
    profiler = cProfile.Profile()
    began = time.perf_counter()
    profiler.enable()
    for call in calls:
        call()
    profiler.disable()
    per_call = (time.perf_counter() - began) / len(calls)
    stats = pstats.Stats(profiler).stats
    rows = sorted(stats.items(), key=lambda kv: kv[1][2], reverse=True)[:top]
    return {
        "calls": len(calls),
        "ms_per_call": round(per_call * 1000, 2),
        "top": [
            (
                f"{func[2]} ({'/'.join(func[0].rsplit('/', 2)[-2:])}:{func[1]})",
                round(row[2], 4),
                round(row[3], 4),
            )
            for func, row in rows
        ],
    }
