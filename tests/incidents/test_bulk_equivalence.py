"""The bulk path's batched SLA clocks equal the single services' clocks for the same history.

For any generated batch of historical incidents (open, answered, on hold, resolved, closed,
cancelled; answered and resolved before or after their due times, on a 24x7 calendar and on
a business-hours calendar with a lunch break), the clocks written by ``incidents_import``
(``sla.ClockBatch``) are compared with the clocks the single-record services leave behind
when they replay the same moves one record at a time: every clock field, every threshold
event, every outbox row of those events.
"""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from steward.core.actor import Actor
from steward.core.models import OutboxMessage
from steward.incidents.choices import Status
from steward.incidents.services.bulk import incidents_import
from steward.incidents.services.clocks import sla_context
from steward.sla import services as sla
from steward.sla.models import SlaClock, SlaEvent

pytestmark = pytest.mark.django_db

OPENED = dt.datetime(2026, 3, 6, 7, 30, tzinfo=dt.UTC)  # a Friday before Berlin's hours


@pytest.fixture
def office_hours(always_on):
    """Priorities 1-2 on Berlin office hours (a lunch break), the rest on ``always_on``."""
    system = Actor.system("tests")
    hours = [
        {"weekday": d, "start": start, "end": end}
        for d in range(5)
        for start, end in (("08:00", "12:00"), ("13:00", "17:30"))
    ]
    sla.calendar_create(
        system, name="Berlin", slug="berlin", time_zone="Europe/Berlin", working_hours=hours
    )
    return sla.policy_create(
        system,
        name="Urgent",
        slug="urgent",
        calendar="berlin",
        priorities=[1, 2],
        precedence=10,
        response_minutes=20,
        resolution_minutes=300,
        warning_percent=60,
    )


minutes = st.integers(min_value=0, max_value=6 * 24 * 60)
history = st.fixed_dictionaries(
    {
        "impact": st.integers(1, 3),
        "urgency": st.integers(1, 3),
        "status": st.sampled_from(
            ["new", "assigned", "in_progress", "on_hold", "resolved", "closed", "cancelled"]
        ),
        "opened": st.integers(min_value=0, max_value=10 * 24 * 60),
        "answered": st.none() | minutes,
        "resolved": st.none() | minutes,
    }
)


def _row(n, spec):
    opened = OPENED + dt.timedelta(minutes=spec["opened"])
    row = {
        "title": f"History {n}",
        "caller": "req1",
        "impact": spec["impact"],
        "urgency": spec["urgency"],
        "status": spec["status"],
        "opened_at": opened,
    }
    if spec["answered"] is not None:
        row["first_response_at"] = opened + dt.timedelta(minutes=spec["answered"])
    if spec["status"] in ("resolved", "closed"):
        row["resolution_code"] = "solved"
        row["resolved_at"] = opened + dt.timedelta(minutes=spec["resolved"] or 0)
    if spec["status"] == "cancelled":
        row["closed_at"] = opened + dt.timedelta(minutes=spec["resolved"] or 0)
    if spec["status"] != "new":
        row["team"] = "desk"
    return row


def _single_services_replay(actor, incidents):
    """The moves ``clocks_start_history`` makes, each through the single-record service."""
    for incident in incidents:
        sla.clocks_start(actor, incident, context=sla_context(incident), at=incident.opened_at)
        if incident.first_response_at:
            sla.clock_stop(actor, incident, kind="response", at=incident.first_response_at)
        if incident.status == Status.ON_HOLD:
            sla.clocks_pause(actor, incident, at=incident.first_response_at or incident.opened_at)
        ended = incident.resolved_at or (
            incident.closed_at if incident.status == Status.CANCELLED else None
        )
        if ended:
            if not incident.first_response_at:
                sla.clock_stop(actor, incident, kind="response", at=ended)
            sla.clock_stop(actor, incident, kind="resolution", at=ended)


FIELDS = [
    "object_id",
    "kind",
    "policy_id",
    "state",
    "target_seconds",
    "warn_seconds",
    "consumed_seconds",
    "started_at",
    "running_since",
    "due_at",
    "warn_at",
    "paused_at",
    "stopped_at",
    "warned",
    "breached",
]


def _left_behind(ids):
    clocks = SlaClock.objects.filter(object_id__in=ids)
    events = SlaEvent.objects.filter(clock__in=clocks)
    messages = OutboxMessage.objects.filter(topic__startswith="sla.", object_type="sla.slaclock")
    return {
        "clocks": sorted(clocks.values_list(*FIELDS)),
        "events": sorted(events.values_list("clock__object_id", "clock__kind", "threshold", "at")),
        "outbox": sorted(
            (m.topic, sorted(m.payload.items()))
            for m in messages
            if m.payload.get("record_id") in ids
        ),
    }


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=st.lists(history, min_size=1, max_size=8))
def test_batched_clocks_equal_the_single_services(
    specs, admin_actor, requester_user, desk, office_hours
):
    made = incidents_import(admin_actor, [_row(n, spec) for n, spec in enumerate(specs)])
    ids = [str(i.pk) for i in made]
    batched = _left_behind(ids)

    SlaClock.objects.filter(object_id__in=ids).delete()  # events go with their clocks
    OutboxMessage.objects.filter(object_type="sla.slaclock").delete()
    _single_services_replay(admin_actor, made)
    single = _left_behind(ids)

    assert batched["clocks"], "every incident matches a policy: the comparison needs clocks"
    assert batched == single


def test_the_comparison_sees_breaches(admin_actor, requester_user, desk, office_hours):
    """A history that runs past its due times records breaches on both paths (so the
    property above compares events, not two empty lists)."""
    late = {"impact": 1, "urgency": 1, "status": "closed", "opened": 0, "answered": 600}
    made = incidents_import(admin_actor, [_row(0, late | {"resolved": 4000})])
    events = SlaEvent.objects.filter(clock__object_id=str(made[0].pk))
    assert sorted(events.values_list("clock__kind", "threshold")) == [
        ("resolution", "breach"),
        ("response", "breach"),
    ]
    assert OutboxMessage.objects.filter(topic="sla.breached").count() == 2
