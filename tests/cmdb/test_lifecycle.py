"""A CI's lifecycle (``cmdb.workflow.CI_FLOW``): in service a CI moves freely between
planned, live and maintenance, any CI can be retired, and a retired one comes back only as
planned. The service refuses other moves, naming the ones allowed, and changes nothing."""

from __future__ import annotations

import pytest

from steward.cmdb.services import ci_update
from steward.cmdb.workflow import CI_FLOW
from steward.core.errors import IllegalTransition
from tests.cmdb.conftest import make_ci
from tests.contract.shape import assert_error


def move(actor, ci, status):
    return ci_update(actor, number=ci.number, expected_version=None, changes={"status": status})


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("planned", "live"),
        ("live", "maintenance"),
        ("maintenance", "live"),
        ("live", "planned"),
        ("maintenance", "retired"),
        ("retired", "planned"),
    ],
)
def test_allowed_moves_are_made_and_audited(asset_manager, source, target):
    ci = make_ci(status=source)

    moved = move(asset_manager, ci, target)

    assert (moved.status, moved.version) == (target, 2)


@pytest.mark.parametrize("target", ["live", "maintenance"])
def test_a_retired_ci_does_not_go_straight_back_into_service(asset_manager, target):
    ci = make_ci(status="retired")

    with pytest.raises(IllegalTransition) as refused:
        move(asset_manager, ci, target)

    assert refused.value.allowed == ["planned"]
    ci.refresh_from_db()
    assert (ci.status, ci.version) == ("retired", 1)


def test_a_retired_ci_can_still_be_described(asset_manager):
    ci = make_ci(status="retired")

    changed = ci_update(
        asset_manager,
        number=ci.number,
        expected_version=1,
        changes={"description": "kept for the audit", "status": "retired"},
    )

    assert (changed.description, changed.version) == ("kept for the audit", 2)


def test_the_api_answers_a_refused_move_with_409_naming_the_allowed_ones(admin_api):
    ci = make_ci(status="retired")

    response = admin_api.patch(f"/api/v1/cis/{ci.number}", {"status": "live"})

    error = assert_error(response, 409, "illegal_transition", field="status")
    assert error["fields"]["status"] == ["allowed: planned"]


def test_every_status_is_reachable_and_can_be_left():
    for state in CI_FLOW.states:
        assert CI_FLOW.allowed(state), state
        assert any(state in CI_FLOW.allowed(other) for other in CI_FLOW.states), state
