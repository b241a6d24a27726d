"""SLA clocks on requests and tasks: the item's policy (else its service's) starts them on
the same engine as incidents, paused while awaiting approval when the policy says so; task
templates may name their own; the pages, the API and the fulfiller's queue show them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from steward.catalog.services import approval_decide, service_update, task_complete, task_take
from steward.core.actor import Actor
from steward.sla import selectors as sla_selectors
from steward.sla import services as sla
from tests.conftest import api_client_for
from tests.query_counts import grows

SYSTEM = Actor.system("tests")


def web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def always(db):
    return sla.calendar_create(
        SYSTEM,
        name="24x7",
        slug="always",
        time_zone="UTC",
        working_hours=[{"weekday": d, "start": "00:00", "end": "00:00"} for d in range(7)],
    )


@pytest.fixture
def policy(always):
    def make(slug="requests", pause=True, response=60, resolution=480):
        return sla.policy_create(
            SYSTEM,
            name=f"Policy {slug}",
            slug=slug,
            calendar="always",
            response_minutes=response,
            resolution_minutes=resolution,
            pause_awaiting_approval=pause,
            precedence=900,
        )

    return make


def states(record) -> dict[str, str]:
    return {c.kind: c.state for c in sla_selectors.clocks_for(SYSTEM, record)}


def test_paused_while_awaiting_approval_then_running_then_stopped(
    make_item, order, policy, manager, fulfiller
):
    item = make_item(sla_policy=policy().slug)
    request = order(item)
    assert states(request) == {"response": "paused", "resolution": "paused"}
    vote = request.approvals.get()
    approval_decide(Actor(manager), number=request.number, approval_id=vote.pk, decision="approved")
    assert states(request) == {"response": "running", "resolution": "running"}
    first = request.tasks.order_by("position").first()
    task_take(fulfiller, number=first.number)
    assert states(request) == {"response": "stopped", "resolution": "running"}
    for task in request.tasks.order_by("position"):
        task_complete(fulfiller, number=task.number)
    request.refresh_from_db()
    assert request.status == "completed"
    clocks = sla_selectors.clocks_for(SYSTEM, request)
    assert {c.kind: (c.state, c.breached) for c in clocks} == {
        "response": ("stopped", False),
        "resolution": ("stopped", False),
    }


def test_counted_during_approval_unless_the_policy_pauses(make_item, order, policy, manager):
    item = make_item(sla_policy=policy(pause=False).slug)
    request = order(item)
    assert states(request) == {"response": "running", "resolution": "running"}
    vote = request.approvals.get()
    approval_decide(Actor(manager), number=request.number, approval_id=vote.pk, decision="rejected")
    assert states(request) == {"response": "stopped", "resolution": "stopped"}


def test_service_policy_is_the_default_and_no_policy_no_clocks(
    make_item, order, policy, service, admin
):
    plain = order(make_item(slug="plain", stages=[]))
    assert states(plain) == {}
    service_update(
        admin, slug=service.slug, expected_version=None, changes={"sla_policy": policy().slug}
    )
    item = make_item(slug="via-service", stages=[], service=service.slug)
    assert states(order(item)) == {"response": "running", "resolution": "running"}


def test_task_templates_start_their_own_clocks_when_they_open(make_item, order, policy, fulfiller):
    fast = policy(slug="task-fast", response=15, resolution=120)
    item = make_item(
        stages=[],
        tasks=[
            {"title": "Prepare", "team": "desk", "sla_policy": fast.slug},
            {"title": "Hand over", "team": "desk", "sla_policy": fast.slug},
        ],
    )
    request = order(item)
    first, second = request.tasks.order_by("position")
    assert states(first) == {"response": "running", "resolution": "running"}
    assert states(second) == {}  # waiting for the first: no clock yet
    assert states(request) == {}  # the item names no policy of its own
    task_take(fulfiller, number=first.number)
    assert states(first) == {"response": "stopped", "resolution": "running"}
    task_complete(fulfiller, number=first.number)
    assert states(first) == {"response": "stopped", "resolution": "stopped"}
    assert states(second) == {"response": "running", "resolution": "running"}


def test_a_task_template_names_an_active_policy(make_item, desk):
    from steward.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        make_item(tasks=[{"title": "Prepare", "team": "desk", "sla_policy": "nope"}])
    assert refused.value.fields == {"task_templates.0.sla_policy": ["an active SLA policy's slug"]}


def test_api_shows_the_clocks(make_item, requester, policy, fulfiller):
    fast = policy(slug="task-fast")
    item = make_item(
        stages=[],
        sla_policy=policy(slug="req").slug,
        tasks=[{"title": "Prepare", "team": "desk", "sla_policy": fast.slug}],
    )
    rita = api_client_for(requester.user)
    created = rita.post("/api/v1/requests", {"item": item.slug, "answers": {"model": "Standard"}})
    assert created.status_code == 201
    body = created.json()
    assert [(c["kind"], c["policy"], c["state"]) for c in body["sla"]] == [
        ("response", "req", "running"),
        ("resolution", "req", "running"),
    ]
    assert body["sla"][1]["target_seconds"] == 480 * 60

    # the order's answer is built without a read-back: it must equal a read of the request
    # (but for the seconds the clocks ran between the two answers)
    def settled(answer):
        for clock in answer["sla"]:
            del clock["elapsed_seconds"], clock["time_left_seconds"]
        return answer

    assert settled(body) == settled(rita.get(f"/api/v1/requests/{body['number']}").json())
    number = body["tasks"][0]["number"]
    task = api_client_for(fulfiller.user).get(f"/api/v1/tasks/{number}").json()
    assert [c["policy"] for c in task["sla"]] == ["task-fast", "task-fast"]
    assert [c["policy"] for c in task["request_sla"]] == ["req", "req"]


def test_breaches_show_in_the_fulfillers_queue_and_on_the_pages(
    make_item, order, policy, fulfiller, requester
):
    item = make_item(stages=[], sla_policy=policy(pause=False, response=1, resolution=2).slug)
    request = order(item)
    result = sla.sla_sweep(SYSTEM, now=timezone.now() + dt.timedelta(hours=1))
    assert result.breaches == 2
    fred = web(fulfiller.user)
    queue = fred.get("/catalog/tasks/").content.decode()
    assert 'class="sla breached"' in queue
    task = request.tasks.order_by("position").first()
    page = fred.get(f"/catalog/tasks/{task.number}/").content.decode()
    assert "Request SLA resolution" in page
    assert 'class="sla breached"' in page
    mine = web(requester.user).get(f"/catalog/requests/{request.number}/").content.decode()
    assert "SLA resolution" in mine
    assert 'class="sla breached"' in mine


def test_lists_with_clocks_do_not_grow_with_rows(make_item, order, policy, fulfiller, requester):
    fast = policy(slug="task-fast")
    item = make_item(
        stages=[],
        sla_policy=policy(slug="req").slug,
        tasks=[{"title": "Prepare", "team": "desk", "sla_policy": fast.slug}],
    )
    fred = web(fulfiller.user)
    few, many = grows(lambda: order(item), lambda: fred.get("/catalog/tasks/"))
    assert few == many
    rita = api_client_for(requester.user)
    few, many = grows(lambda: order(item), lambda: rita.get("/api/v1/requests"))
    assert few == many


def test_admin_sets_the_item_and_task_policies_in_the_builder(admin, desk, policy):
    from tests.catalog.test_views import admin_post

    chosen = policy(slug="req")
    client = web(admin.user)
    page = client.get("/administration/catalog/items/new/").content.decode()
    assert 'name="sla_policy"' in page
    assert 'name="tasks-0-sla_policy"' in page
    response = client.post(
        "/administration/catalog/items/new/",
        admin_post(
            tasks=[{"title": "Deliver", "team": "desk", "sla_policy": "req"}], sla_policy="req"
        ),
    )
    assert response.status_code == 303, response.content.decode()[:2000]
    from steward.catalog.models import CatalogItem

    item = CatalogItem.objects.get(name="Built item")
    assert item.sla_policy == chosen
    assert item.task_templates == [{"title": "Deliver", "team": "desk", "sla_policy": "req"}]


def _make_late(task, minutes=1):
    """The task's clocks past due (the sweep has not come yet)."""
    from steward.sla.models import SlaClock

    SlaClock.objects.filter(content_type__model="task", object_id=str(task.pk)).update(
        due_at=timezone.now() - dt.timedelta(minutes=minutes)
    )


@pytest.fixture
def fast_item(make_item, policy):
    fast = policy(slug="task-fast", pause=False)
    return make_item(
        stages=[], tasks=[{"title": "Prepare", "team": "desk", "sla_policy": fast.slug}]
    )


@pytest.fixture
def three_tasks(make_item, order, policy, fast_item):
    """Three open tasks on a task policy: one past due (not yet swept), one past its
    warning point, one fresh; and a fourth on an item whose *request* is breached."""
    from steward.catalog.models import Request, Task
    from steward.sla.models import SlaClock

    late, soon, fresh = (order(fast_item).tasks.get() for _ in range(3))
    now = timezone.now()
    on_request = make_item(
        slug="desk-move",
        stages=[],
        tasks=[{"title": "Move", "team": "desk"}],
        sla_policy=policy(slug="req", pause=False).slug,
    )
    request = order(on_request)
    sla.sla_sweep(SYSTEM, now=now + dt.timedelta(days=1))  # the request's clocks breach
    # the sweep breached every running clock: put the three tasks' clocks where the test
    # wants them
    task_clocks = SlaClock.objects.filter(content_type__model="task")
    task_clocks.update(breached=False, warned=False)
    _make_late(late)
    task_clocks.filter(object_id=str(soon.pk)).update(
        warn_at=now - dt.timedelta(minutes=1), due_at=now + dt.timedelta(minutes=30), warned=True
    )
    assert Request.objects.count() == 4
    return {
        "late": late.number,
        "soon": soon.number,
        "fresh": fresh.number,
        "request_late": list(Task.objects.filter(request=request).values_list("number", flat=True)),
    }


def test_queue_filters_breached_and_due_soon(three_tasks, fulfiller):
    api = api_client_for(fulfiller.user)

    def numbers(**params):
        response = api.get("/api/v1/tasks", {"queue": "open", **params})
        assert response.status_code == 200, response.content
        return sorted(t["number"] for t in response.json()["items"])

    late = sorted([three_tasks["late"], *three_tasks["request_late"]])
    assert numbers(sla="breached") == late
    assert numbers(sla="due_soon") == [three_tasks["soon"]]
    assert len(numbers()) == 3 + len(three_tasks["request_late"])
    refused = api.get("/api/v1/tasks", {"sla": "late"})
    assert refused.status_code == 422
    assert list(refused.json()["error"]["fields"]) == ["sla"]
    # the page reads the same filter
    fred = web(fulfiller.user)
    page = fred.get("/catalog/tasks/", {"sla": "breached"}).content.decode()
    for number in late:
        assert number in page
    assert three_tasks["fresh"] not in page
    assert three_tasks["soon"] not in page
    assert fred.get("/catalog/tasks/", {"sla": "late"}).status_code == 422


def test_queue_page_links_the_sla_filter_from_its_default_state(three_tasks, fulfiller):
    fred = web(fulfiller.user)
    page = fred.get("/catalog/tasks/").content.decode()
    assert 'href="?queue=my_teams&amp;sla=breached"' in page
    assert 'href="?queue=my_teams" aria-current="page"' in page  # "Any" is the default


def test_sla_filter_adds_no_queries(three_tasks, fulfiller, order, fast_item):
    from tests.query_counts import queries

    fred = web(fulfiller.user)
    api = api_client_for(fulfiller.user)
    queries(lambda: fred.get("/catalog/tasks/"))  # warm the session's caches
    queries(lambda: api.get("/api/v1/tasks"))
    plain_page = queries(lambda: fred.get("/catalog/tasks/"))
    plain_api = queries(lambda: api.get("/api/v1/tasks"))
    for state in ("breached", "due_soon"):
        assert queries(lambda s=state: fred.get("/catalog/tasks/", {"sla": s})) == plain_page
        assert queries(lambda s=state: api.get("/api/v1/tasks", {"sla": s})) == plain_api
    assert plain_api == API_TASK_LIST

    def add_late():
        _make_late(order(fast_item).tasks.get())

    few, many = grows(add_late, lambda: fred.get("/catalog/tasks/", {"sla": "breached"}))
    assert few == many
    assert len(api.get("/api/v1/tasks", {"sla": "breached"}).json()["items"]) == 2 + 8


# the API's task list with SLA clocks: the cache stamps, the page (with its filters as
# subqueries), the clocks of the tasks, the clocks of their requests (token and calendars
# are cached per process)
API_TASK_LIST = 4


def _fact(page: str, label: str) -> str:
    """The words of the ``<dd>`` after the ``<dt>`` reading ``label``, tags and spaces squeezed."""
    found = re.search(rf"<dt>{re.escape(label)}</dt><dd>(.*?)</dd>", page, re.S)
    assert found, label
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def test_the_requesters_paused_clock_reads_as_a_sentence(make_item, order, policy, requester):
    """Was "SLA response: paused response Policy requests": the kind said twice and the
    policy's name run on; now "paused (policy …)", in German too."""
    request = order(make_item(sla_policy=policy().slug))
    rita = web(requester.user)
    page = rita.get(f"/catalog/requests/{request.number}/").content.decode()
    assert _fact(page, "SLA response") == "paused (policy Policy requests)"
    requester.user.language = "de"
    requester.user.save(update_fields=["language"])
    page = rita.get(f"/catalog/requests/{request.number}/").content.decode()
    assert _fact(page, "SLA (Reaktion)") == "pausiert (Richtlinie Policy requests)"
