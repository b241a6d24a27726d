"""What the change page offers, from ``selectors.change_capabilities``: the services still
decide, the page shows only what would work."""

from __future__ import annotations

import pytest

from steward.changes import selectors, services
from steward.changes.choices import Status
from tests.changes.conftest import fresh, in_authorisation, move, window
from tests.conftest import as_actor

pytestmark = pytest.mark.django_db


def test_a_requester_follows_their_change_without_buttons(new_change, requester_user, agent_actor):
    change = new_change(requester=requester_user.username)
    can = selectors.change_capabilities(as_actor(requester_user), change)

    assert (can.can_edit, can.can_review, can.can_write_notes, can.can_see_conflicts) == (
        False,
        False,
        False,
        False,
    )
    assert can.can_comment
    assert can.moves == []


def test_a_normal_change_is_scheduled_only_once_authorised(agent_actor, new_change, cm):
    start, end = window()
    change = in_authorisation(agent_actor, new_change(planned_start=start, planned_end=end))

    waiting = selectors.change_capabilities(agent_actor, change)
    assert not waiting.can_schedule
    assert not waiting.can_implement
    assert waiting.can_go_decide
    assert {m.target for m in waiting.moves} == {Status.ASSESSMENT, Status.CANCELLED}

    for approval in change.approvals.all():
        services.approval_decide(
            cm, number=change.number, approval_id=approval.pk, decision="approve"
        )
    approved = selectors.change_capabilities(agent_actor, fresh(change))
    assert approved.can_schedule
    assert not approved.can_go_decide


def test_only_an_emergency_is_implemented_before_it_is_scheduled(agent_actor, new_change):
    normal, emergency = new_change(), new_change(type="emergency")
    for change in (normal, emergency):
        move(agent_actor, change, Status.ASSESSMENT)

    assert not selectors.change_capabilities(agent_actor, fresh(normal)).can_implement
    assert selectors.change_capabilities(agent_actor, fresh(emergency)).can_implement


def test_a_closed_change_offers_nothing_to_change(agent_actor, new_change):
    change = new_change()
    move(agent_actor, change, Status.CANCELLED)
    can = selectors.change_capabilities(agent_actor, fresh(change))

    assert not can.can_edit
    assert can.moves == []
    assert can.can_comment
