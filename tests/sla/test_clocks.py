"""SLA clocks as records move: start, pause, resume, stop, reopen, recompute, and reading."""

import datetime as dt

import pytest

from steward.core.models import OutboxMessage
from steward.sla.models import SlaClock, SlaEvent, SlaPolicy
from steward.sla.selectors import calendar_spec, clocks_for, policy_for
from steward.sla.selectors.business_time import business_seconds_between
from steward.sla.services import (
    clock_reopen,
    clock_stop,
    clocks_pause,
    clocks_recompute,
    clocks_resume,
    clocks_start,
    policy_create,
)
from tests import factories
from tests.sla.conftest import SYSTEM, berlin

pytestmark = pytest.mark.django_db
MONDAY_9 = berlin(2026, 3, 2, 9, 0)
HOUR = 3600


def clocks_of(record):
    return {c.kind: c for c in SlaClock.objects.filter(object_id=str(record.pk))}


def start(record, priority=3, at=MONDAY_9):
    return clocks_start(SYSTEM, record, context={"priority": priority}, at=at)


def test_start_uses_the_policy_for_the_priority_and_the_calendar(calendar, record):
    clocks = {c.kind: c for c in start(record, priority=1)}

    response, resolution = clocks["response"], clocks["resolution"]
    assert response.policy.slug == resolution.policy.slug == "p1"
    assert response.due_at == berlin(2026, 3, 2, 9, 15)
    assert response.warn_at == berlin(2026, 3, 2, 9, 11, 15)  # 75 %
    assert resolution.due_at == berlin(2026, 3, 2, 14, 0)  # 4 h with lunch in between
    assert resolution.warn_at == berlin(2026, 3, 2, 12, 0)  # 3 h: the end of the morning
    assert {c.state for c in clocks.values()} == {"running"}


def test_starting_again_returns_the_running_clocks(calendar, record):
    first = start(record)
    again = start(record, priority=1, at=berlin(2026, 3, 3, 9, 0))

    assert [c.pk for c in again] == [c.pk for c in first]
    assert SlaClock.objects.count() == 2
    assert clocks_of(record)["response"].policy.slug == "p3"


def test_no_matching_policy_starts_no_clock(calendar, record):
    assert start(record, priority=9) == []
    assert not SlaClock.objects.exists()


@pytest.fixture
def policies(admin_actor, calendar):
    acme = factories.OrganisationFactory(slug="acme")
    SlaPolicy.objects.all().delete()

    def make(name, precedence, **conditions):
        return policy_create(
            admin_actor,
            name=name,
            calendar=calendar.slug,
            precedence=precedence,
            response_minutes=60,
            resolution_minutes=600,
            **conditions,
        )

    make("Switched off", 0, is_active=False)
    make("VIP", 5, organisations=[acme.slug])
    make("Network P1", 10, priorities=[1], categories=["network"])
    make("Critical", 20, priorities=[1, 2])
    make("Mail service", 30, services=["email"])
    make("Default", 1000)


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        ({"priority": 1, "category": "network", "organisation": "acme"}, "vip"),
        ({"priority": 1, "category": "network"}, "network-p1"),
        ({"priority": 1, "category": "hardware"}, "critical"),
        ({"priority": 2}, "critical"),
        ({"priority": 4, "service": "email"}, "mail-service"),
        ({"priority": 4}, "default"),
        ({}, "default"),
    ],
    ids=["organisation-first", "category", "other-category", "priority", "service", "any", "empty"],
)
def test_the_first_active_matching_policy_by_precedence_wins(policies, context, expected):
    assert policy_for(context).slug == expected


def test_pausing_for_n_business_minutes_moves_the_due_time_by_exactly_n(calendar, record):
    start(record, priority=3)
    due_before = clocks_of(record)["resolution"].due_at
    paused, resumed = berlin(2026, 3, 2, 10, 0), berlin(2026, 3, 3, 10, 30)

    clocks_pause(SYSTEM, record, at=paused)
    clocks_resume(SYSTEM, record, at=resumed)

    due_after = clocks_of(record)["resolution"].due_at
    spec = calendar_spec(calendar)
    assert business_seconds_between(spec, paused, resumed) == 9 * HOUR + 30 * 60
    assert business_seconds_between(spec, due_before, due_after) == 9 * HOUR + 30 * 60


def test_a_pause_outside_working_time_does_not_move_the_due_time(calendar, record):
    start(record, priority=3)
    due_before = clocks_of(record)["resolution"].due_at

    clocks_pause(SYSTEM, record, at=berlin(2026, 3, 6, 18, 30))
    clocks_resume(SYSTEM, record, at=berlin(2026, 3, 9, 7, 45))

    assert clocks_of(record)["resolution"].due_at == due_before


def test_a_paused_clock_shows_time_left_and_no_due_time(calendar, record):
    start(record, priority=3)
    clocks_pause(SYSTEM, record, at=berlin(2026, 3, 2, 11, 0))

    status = {s.kind: s for s in clocks_for(SYSTEM, record, now=berlin(2026, 3, 5, 9, 0))}

    resolution = status["resolution"]
    assert resolution.paused
    assert resolution.state == "paused"
    assert resolution.due_at is None
    assert resolution.elapsed_seconds == 2 * HOUR
    assert resolution.time_left_seconds == 27 * HOUR - 2 * HOUR
    assert not resolution.breached


def test_a_running_clock_past_due_reads_as_breached_before_the_sweep(calendar, record):
    start(record, priority=1)

    status = {s.kind: s for s in clocks_for(SYSTEM, record, now=berlin(2026, 3, 2, 9, 45))}

    assert status["response"].breached
    assert status["response"].time_left_seconds == -30 * 60
    assert status["response"].due_at == berlin(2026, 3, 2, 9, 15)
    assert not status["resolution"].breached
    assert status["resolution"].time_left_seconds == 4 * HOUR - 45 * 60


def test_stopping_in_time_meets_the_target(calendar, record):
    start(record, priority=1)

    clock = clock_stop(SYSTEM, record, kind="response", at=berlin(2026, 3, 2, 9, 15))

    assert (clock.state, clock.breached, clock.consumed_seconds) == ("stopped", False, 15 * 60)
    assert not SlaEvent.objects.exists()


def test_stopping_late_records_the_breach_once_without_a_late_warning(calendar, record):
    start(record, priority=1)

    clock = clock_stop(SYSTEM, record, kind="response", at=berlin(2026, 3, 2, 9, 20))
    clock_stop(SYSTEM, record, kind="response", at=berlin(2026, 3, 2, 9, 30))

    assert clock.breached
    [event] = SlaEvent.objects.all()
    assert (event.threshold, event.at) == ("breach", berlin(2026, 3, 2, 9, 15))
    [message] = OutboxMessage.objects.filter(topic__startswith="sla.")
    assert message.topic == "sla.breached"
    assert message.payload["kind"] == "response"
    assert message.payload["record_type"] == "core.team"
    assert message.payload["record_id"] == str(record.pk)
    assert message.payload["state"] == "stopped"


def test_pausing_past_the_due_time_records_warning_and_breach(calendar, record):
    start(record, priority=1)

    clocks_pause(SYSTEM, record, at=berlin(2026, 3, 2, 9, 30))

    assert set(SlaEvent.objects.values_list("clock__kind", "threshold")) == {
        ("response", "warning"),
        ("response", "breach"),
    }
    assert OutboxMessage.objects.filter(topic="sla.warning").count() == 1


def test_recompute_on_priority_change_keeps_elapsed_time(calendar, record):
    start(record, priority=4)  # P4: 1 day response, 10 days resolution
    at = berlin(2026, 3, 2, 11, 0)

    clocks_recompute(SYSTEM, record, context={"priority": 2}, at=at)  # P2: 1 h and 8 h

    clocks = clocks_of(record)
    resolution, response = clocks["resolution"], clocks["response"]
    assert resolution.policy.slug == "p2"
    assert resolution.consumed_seconds == 2 * HOUR
    assert resolution.due_at == berlin(2026, 3, 2, 18, 0)  # 6 h left from 11:00
    # 2 h elapsed against a 1 h target: breached an hour ago, recorded now
    assert response.breached
    assert response.due_at == berlin(2026, 3, 2, 10, 0)
    assert SlaEvent.objects.filter(clock=response, threshold="breach").count() == 1


def test_recompute_to_a_looser_target_moves_the_due_time_later(calendar, record):
    start(record, priority=2)

    clocks_recompute(SYSTEM, record, context={"priority": 3}, at=berlin(2026, 3, 2, 9, 30))

    resolution = clocks_of(record)["resolution"]
    assert resolution.target_seconds == 27 * HOUR
    assert resolution.due_at == berlin(2026, 3, 5, 9, 0)  # 3 business days of 9 h
    assert not SlaEvent.objects.exists()


def test_recompute_of_a_paused_clock_waits_for_the_resume(calendar, record):
    start(record, priority=3)
    clocks_pause(SYSTEM, record, at=berlin(2026, 3, 2, 10, 0))

    clocks_recompute(SYSTEM, record, context={"priority": 1}, at=berlin(2026, 3, 4, 9, 0))
    clocks_resume(SYSTEM, record, at=berlin(2026, 3, 4, 9, 0))

    resolution = clocks_of(record)["resolution"]
    assert (resolution.state, resolution.target_seconds) == ("running", 4 * HOUR)
    assert resolution.due_at == berlin(2026, 3, 4, 12, 0)  # 1 h used, 3 h left


def test_reopening_counts_again_from_the_reopen(calendar, record):
    start(record, priority=2)
    clock_stop(SYSTEM, record, kind="resolution", at=berlin(2026, 3, 2, 11, 0))

    clock = clock_reopen(SYSTEM, record, kind="resolution", at=berlin(2026, 3, 3, 8, 0))

    assert (clock.state, clock.consumed_seconds) == ("running", 2 * HOUR)
    assert clock.due_at == berlin(2026, 3, 3, 15, 0)  # 6 h left: 08-12, 13-15


def test_naive_times_and_unknown_kinds_are_programming_errors(calendar, record):
    with pytest.raises(ValueError, match="aware"):
        clocks_start(SYSTEM, record, context={}, at=dt.datetime(2026, 3, 2, 9, 0))
    start(record)
    with pytest.raises(ValueError, match="kind"):
        clock_stop(SYSTEM, record, kind="lunch", at=MONDAY_9)
