"""The workflow engine: every legal move passes, every illegal one names the allowed states."""

from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from steward.core.errors import IllegalTransition, ValidationFailed
from steward.core.workflow import Transition, Workflow

STATES = ("new", "assigned", "resolved", "closed")
FLOW = Workflow(
    states=STATES,
    transitions=[
        Transition("new", "assigned", requires=("assignee",)),
        Transition("assigned", "resolved", requires=("resolution_code",)),
        Transition("resolved", "assigned", guard=lambda r, d: None if r.reopenable else "too late"),
        Transition("resolved", "closed"),
    ],
)
LEGAL = {(t.source, t.target) for t in FLOW.transitions}


def record(status, **fields):
    return SimpleNamespace(
        status=status, assignee=None, resolution_code="", reopenable=True, **fields
    )


@given(st.sampled_from(STATES), st.sampled_from(STATES))
def test_every_pair_is_either_legal_or_refused_with_allowed_states(source, target):
    data = {"assignee": "kim", "resolution_code": "fixed"}
    if (source, target) in LEGAL:
        assert FLOW.check(record(source), target=target, data=data).target == target
    else:
        with pytest.raises(IllegalTransition) as err:
            FLOW.check(record(source), target=target, data=data)
        assert err.value.allowed == FLOW.allowed(source)
        assert set(err.value.allowed) == {t for s, t in LEGAL if s == source}


def test_required_fields_are_named():
    with pytest.raises(ValidationFailed) as err:
        FLOW.check(record("assigned"), target="resolved", data={})
    assert err.value.fields == {"resolution_code": ["required for this status change"]}


def test_required_field_already_on_the_record_is_enough():
    move = FLOW.check(record("assigned"), target="resolved", data={"resolution_code": "x"})
    assert move.target == "resolved"


def test_guard_reason_is_reported():
    with pytest.raises(ValidationFailed) as err:
        FLOW.check(SimpleNamespace(status="resolved", reopenable=False), target="assigned", data={})
    assert err.value.fields == {"status": ["too late"]}


def test_unknown_target_state_is_a_validation_error():
    with pytest.raises(ValidationFailed) as err:
        FLOW.check(record("new"), target="exploded", data={})
    assert "status" in err.value.fields


def test_transitions_must_use_declared_states():
    with pytest.raises(ValueError, match="undeclared"):
        Workflow(states=("a",), transitions=[Transition("a", "b")])
