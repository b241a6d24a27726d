"""For random incidents (any status, priority, team and category, opened and resolved
around a period that crosses a daylight-saving change where the site's zone has one), each
incident report equals a plain Python computation over the same rows: the SQL of decisions
0096 and 0103 (counts of index ranges per week, medians by ``LIMIT``/``OFFSET`` per priority)
counts exactly what the definitions say."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from steward.incidents.choices import OPEN_STATES, Priority, Status
from steward.incidents.models import Category, Incident
from steward.reports import selectors
from steward.reports.selectors.reach import hours
from tests import factories
from tests.conftest import as_actor
from tests.factories import records

pytestmark = pytest.mark.django_db

START, END = dt.date(2026, 3, 16), dt.date(2026, 4, 12)  # Europe's clocks go forward 29 March
SINCE = timezone.make_aware(dt.datetime.combine(START, dt.time()))
SPAN_MINUTES = 42 * 24 * 60  # opened from a week before the period to a week after it
RESOLVED = (Status.RESOLVED, Status.CLOSED)


@pytest.fixture
def scene(db):
    lead = factories.agent(username="prop-lead")
    team_a = factories.TeamFactory(name="Prop A", slug="prop-a", members=[lead])
    team_b = factories.TeamFactory(name="Prop B", slug="prop-b")
    categories = [Category.objects.create(name=n, slug=f"prop-{n}") for n in ("disk", "mail")]
    return {
        "lead": lead,
        "admin": factories.admin(username="prop-admin"),
        "teams": [team_a, team_b, None],
        "categories": [*categories, None],
    }


def local_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def within(moment: dt.datetime | None) -> bool:
    return moment is not None and START <= local_day(moment) <= END


def expected_hours(value: float | None, got: float | None) -> bool:
    """``got`` is ``value`` in hours to one decimal; a value within a rounding error of a
    half-step may round either way (the SQL's seconds are floats on both databases)."""
    if value is None or got is None:
        return value is got
    exact = value / 3600 * 10
    if abs(exact - round(exact) - 0.5 * (1 if exact > round(exact) else -1)) < 1e-6:
        return got in (round(exact - 0.5) / 10, round(exact + 0.5) / 10)
    return got == hours(value)


incident_rows = st.lists(
    st.tuples(
        st.integers(0, 2),  # team: a, b, none
        st.sampled_from(Priority.values),
        st.one_of(st.sampled_from(RESOLVED), st.sampled_from(Status.values)),
        # opened (minutes from START), resolved (minutes after opening)
        st.integers(-7 * 24 * 60, SPAN_MINUTES - 7 * 24 * 60),
        st.one_of(st.integers(0, 3 * 24 * 60), st.integers(0, 30 * 24 * 60), st.none()),
        st.integers(0, 2),  # category: disk, mail, none
    ),
    min_size=1,
    max_size=40,
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=incident_rows, who=st.sampled_from(["lead", "admin"]))
def test_incident_reports_equal_a_python_count_of_the_rows(scene, rows, who):
    Incident.objects.all().delete()
    made = []
    for team, priority, status, opened, resolved, category in rows:
        opened_at = SINCE + dt.timedelta(minutes=opened)
        resolved_at = None if resolved is None else opened_at + dt.timedelta(minutes=resolved)
        made.append(
            records.incident(
                scene["lead"],
                opened_at,
                team=scene["teams"][team],
                priority=priority,
                status=status,
                resolved_at=resolved_at,
                category=scene["categories"][category],
            )
        )
    team_a = scene["teams"][0]
    seen = [i for i in made if who == "admin" or i.team_id == team_a.pk]
    actor = as_actor(scene[who])

    def read(name: str):
        return selectors.report_get(actor, name=name, start=START, end=END)

    # flow: per week (Monday to Sunday, local), opened and resolved
    def monday(moment: dt.datetime) -> dt.date:
        day = local_day(moment)
        return day - dt.timedelta(days=day.weekday())

    opened = Counter(monday(i.opened_at) for i in seen if within(i.opened_at))
    resolved_rows = [i for i in seen if i.status in RESOLVED and within(i.resolved_at)]
    resolved = Counter(monday(i.resolved_at) for i in resolved_rows)
    flow = read("incident-flow").rows
    assert [(r["week"], r["opened"], r["resolved"]) for r in flow] == [
        (w, opened[w], resolved[w]) for w in (START + dt.timedelta(weeks=n) for n in range(4))
    ]

    # time to resolve: count, mean and median per priority
    table = {r["priority"]: r for r in read("resolution-time").rows}
    for priority in Priority:
        spans = [
            (i.resolved_at - i.opened_at).total_seconds()
            for i in resolved_rows
            if i.priority == priority
        ]
        row = table[priority.label]
        assert row["resolved"] == len(spans)
        assert expected_hours(statistics.mean(spans) if spans else None, row["mean_hours"])
        assert expected_hours(statistics.median(spans) if spans else None, row["median_hours"])

    # top categories (all of them: fewer than ten) and the backlog's totals
    names = Counter(
        i.category.name if i.category else "(no category)" for i in seen if within(i.opened_at)
    )
    top = read("top-categories").rows
    assert sorted((r["category"], r["incidents"]) for r in top) == sorted(names.items())
    open_now = Counter(i.priority for i in seen if i.status in OPEN_STATES)
    backlog = read("backlog").rows
    assert [r["total"] for r in backlog] == [open_now[p] for p in Priority]
