"""Ordering, approvals (sequential stages, quorum), task orchestration and closure."""

from __future__ import annotations

import pytest

from steward.catalog.models import Approval, Request, Task
from steward.catalog.services import (
    approval_decide,
    request_cancel,
    request_order,
    task_complete,
    task_take,
)
from steward.core.errors import Conflict, PermissionDenied, ValidationFailed
from steward.core.models import AuditEntry, OutboxMessage
from tests import factories
from tests.conftest import as_actor


def _approve(request, user, decision="approved"):
    vote = Approval.objects.get(request=request, approver=user, stage=request.stage)
    return approval_decide(
        as_actor(user), number=request.number, approval_id=vote.pk, decision=decision
    )


def test_order_waits_for_the_manager(laptop, order, manager):
    request = order(laptop)
    assert request.number.startswith("REQ")
    assert request.status == "approval"
    assert list(request.approvals.values_list("approver__username", "decision")) == [
        ("manny", "pending")
    ]
    assert AuditEntry.objects.filter(object_id=str(request.pk), action="create").exists()
    topics = set(OutboxMessage.objects.values_list("topic", flat=True))
    assert {"request.created", "request.approval_requested"} <= topics
    assert not Task.objects.exists()


def test_manager_approval_starts_ordered_tasks_and_closing_them_completes(
    laptop, order, manager, fulfiller
):
    request = order(laptop)
    _approve(request, manager)
    request.refresh_from_db()
    assert request.status == "fulfilment"
    first, second = request.tasks.order_by("position")
    assert (first.status, second.status) == ("open", "waiting")
    task_take(fulfiller, number=first.number)
    task_complete(fulfiller, number=first.number)
    second.refresh_from_db()
    assert second.status == "open"
    task_complete(fulfiller, number=second.number)
    request.refresh_from_db()
    assert request.status == "completed"
    assert request.closed_at is not None
    assert OutboxMessage.objects.filter(topic="request.completed").count() == 1


def test_parallel_tasks_open_together(make_item, order, manager):
    request = order(make_item(mode="parallel"))
    _approve(request, manager)
    assert sorted(request.tasks.values_list("status", flat=True)) == ["open", "open"]


def test_rejection_closes_the_request_without_tasks(laptop, order, manager):
    request = order(laptop)
    _approve(request, manager, "rejected")
    request.refresh_from_db()
    assert request.status == "rejected"
    assert request.closed_at is not None
    assert not request.tasks.exists()


def test_approving_for_someone_else_is_refused(laptop, order, manager, admin):
    request = order(laptop)
    vote = request.approvals.get()
    with pytest.raises(PermissionDenied):
        approval_decide(admin, number=request.number, approval_id=vote.pk, decision="approved")
    vote.refresh_from_db()
    assert vote.decision == "pending"


def test_a_vote_is_decided_once(laptop, order, manager):
    request = order(laptop)
    _approve(request, manager)
    vote = request.approvals.get()
    with pytest.raises(Conflict):
        approval_decide(
            as_actor(manager), number=request.number, approval_id=vote.pk, decision="rejected"
        )


def test_sequential_stages_with_quorum(make_item, order, manager, org):
    cab = [factories.requester(username=f"cab{i}", organisation=org) for i in range(3)]
    item = make_item(
        stages=[
            {"name": "Manager", "approvers": "manager", "quorum": "any"},
            {
                "name": "Board",
                "approvers": "users",
                "users": [u.username for u in cab],
                "quorum": 2,
            },
        ]
    )
    request = order(item)
    _approve(request, manager)
    request.refresh_from_db()
    assert (request.status, request.stage) == ("approval", 1)
    assert request.approvals.filter(stage=1).count() == 3
    _approve(request, cab[0])
    request.refresh_from_db()
    assert request.status == "approval"  # one of two
    _approve(request, cab[1])
    request.refresh_from_db()
    assert request.status == "fulfilment"
    assert request.approvals.get(approver=cab[2]).decision == "not_needed"


def test_all_quorum_fails_on_one_rejection(make_item, order, org):
    board = [factories.requester(username=f"b{i}", organisation=org) for i in range(2)]
    item = make_item(
        stages=[{"approvers": "users", "users": [u.username for u in board], "quorum": "all"}]
    )
    request = order(item)
    _approve(request, board[0])
    _approve(request, board[1], "rejected")
    request.refresh_from_db()
    assert request.status == "rejected"


def test_team_stage_any_member(make_item, order, desk, fulfiller):
    request = order(make_item(stages=[{"approvers": "team", "team": "desk", "quorum": "any"}]))
    _approve(request, fulfiller.user)
    request.refresh_from_db()
    assert request.status == "fulfilment"


def test_no_approval_goes_straight_to_fulfilment(make_item, order):
    request = order(make_item(stages=[]))
    assert request.status == "fulfilment"
    assert request.tasks.filter(status="open").count() == 1


def test_no_tasks_completes_once_approved(make_item, order):
    request = order(make_item(stages=[], tasks=[]))
    assert request.status == "completed"


def test_without_a_manager_the_order_is_refused_and_nothing_written(laptop, org):
    orphan = as_actor(factories.requester(username="orphan", organisation=org))
    with pytest.raises(ValidationFailed) as caught:
        request_order(orphan, item=laptop.slug, answers={"model": "Standard"})
    assert "approval_stages.0" in caught.value.fields
    assert not Request.objects.exists()


def test_service_owner_stage(make_item, order, service, admin):
    from steward.catalog.services import service_update

    owner = factories.agent(username="owner")
    service_update(admin, slug=service.slug, expected_version=None, changes={"owner": "owner"})
    request = order(
        make_item(service=service.slug, stages=[{"approvers": "service_owner", "quorum": "any"}])
    )
    assert list(request.approvals.values_list("approver", flat=True)) == [owner.pk]


def test_outside_the_audience_cannot_order(make_item, requester):
    item = make_item(audience="roles", audience_roles=["agent"])
    with pytest.raises(ValidationFailed) as caught:
        request_order(requester, item=item.slug, answers={"model": "Standard"})
    assert "item" in caught.value.fields


def test_organisation_audience(make_item, requester, org):
    item = make_item(audience="organisations", audience_organisations=[org.slug])
    assert request_order(requester, item=item.slug, answers={"model": "Standard"})
    stranger = as_actor(factories.requester(username="stranger"))
    with pytest.raises(ValidationFailed):
        request_order(stranger, item=item.slug, answers={"model": "Standard"})


def test_task_is_worked_by_its_team_only(make_item, order, org):
    request = order(make_item(stages=[]))
    task = request.tasks.get(status="open")
    outsider = as_actor(factories.agent(username="outsider"))
    with pytest.raises(PermissionDenied):
        task_complete(outsider, number=task.number)
    task.refresh_from_db()
    assert task.status == "open"


def test_requester_cancels_while_awaiting_approval(laptop, order, requester):
    request = order(laptop)
    request_cancel(requester, number=request.number)
    request.refresh_from_db()
    assert request.status == "cancelled"
    assert request.approvals.get().decision == "not_needed"


def test_html_in_answers_is_stored_as_text(make_item, order):
    item = make_item(form=[{"key": "note", "label": "Note", "type": "text"}], stages=[])
    request = order(item, {"note": "<script>alert(1)</script>"})
    assert request.answers == {"note": "<script>alert(1)</script>"}


def test_agents_order_on_behalf_of_people_they_may_see_only(laptop, requester, org):
    other_org = factories.OrganisationFactory(name="Elsewhere", slug="elsewhere")
    limited = factories.agent(username="limited", organisation=other_org)
    limited.served_organisations.set([other_org])
    with pytest.raises(ValidationFailed) as caught:
        request_order(
            as_actor(limited),
            item=laptop.slug,
            answers={"model": "Standard"},
            requester=requester.user.username,
        )
    assert "requester" in caught.value.fields
    with pytest.raises(PermissionDenied):
        request_order(
            requester,
            item=laptop.slug,
            answers={"model": "Standard"},
            requester="someone-else",
        )
    assert not Request.objects.exists()


@pytest.mark.parametrize(
    "audience",
    [
        {"audience": "organisations", "audience_organisations": ["elsewhere"]},
        {"audience": "roles", "audience_roles": ["agent"]},
    ],
    ids=["another-organisations-item", "an-agents-only-item"],
)
def test_an_order_on_behalf_keeps_to_the_persons_audience(make_item, requester, audience):
    """The audience was checked against the agent placing the order: a person outside it
    got a request (and the item) in their name."""
    elsewhere = factories.OrganisationFactory(name="Elsewhere", slug="elsewhere")
    agent = factories.agent(username="desk-agent", organisation=elsewhere)  # in both audiences
    item = make_item(slug="tools", stages=[], **audience)
    with pytest.raises(ValidationFailed) as caught:
        request_order(
            as_actor(agent),
            item=item.slug,
            answers={"model": "Standard"},
            requester=requester.user.username,
        )
    assert list(caught.value.fields) == ["requester"]
    assert not Request.objects.exists()


def test_an_administrator_sets_a_manager_and_nobody_manages_themselves(admin, requester, manager):
    from steward.core.services import user_update

    user = user_update(
        admin, username=manager.username, expected_version=None, changes={"manager": "rita"}
    )
    assert user.manager.username == "rita"
    with pytest.raises(ValidationFailed) as caught:
        user_update(admin, username="rita", expected_version=None, changes={"manager": "rita"})
    assert "manager" in caught.value.fields
