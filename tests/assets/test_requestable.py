"""Requestable assets: a catalogue item whose task names ``asset.assign`` hands the
requester an in-stock asset of the chosen model (a loan when a return date is asked) when
the asset manager completes the task: a check-out with history and audit, the task's notes
saying which asset; nothing in stock or a fulfiller who is no asset manager leaves the task
open and nothing checked out; an unknown action is refused when the item is saved."""

import datetime as dt

import pytest

from steward.assets.models import Asset, Assignment
from steward.catalog import services as catalog
from steward.catalog.models import Task
from steward.core.actor import Actor
from steward.core.errors import Conflict, PermissionDenied, ValidationFailed
from steward.core.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")


@pytest.fixture
def loan_item(catalogue, manager_user):
    factories.TeamFactory(slug="workplace", name="Workplace", members=[manager_user])
    return catalog.item_create(
        SYSTEM,
        name="Laptop loan",
        form=[
            {
                "key": "model",
                "label": "Model",
                "type": "choice",
                "required": True,
                "choices": ["Dell Latitude 7440", "HPE DL380"],
            },
            {"key": "return_by", "label": "Return by", "type": "date", "required": False},
        ],
        task_templates=[
            {"title": "Hand out the laptop", "team": "workplace", "action": "asset.assign"}
        ],
    )


def _order(who, **answers):
    request = catalog.request_order(Actor(user=who), item="laptop-loan", answers=answers)
    return request, Task.objects.get(request=request)


def _complete(actor, task):
    catalog.task_take(actor, number=task.number)
    return catalog.task_complete(actor, number=task.number, notes="Handed over at the desk.")


def test_completing_the_task_checks_out_an_in_stock_asset_as_a_loan(loan_item, make_asset, manager):
    make_asset("server")  # another model: never handed out for a laptop
    make_asset(status="on_order")  # not in stock
    first, second = make_asset(), make_asset()
    carol = factories.requester(username="carol")
    back = dt.date.today() + dt.timedelta(days=14)
    request, task = _order(carol, model="Dell Latitude 7440", return_by=back.isoformat())

    done = _complete(manager, task)

    first.refresh_from_db()
    assert (first.status, first.assignee_id) == ("deployed", carol.pk)
    assert Asset.objects.get(pk=second.pk).status == "in_stock"
    loan = Assignment.objects.get(asset=first)
    assert (loan.person_id, loan.due_back, loan.checked_out_by_id) == (
        carol.pk,
        back,
        manager.user.pk,
    )
    assert done.notes == (
        "Handed over at the desk.\n\n"
        f"Checked out {first.number} ({first.asset_tag}, Dell Latitude 7440) to carol, "
        f"due back {back.isoformat()}."
    )
    request.refresh_from_db()
    assert request.status == "completed"
    assert AuditEntry.objects.filter(object_id=str(first.pk), action="update").exists()


def test_without_a_return_date_it_is_an_assignment(loan_item, make_asset, manager):
    asset = make_asset()
    _, task = _order(factories.requester(username="dave"), model="Dell Latitude 7440")
    _complete(manager, task)
    assert Assignment.objects.get(asset=asset).due_back is None


def test_nothing_in_stock_leaves_the_task_open(loan_item, make_asset, manager):
    make_asset(status="on_order")
    _, task = _order(factories.requester(username="erin"), model="Dell Latitude 7440")
    catalog.task_take(manager, number=task.number)
    with pytest.raises(Conflict, match="Nothing of this kind is in stock"):
        catalog.task_complete(manager, number=task.number)
    assert Task.objects.get(pk=task.pk).status == "in_progress"
    assert not Assignment.objects.exists()


def test_a_fulfiller_who_is_no_asset_manager_is_refused(loan_item, make_asset):
    asset = make_asset()
    helper = factories.agent(username="helper")
    from steward.core.models import Team

    Team.objects.get(slug="workplace").members.add(helper)
    _, task = _order(factories.requester(username="fay"), model="Dell Latitude 7440")
    catalog.task_take(Actor(user=helper), number=task.number)
    with pytest.raises(PermissionDenied, match="An asset manager completes this task"):
        catalog.task_complete(Actor(user=helper), number=task.number)
    assert Asset.objects.get(pk=asset.pk).status == "in_stock"
    assert Task.objects.get(pk=task.pk).status == "in_progress"


def test_an_unknown_action_is_refused_when_the_item_is_saved(catalogue):
    factories.TeamFactory(slug="workplace", name="Workplace")
    with pytest.raises(ValidationFailed) as refused:
        catalog.item_create(
            SYSTEM,
            name="Odd",
            task_templates=[{"title": "x", "team": "workplace", "action": "asset.steal"}],
        )
    assert "task_templates.0.action" in refused.value.fields


def test_the_check_out_form_takes_a_due_back_date(client, manager_user, make_asset):
    asset = make_asset()
    client.force_login(manager_user)
    r = client.post(
        f"/assets/{asset.number}/check-out/",
        {"person": manager_user.username, "due_back": "2000-01-01"},
    )
    assert r.status_code == 422
    assert "today or later" in r.content.decode()
    back = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    r = client.post(
        f"/assets/{asset.number}/check-out/", {"person": manager_user.username, "due_back": back}
    )
    assert r.status_code == 303
    assert Assignment.objects.get(asset=asset).due_back.isoformat() == back
