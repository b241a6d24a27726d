"""The incidents API in the contract registry: how to make an incident an owner may see, and
how each list filter selects one incident and not another. ``tests/contract/registry.py``
imports ``INCIDENTS`` into ``RESOURCES``; the contract tests run it from there.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from steward.core.actor import Actor
from steward.core.models import User
from steward.incidents.models import Category, Incident
from steward.incidents.services import incident_create, search_index
from steward.sla.choices import ClockKind, ClockState
from steward.sla.models import SlaClock
from tests import factories
from tests.cmdb.contract import make_ci
from tests.contract.registry import ORG_SCOPED, Resource, _set, make_policy, new_tag


def make_incident(owner: User, tag: str) -> Incident:
    """An incident ``owner`` called in (so it carries the owner's organisation)."""
    return incident_create(
        Actor.system("contract"),
        title=f"Incident {tag}",
        description=f"Described {tag}",
        caller=owner.username,
    )


def _incident_indexed(match: Incident, other: Incident) -> str:
    search_index.reindex([match.pk, other.pk])  # the worker's job after commit
    return match.title.split()[-1]


def _incident_of_new_caller(match: Incident, other: Incident) -> str:
    caller = factories.requester(username=f"caller-{new_tag()}")
    _set(match, caller=caller)
    return caller.username


def _incident_assigned(match: Incident, other: Incident) -> str:
    assignee = factories.agent(username=f"assignee-{new_tag()}")
    _set(match, assignee=assignee)
    return assignee.username


def _incident_on_ci(match: Incident, other: Incident) -> str:
    ci = make_ci(None, new_tag())
    _set(match, configuration_item=ci)
    return ci.number


def _incident_of_service(match: Incident, other: Incident) -> str:
    service = make_ci(None, new_tag())
    _set(match, affected_service=service)
    return service.number


def _incident_of_team(match: Incident, other: Incident) -> str:
    team = factories.TeamFactory(name=f"Incident team {new_tag()}")
    _set(match, team=team)
    return team.slug


def _incident_categorised(match: Incident, other: Incident) -> str:
    category = Category.objects.create(name=f"Category {new_tag()}", slug=f"cat-{new_tag()}")
    _set(match, category=category)
    return category.slug


def _incident_major(match: Incident, other: Incident) -> str:
    _set(match, is_major=True)
    return "true"


def _incident_in_major_queue(match: Incident, other: Incident) -> str:
    _set(match, is_major=True)
    return "major"


def _incident_other_cancelled(match: Incident, other: Incident) -> str:
    _set(other, status="cancelled")
    return "new"


def _incident_critical(match: Incident, other: Incident) -> str:
    _set(match, priority=1)
    _set(other, priority=5)
    return "1"


def _clock(incident: Incident, *, due_in: dt.timedelta, breached: bool = False) -> None:
    """A running resolution clock on ``incident`` (what the SLA engine would start)."""
    now = timezone.now()
    SlaClock.objects.create(
        content_type=ContentType.objects.get_for_model(Incident),
        object_id=str(incident.pk),
        policy=make_policy(None, new_tag()),
        kind=ClockKind.RESOLUTION,
        state=ClockState.RUNNING,
        target_seconds=3600,
        warn_seconds=2700,
        started_at=now - dt.timedelta(hours=1),
        running_since=now - dt.timedelta(hours=1),
        due_at=now + due_in,
        warn_at=now + due_in - dt.timedelta(minutes=15),
        breached=breached,
    )


def _incident_breached(match: Incident, other: Incident) -> str:
    _clock(match, due_in=-dt.timedelta(minutes=5), breached=True)
    _clock(other, due_in=dt.timedelta(days=2))
    return "true"


def _incident_breaching_soon(match: Incident, other: Incident) -> str:
    _clock(match, due_in=dt.timedelta(minutes=30))
    _clock(other, due_in=dt.timedelta(days=2))
    return "60"


LONG_AGO = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
SINCE = "2021-01-01T00:00:00Z"


def _incident_other_old(match: Incident, other: Incident) -> str:
    _set(other, opened_at=LONG_AGO)
    return SINCE


def _incident_match_old(match: Incident, other: Incident) -> str:
    _set(match, opened_at=LONG_AGO)
    return SINCE


INCIDENTS = Resource(
    name="incidents",
    collection="/api/v1/incidents",
    model=Incident,
    key="number",
    make=make_incident,
    visible={**ORG_SCOPED, "requester": {"requester"}},  # requesters see what they called in
    list_query_ceiling=8,
    writer="requester",  # anyone logs incidents and edits the title of their own
    create_payload=lambda tag: {
        "title": f"VPN down {tag}",
        "description": "Cannot connect since this morning.",
        "impact": 2,
        "urgency": 2,
    },
    patch_payload=lambda tag: {"title": f"Patched {tag}", "description": f"More {tag}"},
    illegal_patch=("agent", {"status": "closed"}),
    absent_key="INC9999999",
    filters={
        "q": _incident_indexed,
        "caller": _incident_of_new_caller,
        "assignee": _incident_assigned,
        "team": _incident_of_team,
        "ci": _incident_on_ci,
        "service": _incident_of_service,
        "category": _incident_categorised,
        "major": _incident_major,
        "queue": _incident_in_major_queue,
        "status": _incident_other_cancelled,
        "priority": _incident_critical,
        "created_after": _incident_other_old,
        "created_before": _incident_match_old,
        "breached": _incident_breached,
        "breaching_within": _incident_breaching_soon,
    },
    excused_filters={"order": "a sort order, not a filter; the cursor walk covers the default"},
)
