"""The catalogue API in the contract registry: services, items, requests and tasks.
``tests/contract/registry.py`` imports these into ``RESOURCES``."""

from __future__ import annotations

from steward.catalog.models import CatalogItem, Request, Service, Task
from steward.catalog.services import item_create, request_order, service_create
from steward.core.actor import Actor
from steward.core.models import User
from tests import factories
from tests.contract.registry import ORG_SCOPED, ROLES, Resource, _org_of, _set, new_tag

SYSTEM = Actor.system("contract")
EVERYONE = {role: set(ROLES) for role in ROLES}
# a request is seen by its requester, and by agents as the organisation rule says
OWN_OR_ORG = {**ORG_SCOPED, "requester": {"requester"}}
# as the API answers it back (every setting spelled out)
FORM = [
    {"key": "detail", "label": "Detail", "type": "text", "required": True, "help": ""},
    {
        "key": "size",
        "label": "Size",
        "type": "choice",
        "required": False,
        "help": "",
        "choices": ["S", "L"],
    },
]


def make_service(owner: User | None, tag: str) -> Service:
    return service_create(SYSTEM, name=f"Service {tag}", stage="live", description=f"About {tag}")


def make_item(owner: User | None, tag: str, *, tasks: list | None = None) -> CatalogItem:
    return item_create(
        SYSTEM,
        name=f"Item {tag}",
        category=f"Cat {tag}",
        description=f"Order {tag}",
        form=FORM,
        task_templates=tasks or [],
    )


def make_request(owner: User, tag: str, *, tasks: list | None = None) -> Request:
    item = make_item(owner, tag, tasks=tasks)
    request = request_order(Actor(user=owner), item=item.slug, answers={"detail": f"For {tag}"})
    org = _org_of(owner)
    _set(request, organisation=org)
    request.organisation = org
    return request


def make_task(owner: User, tag: str) -> Task:
    team = factories.TeamFactory(name=f"Fulfil {tag}", slug=f"fulfil-{tag}")
    request = make_request(owner, tag, tasks=[{"title": f"Do {tag}", "team": team.slug}])
    return request.tasks.get()


def _other_retired(match: Service, other: Service) -> str:
    _set(other, stage="retired")
    return "live"


def _technical(match: Service, other: Service) -> str:
    _set(match, kind="technical")
    return "technical"


def _item_of_service(match: CatalogItem, other: CatalogItem) -> str:
    service = make_service(None, new_tag())
    _set(match, service=service)
    return service.slug


def _other_not_orderable(match: CatalogItem, other: CatalogItem) -> str:
    _set(other, is_active=False)
    return "true"


def _other_cancelled(match: Request, other: Request) -> str:
    _set(other, status="cancelled")
    return "completed"


def _awaiting(match: Request, other: Request) -> str:
    return "false"  # neither waits for the reader's vote: "false" filters nothing out


def _mine(match: Request, other: Request) -> str:
    _set(other, requester=User.objects.get(username="w-requester"))
    return "true"


SERVICES = Resource(
    name="services",
    collection="/api/v1/services",
    model=Service,
    key="slug",
    make=make_service,
    visible=EVERYONE,  # the live portfolio is published to everyone signed in
    list_query_ceiling=8,
    writer="admin",
    create_payload=lambda tag: {"name": f"New service {tag}", "stage": "live"},
    patch_payload=lambda tag: {"description": f"Patched {tag}"},
    absent_key="no-such-service",
    filters={
        "q": lambda match, other: match.name,
        "stage": _other_retired,
        "kind": _technical,
    },
)

ITEMS = Resource(
    name="catalog-items",
    collection="/api/v1/catalog/items",
    model=CatalogItem,
    key="slug",
    make=make_item,
    visible=EVERYONE,  # an item for everyone is seen by everyone
    list_query_ceiling=8,
    writer="admin",
    create_payload=lambda tag: {"name": f"New item {tag}", "form": FORM},
    patch_payload=lambda tag: {"description": f"Patched {tag}"},
    absent_key="no-such-item",
    filters={
        "q": lambda match, other: match.name,
        "category": lambda match, other: match.category,
        "service": _item_of_service,
        "orderable": _other_not_orderable,
    },
)

REQUESTS = Resource(
    name="requests",
    collection="/api/v1/requests",
    model=Request,
    key="number",
    make=make_request,
    visible=OWN_OR_ORG,
    list_query_ceiling=10,
    writer="requester",
    create_payload=lambda tag: {
        "item": make_item(None, tag).slug,
        "answers": {"detail": f"Wanted {tag}", "size": "S"},
    },
    absent_key="REQ9999999",
    filters={
        "q": lambda match, other: match.number,
        "status": _other_cancelled,
        "item": lambda match, other: match.item.slug,
        "mine": _mine,
    },
    excused_filters={"awaiting_me": "tests/catalog/test_api.py: a vote of the reader's"},
)

TASKS = Resource(
    name="tasks",
    collection="/api/v1/tasks",
    model=Task,
    key="number",
    make=make_task,
    visible=ORG_SCOPED,  # fulfilment work: requesters see none
    list_query_ceiling=8,
    writer="admin",
    patch_payload=lambda tag: {"status": "in_progress"},
    illegal_patch=("admin", {"status": "waiting"}),
    absent_key="TASK9999999",
    filters={
        "q": lambda match, other: match.number,
        "team": lambda match, other: match.team.slug,
        "status": lambda match, other: (_set(other, status="done"), "open")[1],
        "assignee": lambda match, other: (
            _set(match, assignee=User.objects.get(username="w-agent")),
            "w-agent",
        )[1],
        "queue": lambda match, other: (_set(other, status="done"), "open")[1],
    },
    excused_filters={
        "sla": "tests/catalog/test_sla.py: needs SLA clocks past due or past their warning "
        "(test_queue_filters_breached_and_due_soon, test_sla_filter_adds_no_queries)"
    },
)
