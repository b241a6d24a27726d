"""Steps 3 and 4, in-process: SLA due-time arithmetic and the list's query count."""

from __future__ import annotations

import datetime as dt
import random
import time


def berlin_spec():  # noqa: ANN201 - a CalendarSpec
    from steward.sla.demo import CALENDAR
    from steward.sla.models import BusinessCalendar
    from steward.sla.selectors import calendar_spec

    calendar = BusinessCalendar.objects.prefetch_related("working_hours", "closures")
    return calendar_spec(calendar.get(slug=CALENDAR))


def _inputs(count: int) -> list[tuple[dt.datetime, int]]:
    """Starts spread over 2026-2027 (DST changes, holidays, closures) x the P1-P5 targets."""
    from steward.sla.demo import TARGETS

    targets = [minutes * 60 for _p, _n, *pair in TARGETS for minutes in pair]
    rng = random.Random(11)
    base = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    return [
        (base + dt.timedelta(minutes=rng.randint(0, 2 * 365 * 24 * 60)), rng.choice(targets))
        for _ in range(count)
    ]


def _rate(fn, inputs: list, seconds: float) -> tuple[float, int]:  # noqa: ANN001
    done, began = 0, time.perf_counter()
    deadline = began + seconds
    while time.perf_counter() < deadline:
        for start, secs in inputs:
            fn(start, secs)
        done += len(inputs)
    return done / (time.perf_counter() - began), done


def sla_rate(seconds: float = 3.0) -> dict:
    """Due times per second with ``add_business_seconds`` and with plain datetime + timedelta."""
    from steward.sla.selectors.business_time import add_business_seconds

    spec = berlin_spec()
    inputs = _inputs(5000)
    for start, secs in inputs[:500]:  # warm the holiday cache as a long-lived worker has it
        add_business_seconds(spec, start, secs)
    rate, done = _rate(lambda s, n: add_business_seconds(spec, s, n), inputs, seconds)
    base, base_done = _rate(lambda s, n: s + dt.timedelta(seconds=n), inputs, seconds / 3)
    return {
        "calendar": "berlin-office: Mon-Fri 08-12 + 13-18 Europe/Berlin, DE-BE holidays, closures",
        "per_s": round(rate, 1),
        "computations": done,
        "baseline_per_s": round(base, 1),
        "baseline_computations": base_done,
        "spec": repr(spec),
    }


def sla_profile(seconds: float = 2.0) -> list[tuple[str, float]]:
    """Share of ``add_business_seconds`` time per function (cProfile, own time), top 8."""
    import cProfile
    import pstats

    from steward.sla.selectors.business_time import add_business_seconds

    spec, inputs = berlin_spec(), _inputs(3000)
    profile = cProfile.Profile()
    deadline = time.perf_counter() + seconds
    profile.enable()
    while time.perf_counter() < deadline:
        for start, secs in inputs:
            add_business_seconds(spec, start, secs)
    profile.disable()
    stats = pstats.Stats(profile).stats
    total = sum(row[2] for row in stats.values()) or 1
    rows = sorted(stats.items(), key=lambda kv: kv[1][2], reverse=True)[:8]
    return [
        (f"{func[2]} ({func[0].rsplit('/', 1)[-1]}:{func[1]})", round(100 * row[2] / total, 1))
        for func, row in rows
    ]


def list_queries(agent: str) -> dict:
    """Queries ``incident_list`` runs for the agent's my_teams queue at limit 10 and 100."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.incidents.setup import actor_for
    from steward.incidents.models import Incident
    from steward.incidents.selectors import incident_list

    actor = actor_for(agent)
    incident_list(actor, queue="my_teams", limit=10)  # content types and the like cached
    counts = {}
    for limit in (10, 100):
        with CaptureQueriesContext(connection) as ctx:
            page = incident_list(actor, queue="my_teams", limit=limit)
        counts[f"limit_{limit}"] = {"queries": len(ctx.captured_queries), "rows": len(page.items)}
    from steward.sla.models import BusinessCalendar

    # clocks_for_many: one query for the page's clocks plus two per distinct calendar
    bound = 2 + 2 * BusinessCalendar.objects.count()
    return {"table_rows": Incident.objects.count(), "bound": bound, **counts}
