"""What the actor can do with a change (``selectors.can_*``) and the pages showing buttons
from it: deciding an approval, editing, reviewing, the way to the CAB agenda, keeping freeze
windows. Each rule is checked against what the service then does."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from steward.changes import selectors, services
from steward.changes.choices import Status
from steward.core.errors import Conflict, PermissionDenied
from tests import factories
from tests.changes.conftest import client_for, fresh, move
from tests.conftest import as_actor

pytestmark = pytest.mark.django_db


def _cab_approval(change):
    return change.approvals.get(label="Change Advisory Board")


def _decide(user, change, approval):
    return services.approval_decide(
        as_actor(user), number=change.number, approval_id=approval.pk, decision="approve"
    )


# --- can_decide ---------------------------------------------------------------------------


def test_an_undecided_approver_can_decide_and_the_service_agrees(cab_change, cab):
    member = cab.members.get(username="cab1")
    approval = _cab_approval(cab_change)

    assert selectors.can_decide(as_actor(member), approval)
    _decide(member, cab_change, approval)  # does not raise


def test_an_approver_who_decided_can_no_longer_decide(cab_change, cab):
    member = cab.members.get(username="cab1")
    approval = _cab_approval(cab_change)
    _decide(member, cab_change, approval)

    assert not selectors.can_decide(as_actor(member), _cab_approval(cab_change))
    with pytest.raises(Conflict):
        _decide(member, cab_change, approval)


def test_someone_who_is_no_approver_cannot_decide(cab_change):
    outsider = factories.agent(username="outsider")
    approval = _cab_approval(cab_change)

    assert not selectors.can_decide(as_actor(outsider), approval)
    with pytest.raises(PermissionDenied):
        _decide(outsider, cab_change, approval)


def test_a_delegate_can_decide_for_the_away_approver(cab_change, cab):
    away = cab.members.get(username="cab1")
    stand_in = factories.agent(username="standin")
    approval = _cab_approval(cab_change)
    assert not selectors.can_decide(as_actor(stand_in), approval)
    today = timezone.localdate()
    services.delegation_create(
        as_actor(away), delegate="standin", starts_on=today, ends_on=today + dt.timedelta(days=1)
    )

    assert selectors.can_decide(as_actor(stand_in), approval)
    _decide(stand_in, cab_change, approval)


def test_an_approver_who_became_the_assignee_cannot_decide(cab_change, cab, admin_actor):
    member = cab.members.get(username="cab1")
    cab.members.add(member)
    services.change_update(
        admin_actor,
        number=cab_change.number,
        expected_version=None,
        changes={"team": cab.slug, "assignee": member.username},
    )
    change = fresh(cab_change)
    approval = _cab_approval(change)
    assert approval.forbid_self_approval

    assert not selectors.can_decide(as_actor(member), approval)
    with pytest.raises(PermissionDenied, match="own change"):
        _decide(member, change, approval)


def test_no_one_can_decide_once_the_change_was_cancelled(cab_change, cab, agent_actor):
    member = cab.members.get(username="cab1")
    move(agent_actor, cab_change, Status.CANCELLED)
    change = fresh(cab_change)
    approval = _cab_approval(change)

    assert not selectors.can_decide(as_actor(member), approval)
    with pytest.raises(Conflict):
        _decide(member, change, approval)


# --- the pages show what the selectors allow ------------------------------------------------


def test_the_agenda_offers_buttons_only_to_who_can_decide(cab_change, cab):
    member = cab.members.get(username="cab1")
    _decide(member, cab_change, _cab_approval(cab_change))
    other = cab.members.get(username="cab2")

    decided = client_for(member).get("/changes/agenda/").content
    undecided = client_for(other).get("/changes/agenda/").content

    assert b"Migrate the shop database" in decided
    assert b'value="approve"' not in decided  # already decided: no buttons
    assert b'value="approve"' in undecided


def test_a_refused_decision_redraws_the_row_with_buttons_from_the_selector(cab_change, cab):
    member = cab.members.get(username="cab1")
    approval = _cab_approval(cab_change)
    url = f"/changes/{cab_change.number}/approvals/{approval.pk}/decide/"

    refused = client_for(member).post(url, {"decision": "reject"}, HTTP_HX_REQUEST="true")

    assert refused.status_code == 422  # rejecting needs a comment
    assert b"say why you reject" in refused.content
    assert b'value="approve"' in refused.content  # still theirs to decide


def test_the_edit_button_and_form_follow_can_edit(web, agent_actor, new_change):
    change = new_change(title="Short-lived")
    assert selectors.can_edit(agent_actor, change)
    assert b"/edit/" in web.get(f"/changes/{change.number}/").content

    move(agent_actor, change, Status.CANCELLED)
    change = fresh(change)

    assert not selectors.can_edit(agent_actor, change)
    assert f'/changes/{change.number}/edit/"'.encode() not in (
        web.get(f"/changes/{change.number}/").content
    )
    assert web.get(f"/changes/{change.number}/edit/").status_code == 302


def test_the_review_form_follows_can_review(agent_actor, new_change):
    change = new_change()
    assert not selectors.can_review(agent_actor, change)
    assert selectors.can_review(agent_actor, type(change)(status=Status.REVIEW))
    assert selectors.can_review(agent_actor, type(change)(status=Status.FAILED))
    requester = as_actor(factories.requester(username="asker"))
    assert not selectors.can_review(requester, type(change)(status=Status.REVIEW))


def test_the_way_to_the_agenda_follows_can_go_decide(web, agent_actor, cab_change):
    assert selectors.can_go_decide(agent_actor, cab_change)
    assert b"Decide on the CAB agenda" in web.get(f"/changes/{cab_change.number}/").content
    requester = as_actor(factories.requester(username="asker"))
    assert not selectors.can_go_decide(requester, cab_change)


def test_freeze_windows_are_kept_by_change_managers_only(web, cm_user, agent_actor, cm):
    assert selectors.can_configure(cm)
    assert not selectors.can_configure(agent_actor)
    assert b"New freeze window" in client_for(cm_user).get("/changes/freezes/").content
    assert b"New freeze window" not in web.get("/changes/freezes/").content
