"""Each incident figure against what the world's rows say it must be (tests/reports/conftest.py)."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter

import pytest
from django.utils import timezone

from steward.incidents.choices import Priority
from steward.incidents.models import Incident
from steward.reports import selectors
from steward.sla.choices import ClockKind
from steward.sla.models import SlaClock
from tests.conftest import as_actor
from tests.factories import records
from tests.reports.conftest import END, START, in_period


def monday(moment: dt.datetime) -> dt.date:
    day = timezone.localtime(moment).date()
    return day - dt.timedelta(days=day.weekday())


def read(user, name: str, **filters):
    return selectors.report_get(as_actor(user), name=name, start=START, end=END, **filters)


def of_team(world, team=None):
    return [i for i in world.incidents if team is None or i.team_id == team.pk]


@pytest.mark.parametrize("who", ["lead", "admin"])
def test_flow_counts_opened_and_resolved_per_week(world, who):
    user = getattr(world, who)
    rows = of_team(world, world.team_a if who == "lead" else None)
    opened = Counter(monday(i.opened_at) for i in rows if in_period(i.opened_at))
    resolved = Counter(monday(i.resolved_at) for i in rows if in_period(i.resolved_at))
    table = read(user, "incident-flow")
    weeks = [START + dt.timedelta(weeks=n) for n in range(4)]
    assert [r["week"] for r in table.rows] == weeks
    assert [(r["opened"], r["resolved"], r["net"]) for r in table.rows] == [
        (opened[w], resolved[w], opened[w] - resolved[w]) for w in weeks
    ]
    assert sum(r["opened"] for r in table.rows) > 0


def test_backlog_counts_open_incidents_by_priority_and_age(world):
    now = timezone.now()
    for days, priority in ((0.5, 1), (3, 1), (10, 2), (45, 2), (45, 2)):
        records.incident(
            world.lead, now - dt.timedelta(days=days), team=world.team_a, priority=priority
        )
    open_a = Incident.objects.filter(team=world.team_a, is_open=1)

    def bucket(opened):
        age = now - opened
        if age < dt.timedelta(days=1):
            return "0-1d"
        if age < dt.timedelta(days=7):
            return "1-7d"
        return "7-30d" if age < dt.timedelta(days=30) else "30d+"

    expected = Counter((i.priority, bucket(i.opened_at)) for i in open_a)
    table = read(world.lead, "backlog")
    for row, priority in zip(table.rows, Priority, strict=True):
        assert row["priority"] == priority.label
        for key in ("0-1d", "1-7d", "7-30d", "30d+"):
            assert row[key] == expected[(priority.value, key)], (priority, key)
        assert row["total"] == sum(
            expected[(priority.value, k)] for k in ("0-1d", "1-7d", "7-30d", "30d+")
        )
    assert sum(r["total"] for r in table.rows) == open_a.count() > 5


def test_time_to_resolve_by_priority(world):
    table = read(world.admin, "resolution-time")
    for row, priority in zip(table.rows, Priority, strict=True):
        spans = [
            (i.resolved_at - i.opened_at).total_seconds() / 3600
            for i in world.incidents
            if i.priority == priority and in_period(i.resolved_at)
        ]
        assert row["resolved"] == len(spans)
        if spans:
            assert row["mean_hours"] == round(statistics.mean(spans), 1)
            assert row["median_hours"] == round(statistics.median(spans), 1)
        else:
            assert row["mean_hours"] is None
            assert row["median_hours"] is None
    assert any(r["resolved"] > 2 for r in table.rows)  # a median of more than one row


def test_sla_compliance_per_month_and_priority(world):
    resolved = [i for i in world.incidents if i.resolved_at]
    for n, incident in enumerate(resolved):
        records.clock(incident, ClockKind.RESOLUTION, breached=n % 3 == 0)
        if n % 2 == 0:
            records.clock(incident, ClockKind.RESPONSE, breached=n % 4 == 0)
    records.clock(of_team(world)[4], ClockKind.RESOLUTION, breached=False, state="running")
    clocks = {(c.object_id, c.kind): c for c in SlaClock.objects.filter(state="stopped")}
    expected: dict = {}
    for i in resolved:
        if not in_period(i.resolved_at):
            continue
        key = (timezone.localtime(i.resolved_at).strftime("%Y-%m"), Priority(i.priority).label)
        row = expected.setdefault(key, Counter())
        row["resolved"] += 1
        for kind in ("response", "resolution"):
            clock = clocks.get((str(i.pk), kind))
            row[f"{kind}_timed"] += clock is not None
            row[f"{kind}_met"] += clock is not None and not clock.breached
    table = read(world.admin, "sla-compliance")
    got = {(r["month"], r["priority"]): r for r in table.rows}
    assert set(got) == set(expected)
    for key, counts in expected.items():
        row = got[key]
        for name in (
            "resolved",
            "response_timed",
            "response_met",
            "resolution_timed",
            "resolution_met",
        ):
            assert row[name] == counts[name], (key, name)
        for kind in ("response", "resolution"):
            timed = counts[f"{kind}_timed"]
            share = round(100 * counts[f"{kind}_met"] / timed, 1) if timed else None
            assert row[f"{kind}_percent"] == share
    assert any(0 < (r["resolution_percent"] or 0) < 100 for r in table.rows)


def test_top_categories_and_cis(world):
    opened = [i for i in world.incidents if in_period(i.opened_at)]
    categories = Counter(i.category.name if i.category else "(no category)" for i in opened)
    table = read(world.admin, "top-categories")
    assert {r["category"]: r["incidents"] for r in table.rows} == dict(categories)
    counts = [r["incidents"] for r in table.rows]
    assert counts == sorted(counts, reverse=True)
    cis = Counter(i.configuration_item.number for i in opened if i.configuration_item)
    table = read(world.admin, "top-cis")
    assert {r["ci"]: r["incidents"] for r in table.rows} == dict(cis)
