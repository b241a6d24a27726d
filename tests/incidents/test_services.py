"""Incident use cases: records, audit and outbox rows; rejected cases write nothing."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from steward.core import stamps
from steward.core.errors import (
    Conflict,
    IllegalTransition,
    NotFound,
    PermissionDenied,
    StaleVersion,
    ValidationFailed,
)
from steward.core.models import AuditEntry, Comment, OutboxMessage
from steward.incidents import selectors
from steward.incidents.models import Incident, PriorityRule, TeamAssignment
from steward.incidents.services import (
    incident_comment,
    incident_create,
    incident_update,
    incidents_auto_close,
)
from steward.incidents.workflow import INCIDENT_FLOW
from tests import factories
from tests.conftest import as_actor

pytestmark = pytest.mark.django_db


def create(actor, **kw):
    kw.setdefault("title", "VPN drops every 10 minutes")
    return incident_create(actor, **kw)


def test_create_numbers_prioritises_audits_and_emits(agent_actor, caller, desk):
    incident = create(
        agent_actor,
        caller=caller.username,
        impact=2,
        urgency=1,
        team="desk",
        category="network",
        subcategory="network-vpn",
    )

    assert incident.number == "INC0000001"
    assert incident.priority == 2
    assert incident.status == "assigned"
    assert incident.organisation_id == caller.organisation_id
    assert incident.channel == "web"
    entry = AuditEntry.objects.get(object_id=str(incident.pk), content_type__model="incident")
    assert entry.action == "create"
    assert entry.changes["priority"] == [None, 2]
    topics = set(OutboxMessage.objects.values_list("topic", flat=True))
    assert {"incident.created", "incident.assigned"} <= topics


@pytest.mark.parametrize(
    ("impact", "urgency", "priority"),
    [(1, 1, 1), (1, 2, 2), (2, 2, 3), (2, 3, 4), (3, 3, 5), (3, 1, 3)],
)
def test_priority_matrix(agent_actor, impact, urgency, priority):
    assert create(agent_actor, impact=impact, urgency=urgency).priority == priority


def test_matrix_is_configurable(agent_actor):
    PriorityRule.objects.filter(impact=3, urgency=3).update(priority=4)
    stamps.bump(stamps.INCIDENT_CONFIG)  # QuerySet.update sends no signal: the cache's rule
    assert create(agent_actor, impact=3, urgency=3).priority == 4


def test_priority_override_needs_a_reason_and_is_audited(agent_actor):
    incident = create(agent_actor, impact=3, urgency=3)
    with pytest.raises(ValidationFailed) as err:
        incident_update(
            agent_actor, number=incident.number, expected_version=1, changes={"priority": 1}
        )
    assert "priority_override_reason" in err.value.fields
    assert Incident.objects.get(pk=incident.pk).priority == 5

    incident = incident_update(
        agent_actor,
        number=incident.number,
        expected_version=1,
        changes={"priority": 1, "priority_override_reason": "CEO laptop"},
    )
    assert incident.priority == 1
    entry = AuditEntry.objects.filter(action="update").latest("id")
    assert entry.changes["priority"] == [5, 1]
    assert entry.changes["priority_override_reason"] == ["", "CEO laptop"]


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"category": "nope"}, "category"),
        ({"impact": 0}, "impact"),
        ({"urgency": 4}, "urgency"),
        ({"category": "network", "subcategory": "hardware-laptop"}, "subcategory"),
        ({"team": "no-team"}, "team"),
        ({"parent": "INC9999999"}, "parent"),
        ({"title": " "}, "title"),
        ({"channel": "pigeon"}, "channel"),
    ],
    ids=[
        "category",
        "impact-0",
        "urgency-4",
        "foreign-subcategory",
        "team",
        "parent",
        "title",
        "channel",
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(agent_actor, fields, bad):
    fields.setdefault("title", "x")
    with pytest.raises(ValidationFailed) as err:
        incident_create(agent_actor, **fields)
    assert bad in err.value.fields
    assert not Incident.objects.exists()
    assert not AuditEntry.objects.filter(content_type__model="incident").exists()


def walk_to(actor, incident, target, **extra):
    return incident_update(
        actor, number=incident.number, expected_version=None, changes={"status": target, **extra}
    )


REQUIRED = {
    "assigned": {"team": "desk"},
    "in_progress": {"assignee": "agent1"},
    "on_hold": {"on_hold_reason": "awaiting_caller"},
    "resolved": {"resolution_code": "solved", "resolution_notes": "Replaced the cable."},
}


def state_of(actor, source):
    """An incident in ``source`` reached through legal moves."""
    incident = create(actor)
    paths = {
        "new": [],
        "assigned": ["assigned"],
        "in_progress": ["in_progress"],
        "on_hold": ["on_hold"],
        "resolved": ["resolved"],
        "closed": ["resolved", "closed"],
        "cancelled": ["cancelled"],
    }
    for step in paths[source]:
        incident = walk_to(actor, incident, step, **REQUIRED.get(step, {}))
    assert incident.status == source
    return incident


ALL = list(INCIDENT_FLOW.states)


@pytest.mark.parametrize("source", ALL)
@pytest.mark.parametrize("target", ALL)
def test_every_transition_is_legal_or_409(agent_actor, desk, source, target):
    if source == target:
        return
    incident = state_of(agent_actor, source)
    version = Incident.objects.get(pk=incident.pk).version
    if target in INCIDENT_FLOW.allowed(source):
        reopen = {"reason": "Again."} if source == "resolved" and target == "in_progress" else {}
        moved = walk_to(agent_actor, incident, target, **REQUIRED.get(target, {}), **reopen)
        assert moved.status == target
    else:
        with pytest.raises(IllegalTransition) as err:
            walk_to(agent_actor, incident, target, **REQUIRED.get(target, {}))
        assert err.value.allowed == INCIDENT_FLOW.allowed(source)
        assert Incident.objects.get(pk=incident.pk).version == version


def test_resolving_without_code_is_422(agent_actor):
    incident = create(agent_actor)
    with pytest.raises(ValidationFailed) as err:
        walk_to(agent_actor, incident, "resolved", resolution_notes="done")
    assert "resolution_code" in err.value.fields
    assert Incident.objects.get(pk=incident.pk).status == "new"


def test_closed_incident_cannot_change(agent_actor, desk):
    incident = state_of(agent_actor, "closed")
    with pytest.raises(Conflict):
        incident_update(
            agent_actor,
            number=incident.number,
            expected_version=None,
            changes={"title": "new title"},
        )


def test_timestamps_follow_the_lifecycle(agent_actor, desk):
    incident = create(agent_actor)
    incident = walk_to(agent_actor, incident, "in_progress", assignee="agent1")
    assert incident.first_response_at is not None
    incident = walk_to(agent_actor, incident, "resolved", **REQUIRED["resolved"])
    assert incident.resolved_at is not None
    incident = walk_to(agent_actor, incident, "closed")
    assert incident.closed_at is not None


def test_reopen_within_window_clears_resolution(agent_actor, desk):
    incident = state_of(agent_actor, "resolved")
    incident = walk_to(agent_actor, incident, "in_progress", assignee="agent1", reason="Again.")
    assert (incident.resolved_at, incident.resolution_code) == (None, "")


def test_reopen_after_window_is_refused(agent_actor, desk):
    incident = state_of(agent_actor, "resolved")
    Incident.objects.filter(pk=incident.pk).update(
        resolved_at=timezone.now() - dt.timedelta(days=30)
    )
    with pytest.raises(ValidationFailed) as err:
        walk_to(agent_actor, incident, "in_progress", assignee="agent1")
    assert "7 days" in err.value.fields["status"][0]


def test_a_refused_reopen_reads_in_the_readers_language(agent_actor, desk):
    incident = state_of(agent_actor, "resolved")
    Incident.objects.filter(pk=incident.pk).update(
        resolved_at=timezone.now() - dt.timedelta(days=30)
    )
    with translation.override("de"), pytest.raises(ValidationFailed) as err:
        walk_to(agent_actor, incident, "in_progress", assignee="agent1")
    assert err.value.fields["status"][0].startswith("Nur innerhalb von 7 Tagen nach der Lösung")


def test_reassignment_is_counted(admin_actor, agent_actor, desk):
    from steward.core.services import team_create

    other = factories.agent()
    team_create(admin_actor, name="Network", members=[other.username])
    incident = create(agent_actor, team="desk", assignee="agent1")
    incident = incident_update(
        agent_actor, number=incident.number, expected_version=None, changes={"team": "network"}
    )
    assert incident.assignee is None  # agent1 is not in Network
    assert incident.reassignment_count == 1


@pytest.mark.parametrize(
    ("source", "way"),
    [("in_progress", "hand back"), ("on_hold", "resume in queue")],
    ids=["hand-back", "resume-in-queue"],
)
def test_back_to_the_queue_unassigns_and_audits_it(agent_actor, desk, source, way):
    incident = create(agent_actor, team="desk", assignee="agent1")
    incident = walk_to(agent_actor, incident, source, **REQUIRED.get(source, {}))
    assert incident.assignee.username == "agent1"
    counted = incident.reassignment_count

    incident = walk_to(agent_actor, incident, "assigned")

    stored = Incident.objects.get(pk=incident.pk)
    assert (stored.status, stored.team.slug, stored.assignee) == ("assigned", "desk", None)
    entry = AuditEntry.objects.filter(object_id=str(incident.pk), action="update").latest("id")
    assert entry.changes["assignee"] == [agent_actor.user.pk, None], way
    assert entry.changes["status"] == [source, "assigned"]
    assert stored.reassignment_count == counted  # the next take is the handover
    shown = selectors.incident_list(agent_actor, queue="unassigned").items
    assert incident.number in [row.number for row in shown]  # the queue lists it


def test_back_to_the_queue_for_someone_named_keeps_them(admin_actor, agent_actor, desk):
    from steward.core.services import team_add_member

    second = factories.agent()
    team_add_member(admin_actor, slug="desk", username=second.username)
    incident = create(agent_actor, team="desk", assignee="agent1")
    incident = walk_to(agent_actor, incident, "in_progress")
    incident = walk_to(agent_actor, incident, "assigned", assignee=second.username)
    assert Incident.objects.get(pk=incident.pk).assignee == second


def test_assignee_must_be_in_the_team(agent_actor, desk):
    other = factories.agent()
    with pytest.raises(ValidationFailed) as err:
        create(agent_actor, team="desk", assignee=other.username)
    assert "assignee" in err.value.fields


def test_round_robin_and_least_loaded_assignment(admin_actor, agent_actor, desk):
    from steward.core.services import team_add_member

    second = factories.agent()
    team_add_member(admin_actor, slug="desk", username=second.username)
    TeamAssignment.objects.create(team=desk, mode="round_robin")
    picked = [create(agent_actor, team="desk").assignee.username for _ in range(4)]
    assert picked == ["agent1", second.username, "agent1", second.username]

    TeamAssignment.objects.filter(team=desk).update(mode="least_loaded")
    walk_to(agent_actor, Incident.objects.filter(assignee__username="agent1").first(), "cancelled")
    assert create(agent_actor, team="desk").assignee.username == "agent1"


def test_resolving_a_parent_resolves_children_with_a_note(agent_actor, desk):
    parent = create(agent_actor, title="Mail outage", is_major=True)
    child = create(agent_actor, title="Cannot send mail", parent=parent.number)
    walk_to(
        agent_actor,
        parent,
        "resolved",
        resolution_code="solved",
        resolution_notes="Restarted the MTA.",
    )
    child.refresh_from_db()
    assert child.status == "resolved"
    assert child.resolution_code == "parent_resolved"
    assert Comment.objects.filter(object_id=str(child.pk), body__contains=parent.number).exists()


def test_stale_version_is_refused(agent_actor):
    incident = create(agent_actor)
    incident_update(
        agent_actor, number=incident.number, expected_version=1, changes={"title": "v2"}
    )
    with pytest.raises(StaleVersion):
        incident_update(
            agent_actor, number=incident.number, expected_version=1, changes={"title": "lost"}
        )
    assert Incident.objects.get(pk=incident.pk).title == "v2"


def test_requester_logs_for_self_and_sees_only_own(caller_actor, caller):
    mine = create(caller_actor)
    assert (mine.caller, mine.channel) == (caller, "portal")
    other = create(as_actor(factories.requester()))
    with pytest.raises(NotFound):
        selectors.incident_get(caller_actor, number=other.number)
    with pytest.raises(PermissionDenied):
        create(caller_actor, caller=other.caller.username)


def test_requester_cannot_change_priority_or_see_work_notes(caller_actor, agent_actor):
    incident = create(caller_actor)
    with pytest.raises(PermissionDenied):
        incident_update(
            caller_actor, number=incident.number, expected_version=None, changes={"impact": 1}
        )
    incident_comment(agent_actor, number=incident.number, body="looks like DNS", internal=True)
    incident_comment(agent_actor, number=incident.number, body="We are on it.")
    visible = selectors.incident_comments(caller_actor, incident)
    assert [c.body for c in visible] == ["We are on it."]


def test_first_public_agent_reply_is_the_first_response(agent_actor, caller_actor):
    incident = create(caller_actor)
    incident_comment(agent_actor, number=incident.number, body="note", internal=True)
    assert Incident.objects.get(pk=incident.pk).first_response_at is None
    incident_comment(agent_actor, number=incident.number, body="Hello, looking now.")
    assert Incident.objects.get(pk=incident.pk).first_response_at is not None


def test_limited_agent_cannot_see_other_organisations(agent_actor):
    org_a, org_b = factories.OrganisationFactory(), factories.OrganisationFactory()
    in_b = create(agent_actor, caller=factories.requester(organisation=org_b).username)
    limited = factories.agent()
    limited.served_organisations.set([org_a])
    with pytest.raises(NotFound):
        selectors.incident_get(as_actor(limited), number=in_b.number)
    assert selectors.incident_list(as_actor(limited)).items == []


def test_auto_close_closes_old_resolved_incidents(agent_actor, desk):
    old = state_of(agent_actor, "resolved")
    fresh = state_of(agent_actor, "resolved")
    Incident.objects.filter(pk=old.pk).update(resolved_at=timezone.now() - dt.timedelta(days=5))
    assert incidents_auto_close() == 1
    assert Incident.objects.get(pk=old.pk).status == "closed"
    assert Incident.objects.get(pk=fresh.pk).status == "resolved"
    entry = AuditEntry.objects.filter(object_id=str(old.pk)).latest("id")
    assert (entry.channel, entry.actor_label) == ("system", "system:auto-close")


def test_take_assigns_to_me_and_starts_work(admin_actor, agent_actor, desk):
    from steward.core.services import team_create
    from steward.incidents.services import incident_take

    team_create(admin_actor, name="Network", slug="net", members=[agent_actor.user.username])
    incident = create(agent_actor, team="net")
    taken = incident_take(agent_actor, number=incident.number)
    assert (taken.assignee.username, taken.status, taken.team.slug) == (
        "agent1",
        "in_progress",
        "net",
    )
    with pytest.raises(PermissionDenied):
        incident_take(as_actor(factories.requester()), number=incident.number)
