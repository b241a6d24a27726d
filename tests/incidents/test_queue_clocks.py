"""The queue page's clocks counted on the process's working time per calendar (decision 0070)
show what the walk per clock showed (``clocks.WORKED = False``) and what the model path
shows (``clocks_for_many``): every field of every clock, for running, paused, stopped,
warned and breached clocks on calendars in four zones with holidays and closures, read at
instants around DST changes, a holiday and a weekend; through the selector, the API's list
(its JSON, page by page) and the web queue (its HTML)."""

from __future__ import annotations

import datetime as dt
import random
import re
from unittest import mock

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone

from steward.core.actor import Actor
from steward.core.selectors import compiled
from steward.incidents.models import Incident
from steward.sla import services as sla
from steward.sla.models import SlaClock, SlaPolicy
from steward.sla.selectors import clock_statuses_by_id, clocks, clocks_for_many, worked
from tests.conftest import api_client_for
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")
NOWS = [
    dt.datetime(2026, 3, 29, 1, 30, 0, 123_456, tzinfo=dt.UTC),  # Berlin springs forward
    dt.datetime(2026, 11, 1, 7, 0, 0, 1, tzinfo=dt.UTC),  # New York falls back
    dt.datetime(2026, 12, 24, 10, 15, tzinfo=dt.UTC),  # Berlin's closure, US workday
    dt.datetime(2026, 12, 26, 12, 0, 30, 999_999, tzinfo=dt.UTC),  # a holiday, a Saturday
    dt.datetime(2027, 1, 4, 9, 0, 0, 500_000, tzinfo=dt.UTC),  # a Monday morning
]
CALENDARS = [  # zone, hours (weekday: intervals), holidays, closures
    ("Europe/Berlin", {d: [("08:00", "12:00"), ("13:00", "18:00")] for d in range(5)},
     ("DE", "BE"), ["2026-12-24", "2026-12-31"]),
    ("America/New_York", {**{d: [("09:00", "17:00")] for d in range(5)}, 5: [("10:00", "14:00")]},
     ("US", ""), ["2026-07-03"]),
    ("Australia/Sydney", {d: [("00:00", "00:00")] for d in range(7)}, ("", ""), []),
    ("Asia/Kolkata", {d: [("09:30", "13:00"), ("14:00", "18:30")] for d in range(6)},
     ("", ""), ["2026-11-09"]),
]  # fmt: skip


@pytest.fixture
def clocked(agent_user, requester_user):
    """60 incidents of the agent's team, each with a response and a resolution clock on one of
    four calendars, in every state, started over the year before the instants read."""
    team = TeamFactory(members=[agent_user])
    policies = []
    for n, (zone, hours, (country, region), closures) in enumerate(CALENDARS):
        sla.calendar_create(
            SYSTEM,
            name=f"cal {n}",
            slug=f"cal-{n}",
            time_zone=zone,
            holiday_country=country,
            holiday_subdivision=region,
            working_hours=[
                {"weekday": day, "start": start, "end": end}
                for day, intervals in hours.items()
                for start, end in intervals
            ],
            closures=[{"date": day, "name": "closed"} for day in closures],
        )
        policies.append(
            sla.policy_create(
                SYSTEM,
                name=f"policy {n}",
                slug=f"policy-{n}",
                calendar=f"cal-{n}",
                precedence=10 + n,
                response_minutes=60,
                resolution_minutes=480,
            )  # fmt: skip
        )
    rng = random.Random(70)
    Incident.objects.bulk_create(
        Incident(
            number=f"INC{7_000_000 + n:07d}",
            title=f"clocked {n}",
            caller=requester_user,
            team=team,
            status=rng.choice(["new", "assigned", "in_progress", "on_hold"]),  # open: all queued
            priority=rng.randint(1, 5),
            opened_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(hours=n),
        )
        for n in range(60)
    )
    kind = ContentType.objects.get_for_model(Incident)
    SlaClock.objects.bulk_create(
        _clock(rng, kind, incident, clock_kind, rng.choice(policies))
        for incident in Incident.objects.filter(title__startswith="clocked ")
        for clock_kind in ("response", "resolution")
    )
    return team, policies


def _clock(rng: random.Random, kind, incident, clock_kind: str, policy: SlaPolicy) -> SlaClock:  # noqa: ANN001
    started = dt.datetime(2026, 1, 2, tzinfo=dt.UTC) + dt.timedelta(
        seconds=rng.randint(0, 370 * 86400), microseconds=rng.choice([0, 1, 499_999, 999_999])
    )
    state = rng.choice(["running", "running", "running", "paused", "stopped"])
    target = rng.choice([3600, 4 * 3600, 9 * 3600, 30 * 9 * 3600])
    consumed = 0 if state == "running" and rng.random() < 0.5 else rng.randint(0, 2 * target)
    if state == "paused":  # on the thresholds too: warned at, breached past the target
        consumed = rng.choice([consumed, target * 3 // 4, target, target + 1])
    return SlaClock(
        content_type=kind,
        object_id=str(incident.pk),
        policy=policy,
        kind=clock_kind,
        state=state,
        target_seconds=target,
        warn_seconds=target * 3 // 4,
        consumed_seconds=consumed,
        started_at=started,
        # a running clock's last start: before some of the instants read, after others
        running_since=started + dt.timedelta(seconds=rng.randint(0, 40 * 86400))
        if state == "running"
        else None,
        due_at=started + dt.timedelta(seconds=target * 3),
        warn_at=started + dt.timedelta(seconds=target * 2),
        stopped_at=started + dt.timedelta(days=2) if state == "stopped" else None,
        warned=rng.random() < 0.2,
        breached=rng.random() < 0.1,
    )


def _worked(value: bool):  # noqa: ANN202
    return mock.patch.object(clocks, "WORKED", value)


def test_the_selectors_clocks_equal_the_walk_and_the_models(clocked):
    ids = list(Incident.objects.values_list("id", flat=True))
    records = list(Incident.objects.all())
    shown = set()
    for now in NOWS:
        worked.worked.cache_clear()  # the spans widen from each instant, in this order
        new = clock_statuses_by_id(Incident, ids, now=now)
        with _worked(False):
            old = clock_statuses_by_id(Incident, ids, now=now)
        assert new == old, now
        assert new == clocks_for_many(SYSTEM, records, now=now), now
        for statuses in new.values():
            for status in statuses:
                assert type(status) is clocks.ClockStatus
                assert status.started_at.utcoffset() == dt.timedelta(0)
                shown.add(
                    (status.state, status.breached, status.warned, status.elapsed_seconds > 0)
                )
    # not vacuous: every state, breached and not, counted and not
    assert {s for s, *_ in shown} == {"running", "paused", "stopped"}
    assert ("running", True, True, True) in shown
    assert ("running", False, False, True) in shown
    assert ("running", False, False, False) in shown


def _api_pages(client, now: dt.datetime) -> list[dict]:  # noqa: ANN001
    pages, cursor = [], None
    with mock.patch.object(timezone, "now", return_value=now):
        while True:
            params = {"queue": "my_teams", "limit": 17, **({"cursor": cursor} if cursor else {})}
            body = client.get("/api/v1/incidents", params).json()
            pages.append(body)
            cursor = body["next"]
            if not cursor:
                return pages


def test_the_api_lists_clocks_are_the_walks(clocked, agent_user):
    client = api_client_for(agent_user)
    for now in NOWS:
        new = _api_pages(client, now)
        with _worked(False):
            old = _api_pages(client, now)
        assert new == old, now
    clocks_shown = [c for page in new for item in page["items"] for c in item["sla"]]
    assert len(clocks_shown) == 120
    assert {c["state"] for c in clocks_shown} == {"running", "paused", "stopped"}
    assert any(c["paused"] and c["due_at"] is None for c in clocks_shown)
    assert len({c["policy"] for c in clocks_shown}) == 4


_CSRF = re.compile(r'("X-CSRFToken": |name="csrfmiddlewaretoken" value=)"[^"]*"')  # per request


def _web_page(client: Client, user, now: dt.datetime) -> str:  # noqa: ANN001
    with mock.patch.object(timezone, "now", return_value=now):
        client.force_login(user)  # a session of that moment (an earlier one would expire)
        response = client.get("/incidents/", {"queue": "my_teams"})
    assert response.status_code == 200
    return _CSRF.sub(r"\1-", response.content.decode())


def test_the_web_queues_clocks_are_the_walks(clocked, agent_user):
    client = Client()
    pages = []
    for now in NOWS:
        new = _web_page(client, agent_user, now)
        with _worked(False):
            old = _web_page(client, agent_user, now)
        assert new == old, now
        pages.append(new)
    # not vacuous: a row's most urgent clock in every look (a stopped one is shown only
    # when all of a row's are, which these rows rarely have)
    for css in ('"sla breached"', '"sla paused"', '"sla warning"', '"sla "'):
        assert css in "".join(pages), css


def test_the_clocks_tuples_are_the_rows_values_in_row_order(clocked):
    """Decision 0111: the clocks are read as sequences of ``_ROW``'s values (no dict a row);
    each is the compiled ``.values()`` row's values in that order, on either database."""
    kind = ContentType.objects.get_for_model(Incident).pk
    ids = [str(i) for i in Incident.objects.values_list("id", flat=True)]
    as_rows = compiled.rows("sla.clocks", clocks._clock_rows, content_type=kind, ids=ids)
    names, as_tuples = compiled.tuples("sla.clocks", clocks._clock_rows, content_type=kind, ids=ids)
    assert names == clocks._ROW
    assert [dict(zip(names, row, strict=True)) for row in as_tuples] == as_rows
    read = clocks._read(kind, ids)
    assert sorted(map(tuple, read)) == sorted(tuple(row[n] for n in clocks._ROW) for row in as_rows)
    assert len(read) == 120
    assert clock_statuses_by_id(Incident, [999_999_999]) == {}  # no clock: nothing read


def test_a_clock_row_is_put_in_row_order_and_its_epoch_times_made_once():
    """``_in_row_order``: columns in another order and times as epoch microseconds (as
    PostgreSQL's read gives them) come out in ``_ROW``'s order, a time made once per value,
    a null time kept null."""
    epoch = {f"{name}_us": name for name in clocks._TIMES}
    names = (*reversed(clocks._EPOCH_ROW), *epoch)
    moment = dt.datetime(2026, 3, 29, 1, 30, 0, 123_456, tzinfo=dt.UTC)
    micros = (moment - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(microseconds=1)
    values = {name: f"v-{name}" for name in clocks._EPOCH_ROW}
    given = [
        (*(values[n] for n in reversed(clocks._EPOCH_ROW)), micros, None, micros + 1, None),
        (*(values[n] for n in reversed(clocks._EPOCH_ROW)), micros, micros, micros, micros),
    ]
    first, second = clocks._in_row_order(names, given, epoch)
    later = moment + dt.timedelta(microseconds=1)
    times = dict(zip(clocks._TIMES, (moment, None, later, None), strict=True))
    assert first == tuple(times[n] if n in times else values[n] for n in clocks._ROW)
    assert second[clocks._STARTED] is first[clocks._STARTED] is second[clocks._STOPPED]
    assert clocks._in_row_order(names, [], epoch) == []
