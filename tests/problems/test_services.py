"""Problem use cases: the workflow with its guards, linking, scoping, and rejected input."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from steward.core.errors import (
    Conflict,
    IllegalTransition,
    NotFound,
    PermissionDenied,
    StaleVersion,
    ValidationFailed,
)
from steward.core.models import AuditEntry, OutboxMessage
from steward.incidents.models import Incident
from steward.problems.choices import Status
from steward.problems.models import Problem, ProblemIncident
from steward.problems.services import (
    problem_comment,
    problem_create,
    problem_link_incident,
    problem_unlink_incident,
    problem_update,
)
from steward.problems.workflow import PROBLEM_FLOW
from tests import factories

FIELDS_FOR = {
    Status.KNOWN_ERROR: {"workaround": "Restart the client."},
    Status.RESOLVED: {"root_cause": "Idle timeout too short.", "resolution_notes": "Raised it."},
}
LEGAL = [(t.source, t.target) for t in PROBLEM_FLOW.transitions]
ILLEGAL = [(s, t) for s in Status.values for t in Status.values if s != t and (s, t) not in LEGAL]


def _audit(obj, action="update"):
    ct = ContentType.objects.get_for_model(obj)
    return list(AuditEntry.objects.filter(content_type=ct, object_id=str(obj.pk), action=action))


def _at(problem, status):
    Problem.objects.filter(pk=problem.pk).update(
        status=status, workaround="w", root_cause="r", resolution_notes="n"
    )
    problem.refresh_from_db()
    return problem


def test_create_numbers_prioritises_and_audits(agent_actor, make_problem):
    problem = make_problem(impact=1, urgency=2, description="Many users")

    assert problem.number.startswith("PRB")
    assert len(problem.number) == 10
    assert (problem.status, problem.priority) == (Status.NEW, 2)  # the incidents' matrix
    (entry,) = _audit(problem, "create")
    assert entry.changes["title"] == [None, "VPN tunnel drops"]
    assert OutboxMessage.objects.filter(topic="problem.created", object_id=str(problem.pk)).exists()


@pytest.mark.parametrize(("source", "target"), LEGAL, ids=[f"{s}->{t}" for s, t in LEGAL])
def test_every_legal_move_applies_with_its_fields(agent_actor, make_problem, source, target):
    problem = _at(make_problem(), source)

    updated = problem_update(
        agent_actor,
        number=problem.number,
        expected_version=problem.version,
        changes={"status": target, **FIELDS_FOR.get(target, {})},
    )

    assert updated.status == target
    assert updated.version == problem.version + 1
    assert _audit(problem)[-1].changes["status"] == [source, target]


@pytest.mark.parametrize(("source", "target"), ILLEGAL, ids=[f"{s}->{t}" for s, t in ILLEGAL])
def test_every_illegal_move_is_refused_and_changes_nothing(
    agent_actor, make_problem, source, target
):
    problem = _at(make_problem(), source)

    with pytest.raises((IllegalTransition, Conflict)) as caught:
        problem_update(
            agent_actor,
            number=problem.number,
            expected_version=None,
            changes={"status": target, **FIELDS_FOR.get(target, {})},
        )

    if isinstance(caught.value, IllegalTransition):
        assert caught.value.allowed == PROBLEM_FLOW.allowed(source)
    assert Problem.objects.get(pk=problem.pk).status == source
    assert _audit(problem) == []


@pytest.mark.parametrize(
    ("target", "missing"),
    [
        (Status.KNOWN_ERROR, {"workaround"}),
        (Status.RESOLVED, {"root_cause", "resolution_notes"}),
    ],
)
def test_guards_name_the_missing_fields(agent_actor, make_problem, target, missing):
    problem = _at(make_problem(), Status.INVESTIGATING)
    Problem.objects.filter(pk=problem.pk).update(workaround="", root_cause="", resolution_notes="")

    with pytest.raises(ValidationFailed) as caught:
        problem_update(
            agent_actor,
            number=problem.number,
            expected_version=None,
            changes={"status": target, "workaround": "   "},
        )

    assert set(caught.value.fields) == missing
    assert Problem.objects.get(pk=problem.pk).status == Status.INVESTIGATING


def test_clearing_the_workaround_while_publishing_fails_the_guard(agent_actor, make_problem):
    problem = _at(make_problem(), Status.INVESTIGATING)  # has a workaround on record

    with pytest.raises(ValidationFailed) as caught:
        problem_update(
            agent_actor,
            number=problem.number,
            expected_version=None,
            changes={"status": Status.KNOWN_ERROR, "workaround": ""},
        )

    assert "workaround" in caught.value.fields
    assert Problem.objects.get(pk=problem.pk).workaround == "w"


def test_publishing_and_withdrawing_stamp_the_known_error_time(agent_actor, make_problem):
    problem = _at(make_problem(), Status.INVESTIGATING)
    published = problem_update(
        agent_actor, number=problem.number, expected_version=None, changes={"status": "known_error"}
    )
    assert published.known_error_at is not None
    assert OutboxMessage.objects.filter(topic="problem.known_error_published").count() == 1

    withdrawn = problem_update(
        agent_actor,
        number=problem.number,
        expected_version=None,
        changes={"status": "investigating"},
    )
    assert withdrawn.known_error_at is None


@given(path=st.lists(st.sampled_from(Status.values), min_size=1, max_size=8))
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_walk_through_the_flow_keeps_the_record_consistent(agent_actor, make_problem, path):
    """Property: whatever moves are tried, the stored status is reachable by legal moves and
    a refused move changes nothing."""
    problem = make_problem(workaround="w")
    state = Status.NEW
    for target in path:
        try:
            problem = problem_update(
                agent_actor,
                number=problem.number,
                expected_version=None,
                changes={"status": target, **FIELDS_FOR.get(target, {})},
            )
        except (IllegalTransition, Conflict, ValidationFailed):
            assert Problem.objects.get(pk=problem.pk).status == state
            continue
        assert target == state or target in PROBLEM_FLOW.allowed(state)
        state = target
    assert Problem.objects.get(pk=problem.pk).status == state


def test_stale_version_changes_nothing(agent_actor, make_problem):
    problem = make_problem()

    with pytest.raises(StaleVersion):
        problem_update(
            agent_actor,
            number=problem.number,
            expected_version=problem.version + 1,
            changes={"title": "Other"},
        )

    assert Problem.objects.get(pk=problem.pk).title == "VPN tunnel drops"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"impact": 7}, "impact"),
        ({"team": "no-such-team"}, "team"),
        ({"assignee": "nobody"}, "assignee"),
        ({"configuration_item": "CI9999999"}, "configuration_item"),
        ({"affected_service": "CI9999999"}, "affected_service"),
        ({"category": "no-such-category"}, "category"),
        ({"organisation": "no-such-org"}, "organisation"),
        ({"status": "sideways"}, "status"),
        ({"notify_callers": True}, "notify_callers"),
        ({"priority": 1}, "priority"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_bad_input_names_the_field_and_changes_nothing(agent_actor, make_problem, changes, field):
    problem = make_problem()

    with pytest.raises(ValidationFailed) as caught:
        problem_update(agent_actor, number=problem.number, expected_version=None, changes=changes)

    assert field in caught.value.fields
    assert Problem.objects.get(pk=problem.pk).version == problem.version
    assert _audit(problem) == []


def test_requesters_never_write_problems(requester_actor, make_problem):
    with pytest.raises(PermissionDenied):
        problem_create(requester_actor, title="Mine")
    problem = make_problem()
    with pytest.raises(NotFound):  # invisible to them, so absent
        problem_update(requester_actor, number=problem.number, expected_version=None, changes={})
    assert Problem.objects.count() == 1


def test_a_limited_agent_cannot_reach_another_organisations_problem(x_agent, org_y, make_problem):
    theirs = make_problem(organisation=org_y.slug)

    with pytest.raises(NotFound):
        problem_update(x_agent, number=theirs.number, expected_version=None, changes={"title": "x"})
    with pytest.raises(ValidationFailed) as caught:
        problem_create(x_agent, title="Into Y", organisation=org_y.slug)
    assert "organisation" in caught.value.fields


def test_link_and_unlink_are_audited_on_both_records(agent_actor, make_problem, make_incident):
    problem = make_problem()
    incident = make_incident()

    problem_link_incident(agent_actor, number=problem.number, incident=incident.number)
    with pytest.raises(Conflict) as again:  # said, not a silent second link
        problem_link_incident(agent_actor, number=problem.number, incident=incident.number)

    assert again.value.fields == {
        "incident": [f"{incident.number} is already linked to {problem.number}."]
    }
    assert list(problem.incidents.all()) == [incident]
    assert [e.changes for e in _audit(problem)] == [{"incident": [None, incident.number]}]
    assert [e.changes for e in _audit(incident)] == [{"problem": [None, problem.number]}]

    problem_unlink_incident(agent_actor, number=problem.number, incident=incident.number)

    assert not ProblemIncident.objects.exists()
    assert _audit(incident)[-1].changes == {"problem": [problem.number, None]}
    with pytest.raises(NotFound):
        problem_unlink_incident(agent_actor, number=problem.number, incident=incident.number)


def test_an_invisible_incident_cannot_be_linked(x_agent, org_y, make_problem, make_incident):
    problem = make_problem(actor=x_agent)
    hidden = make_incident(caller=factories.requester(organisation=org_y))

    with pytest.raises(ValidationFailed) as caught:
        problem_link_incident(x_agent, number=problem.number, incident=hidden.number)

    assert "incident" in caught.value.fields
    assert not ProblemIncident.objects.exists()


def test_a_closed_problem_takes_no_new_links(agent_actor, make_problem, make_incident):
    problem = _at(make_problem(), Status.CLOSED)

    with pytest.raises(Conflict):
        problem_link_incident(agent_actor, number=problem.number, incident=make_incident().number)


def test_create_from_an_incident_prefills_and_links(agent_actor, make_incident, make_ci):
    ci = make_ci("vpn-gw-1")
    incident = make_incident(
        "VPN drops every hour",
        impact=1,
        urgency=1,
        category="network",
        configuration_item=ci.number,
    )

    problem = problem_create(agent_actor, from_incident=incident.number)

    assert problem.title == "VPN drops every hour"
    assert (problem.impact, problem.urgency, problem.priority) == (1, 1, 1)
    assert problem.category.slug == "network"
    assert problem.configuration_item == ci
    assert problem.organisation_id == incident.organisation_id
    assert list(problem.incidents.all()) == [incident]
    assert _audit(Incident.objects.get(pk=incident.pk))[-1].changes == {
        "problem": [None, problem.number]
    }


def test_create_from_an_unknown_incident_names_the_field(agent_actor):
    with pytest.raises(ValidationFailed) as caught:
        problem_create(agent_actor, from_incident="INC9999999")
    assert "from_incident" in caught.value.fields
    assert not Problem.objects.exists()


def test_agents_note_on_a_problem_and_requesters_cannot_find_it(
    agent_actor, requester_actor, make_problem
):
    problem = make_problem()

    note = problem_comment(agent_actor, number=problem.number, body="Looked at the logs")

    assert (note.object_id, note.body, note.internal) == (
        str(problem.pk),
        "Looked at the logs",
        False,
    )
    with pytest.raises(NotFound):
        problem_comment(requester_actor, number=problem.number, body="hi")
