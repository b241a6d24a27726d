"""record_update: the one update sequence, exercised on a problem."""

import pytest

from steward.core.errors import Conflict, IllegalTransition, StaleVersion, ValidationFailed
from steward.core.models import AuditEntry, OutboxMessage
from steward.core.services.records import RecordRules, record_update
from steward.problems import selectors as problem_selectors
from steward.problems.models import Problem
from steward.problems.services import problem_create

pytestmark = pytest.mark.django_db

RULES = RecordRules(
    editable={"title", "description", "status"},
    audited=("title", "description", "status"),
    terminal={"closed"},
    event="problem.updated",
)


@pytest.fixture
def problem(agent_actor):
    return problem_create(agent_actor, title="VPN tunnel drops")


def _update(actor, problem, changes, *, version=None, rules=RULES, **kwargs):
    return record_update(
        actor,
        load=lambda: problem_selectors.problem_for_update(actor, number=problem.number),
        rules=rules,
        expected_version=version,
        changes=changes,
        **kwargs,
    )


def _written(problem):
    return (
        AuditEntry.objects.filter(object_id=str(problem.pk), action="update").count(),
        OutboxMessage.objects.filter(topic="problem.updated", object_id=str(problem.pk)).count(),
        Problem.objects.get(pk=problem.pk).version,
    )


def test_a_change_is_saved_versioned_audited_and_announced(agent_actor, problem):
    updated = _update(agent_actor, problem, {"title": "VPN drops hourly"}, version=problem.version)

    stored = Problem.objects.get(pk=problem.pk)
    assert stored.title == "VPN drops hourly"
    assert stored.version == problem.version + 1 == updated.record.version
    assert updated.changed == ["title"]
    entry = AuditEntry.objects.get(object_id=str(problem.pk), action="update")
    assert entry.changes == {"title": ["VPN tunnel drops", "VPN drops hourly"]}
    event = OutboxMessage.objects.get(topic="problem.updated", object_id=str(problem.pk))
    assert event.payload == {"number": problem.number, "changed": ["title"]}


def test_the_cleaned_values_are_applied_not_the_raw_ones(agent_actor, problem):
    updated = _update(
        agent_actor, problem, {"title": "  padded  "}, clean=lambda obj, c: {"title": "trimmed"}
    )
    assert updated.record.title == "trimmed"
    assert Problem.objects.get(pk=problem.pk).title == "trimmed"


@pytest.mark.parametrize(
    ("changes", "version", "error"),
    [
        pytest.param({"priority": 1}, None, ValidationFailed, id="unknown-field"),
        pytest.param({"title": "x"}, 99, StaleVersion, id="stale-version"),
    ],
)
def test_a_refused_change_writes_nothing(agent_actor, problem, changes, version, error):
    before = _written(problem)
    with pytest.raises(error):
        _update(agent_actor, problem, changes, version=version)
    assert _written(problem) == before
    assert Problem.objects.get(pk=problem.pk).title == "VPN tunnel drops"


def test_the_validator_refuses_and_nothing_is_written(agent_actor, problem):
    def refuse(obj, changes):
        raise ValidationFailed.one("title", "too short")

    before = _written(problem)
    with pytest.raises(ValidationFailed) as caught:
        _update(agent_actor, problem, {"title": "x"}, clean=refuse)
    assert caught.value.fields == {"title": ["too short"]}
    assert _written(problem) == before


def test_unknown_fields_are_refused_before_the_version_is_checked(agent_actor, problem):
    with pytest.raises(ValidationFailed):
        _update(agent_actor, problem, {"nonsense": 1}, version=99)


def test_a_closed_record_is_a_conflict_and_a_move_out_names_the_move(agent_actor, problem):
    Problem.objects.filter(pk=problem.pk).update(status="closed")
    with pytest.raises(Conflict) as caught:
        _update(agent_actor, problem, {"title": "again"})
    assert not isinstance(caught.value, IllegalTransition)
    assert caught.value.fields == {"status": ["closed is final"]}
    with pytest.raises(IllegalTransition):
        _update(agent_actor, problem, {"status": "investigating"})


def test_no_change_writes_no_version_audit_or_event(agent_actor, problem):
    before = _written(problem)
    updated = _update(agent_actor, problem, {"title": "VPN tunnel drops"})
    assert updated.changed == []
    assert _written(problem) == before


def test_editable_fields_may_depend_on_the_actor(agent_actor, problem):
    rules = RecordRules(
        editable=lambda actor: {"description"} if actor.is_agent else set(),
        audited=("title", "description"),
    )
    with pytest.raises(ValidationFailed):
        _update(agent_actor, problem, {"title": "x"}, rules=rules)
    assert _update(agent_actor, problem, {"description": "d"}, rules=rules).changed == [
        "description"
    ]


def test_links_outside_the_columns_are_audited_and_announced_like_fields(agent_actor, problem):
    links: dict[int, list[str]] = {}
    rules = RecordRules(
        editable={"links"},
        audited=("title",),
        event="problem.updated",
        related=lambda obj: {"links": sorted(links.get(obj.pk, []))},
    )

    def apply(obj, clean):
        links[obj.pk] = clean["links"]

    updated = _update(agent_actor, problem, {"links": ["CI2", "CI1"]}, rules=rules, apply=apply)

    assert updated.changed == ["links"]
    entry = AuditEntry.objects.get(object_id=str(problem.pk), action="update")
    assert entry.changes == {"links": [[], ["CI1", "CI2"]]}
    event = OutboxMessage.objects.get(topic="problem.updated", object_id=str(problem.pk))
    assert event.payload["changed"] == ["links"]
    assert Problem.objects.get(pk=problem.pk).version == problem.version + 1
    again = _update(agent_actor, problem, {"links": ["CI1", "CI2"]}, rules=rules, apply=apply)
    assert again.changed == []


def test_columns_also_saved_stay_unaudited_and_notes_join_the_audit_entry(agent_actor, problem):
    rules = RecordRules(editable={"title"}, audited=("title",), also_saved=("priority",))

    def apply(obj, clean):
        obj.title, obj.priority = clean["title"], 1
        return {"because": "a note"}

    _update(agent_actor, problem, {"title": "Now urgent"}, rules=rules, apply=apply)

    stored = Problem.objects.get(pk=problem.pk)
    assert (stored.title, stored.priority) == ("Now urgent", 1)
    entry = AuditEntry.objects.get(object_id=str(problem.pk), action="update")
    assert entry.changes == {"title": [problem.title, "Now urgent"], "because": [None, "a note"]}
