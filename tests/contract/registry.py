"""The API resources the contract suite checks. Registering a resource is the whole job:
``test_resources.py`` then runs every contract test over it.

To add one, append a ``Resource`` to ``RESOURCES`` (``tests/incidents/contract.py`` is a full
example; an app's entries live beside its tests and are imported below):

    CIS = Resource(
        name="cis",
        collection="/api/v1/cis",
        model=ConfigurationItem,
        key="number",
        make=make_ci,                     # make(owner, tag): a CI owned by / visible to owner
        visible=ORG_SCOPED,               # which roles see whose records
        list_query_ceiling=8,
        writer="agent",                   # the least role that may create and patch
        create_payload=lambda tag: {"name": f"web-{tag}", "ci_class": "server"},
        patch_payload=lambda tag: {"description": f"patched {tag}"},
        filters={"q": lambda match, other: match.name},
    )

The meta-tests in ``test_registry.py`` fail until a new collection is registered (or excused
with a reason), and until each of its list filters has a case (or an excuse).

Roles are those of the contract ``world`` fixture: ``admin`` (unrestricted), ``agent`` (serves
only the ``home`` organisation), ``requester`` (of ``home``) and ``stranger`` (an agent serving
only the ``other`` organisation).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import Group
from django.db import models

from steward.core.actor import Actor
from steward.core.models import ApiToken, Organisation, Team, User
from steward.core.services import token_create
from steward.sla.models import BusinessCalendar, SlaPolicy
from steward.sla.services import calendar_create, policy_create
from tests import factories

ROLES = ("admin", "agent", "requester", "stranger")
RANK = {"requester": 0, "agent": 1, "stranger": 1, "admin": 2}  # what a role may do
OPS = ("list", "get", "create", "patch", "delete")

_tags = itertools.count(1)


def new_tag() -> str:
    """A unique, fixed-width tag: no tag is a substring of another."""
    return f"t{next(_tags):05d}x"


# Records scoped by organisation: requesters see none of them, an agent limited to an
# organisation sees that organisation's and those of no organisation, admins see all.
ORG_SCOPED = {
    "admin": {"admin", "agent", "requester", "stranger"},
    "agent": {"admin", "agent", "requester"},
    "requester": set(),
    "stranger": {"admin", "stranger"},
}
OWN_ONLY = {role: {role} for role in ROLES}


@dataclass(frozen=True)
class Resource:
    """One API collection and what the contract needs to exercise it."""

    name: str
    collection: str
    model: type[models.Model]
    key: str  # the attribute (and URL segment) that addresses one record
    # make(owner, tag): a record owned by / visible to ``owner``; made for another
    # organisation's user it is invisible to the ``reader``
    make: Callable[[User, str], models.Model]
    visible: dict[str, set[str]]  # viewer role → roles whose ``make`` records the viewer sees
    list_query_ceiling: int
    reader: str = "agent"  # a role that may list and read, used for most read checks
    writer: str = "admin"  # the least role that may create and patch
    create_payload: Callable[[str], dict[str, Any]] | None = None
    patch_payload: Callable[[str], dict[str, Any]] | None = None
    detail: bool = True  # GET {collection}/{key}
    delete: bool = False  # DELETE {collection}/{key}
    versioned: bool = True  # records carry ``version`` and answer with an ETag
    not_idempotent: str = ""  # why a create ignores Idempotency-Key (empty: it honours it)
    # (role, body): a patch that the workflow refuses on a record ``make`` gives that role
    illegal_patch: tuple[str, dict[str, Any]] | None = None
    absent_key: str = "zz-no-such-record"
    # filter name → setup(match, other) returning a value that selects match and not other
    filters: dict[str, Callable[[Any, Any], str]] = field(default_factory=dict)
    excused_filters: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.name

    @property
    def ops(self) -> tuple[str, ...]:
        present = {
            "list": True,
            "get": self.detail,
            "create": self.create_payload is not None,
            "patch": self.patch_payload is not None,
            "delete": self.delete,
        }
        return tuple(op for op in OPS if present[op])

    @property
    def hidden_pair(self) -> tuple[str, str] | None:
        """(viewer, owner): a viewer who cannot see what ``make`` gives the owner; preferably
        the reader and an agent of another organisation. None: everyone sees everything."""
        pairs = [(self.reader, "stranger"), *((v, o) for v in ROLES for o in ROLES)]
        return next(((v, o) for v, o in pairs if o not in self.visible[v]), None)

    def key_of(self, obj: models.Model | dict) -> str:
        value = obj[self.key] if isinstance(obj, dict) else getattr(obj, self.key)
        return str(value)

    def url(self, key: str | None = None) -> str:
        return self.collection if key is None else f"{self.collection}/{key}"


def send(
    client: Any,
    resource: Resource,
    op: str,
    *,
    key: str | None = None,
    data: Any = None,
    headers: dict[str, str] | None = None,
    tag: str | None = None,
) -> Any:
    """Call ``op`` on ``resource``: ``data`` is the query (list) or the body, else a valid body."""
    tag = tag or new_tag()
    if op == "list":
        return client.get(resource.url(), data, headers=headers)
    if op == "get":
        return client.get(resource.url(key), headers=headers)
    if op == "create":
        payload = resource.create_payload(tag) if data is None else data
        return client.post(resource.url(), payload, headers=headers)
    if op == "patch":
        payload = resource.patch_payload(tag) if data is None else data
        return client.patch(resource.url(key), payload, headers=headers)
    if op == "delete":
        return client.delete(resource.url(key), headers=headers)
    raise ValueError(op)


# --- users -------------------------------------------------------------------------------


def _org_of(owner: User) -> Organisation | None:
    """The organisation a record made for ``owner`` belongs to."""
    return owner.served_organisations.order_by("id").first() or owner.organisation


def make_user(owner: User, tag: str) -> User:
    return factories.requester(
        username=f"user-{tag}", last_name=f"Last-{tag}", organisation=_org_of(owner)
    )


def _user_in_team(match: User, other: User) -> str:
    return factories.TeamFactory(name=f"Filter team {new_tag()}", members=[match]).slug


def _match_an_agent(match: User, other: User) -> str:
    match.groups.set(Group.objects.filter(name="agent"))  # other stays a requester
    return "agent"


def _other_inactive(match: User, other: User) -> str:
    User.objects.filter(pk=other.pk).update(is_active=False)
    return "true"


USERS = Resource(
    name="users",
    collection="/api/v1/users",
    model=User,
    key="username",
    make=make_user,
    visible=ORG_SCOPED,
    list_query_ceiling=8,
    create_payload=lambda tag: {
        "username": f"new-{tag}",
        "first_name": "New",
        "last_name": f"Person-{tag}",
        "email": f"new-{tag}@example.com",
        "time_zone": "Europe/Berlin",
        "roles": ["requester"],
    },
    patch_payload=lambda tag: {"first_name": f"Patched-{tag}", "phone": "+49 30 123456"},
    filters={
        "q": lambda match, other: match.last_name,
        "team": _user_in_team,
        "role": _match_an_agent,
        "is_active": _other_inactive,
    },
)

# --- teams -------------------------------------------------------------------------------


def make_team(owner: User, tag: str) -> Team:
    return factories.TeamFactory(
        name=f"Team {tag}",
        slug=f"team-{tag}",
        organisation=_org_of(owner),
        lead=owner if owner.is_agent else None,
        members=[owner],
    )


def _team_with_new_member(match: Team, other: Team) -> str:
    member = factories.agent(username=f"member-{new_tag()}")
    match.members.add(member)
    return member.username


TEAMS = Resource(
    name="teams",
    collection="/api/v1/teams",
    model=Team,
    key="slug",
    make=make_team,
    visible=ORG_SCOPED,
    list_query_ceiling=8,
    create_payload=lambda tag: {
        "name": f"New team {tag}",
        "slug": f"new-team-{tag}",
        "description": "Made by the contract suite.",
        "email": f"team-{tag}@example.com",
    },
    patch_payload=lambda tag: {"description": f"Patched {tag}", "email": f"p-{tag}@example.com"},
    filters={
        "q": lambda match, other: match.name,
        "member": _team_with_new_member,
    },
)

# --- tokens (your own only) ------------------------------------------------------------


def make_token(owner: User, tag: str) -> ApiToken:
    token, _ = token_create(
        Actor.system("contract"), user=owner, name=f"token {tag}", scopes=["read"]
    )
    return token


TOKENS = Resource(
    name="tokens",
    collection="/api/v1/tokens",
    model=ApiToken,
    key="id",
    make=make_token,
    visible=OWN_ONLY,
    list_query_ceiling=6,
    writer="agent",  # anyone issues tokens to themselves
    create_payload=lambda tag: {"name": f"new token {tag}", "scopes": ["read"]},
    detail=False,
    delete=True,  # revoke
    versioned=False,
    not_idempotent=("a replay would have to show the secret again, and only its digest is stored"),
    absent_key="987654321",
)

# --- shared helpers of the filter cases -------------------------------------------------


def _set(obj: models.Model, **values: Any) -> None:
    type(obj).objects.filter(pk=obj.pk).update(**values)


# --- SLA: business calendars and policies ------------------------------------------------

# Configuration every agent reads: nobody's in particular, invisible only to requesters.
AGENTS_READ = {role: (set() if role == "requester" else set(ROLES)) for role in ROLES}
NINE_TO_FIVE = [{"weekday": day, "start": "09:00", "end": "17:00"} for day in range(5)]


def make_calendar(owner: User | None, tag: str) -> BusinessCalendar:
    return calendar_create(
        Actor.system("contract"),
        name=f"Calendar {tag}",
        slug=f"cal-{tag}",
        time_zone="Europe/Berlin",
        working_hours=NINE_TO_FIVE,
    )


def make_policy(owner: User | None, tag: str) -> SlaPolicy:
    """A policy for the owner's organisation (a general one for an unrestricted owner)."""
    org = _org_of(owner) if owner is not None else None
    return policy_create(
        Actor.system("contract"),
        name=f"Policy {tag}",
        slug=f"pol-{tag}",
        calendar=make_calendar(None, tag).slug,
        response_minutes=60,
        resolution_minutes=480,
        organisations=[org.slug] if org else [],
    )


def _other_inactive_policy(match: SlaPolicy, other: SlaPolicy) -> str:
    _set(other, is_active=False)
    return "true"


CALENDARS = Resource(
    name="calendars",
    collection="/api/v1/calendars",
    model=BusinessCalendar,
    key="slug",
    make=make_calendar,
    visible=AGENTS_READ,
    list_query_ceiling=8,
    create_payload=lambda tag: {
        "name": f"New calendar {tag}",
        "slug": f"new-cal-{tag}",
        "time_zone": "Europe/Berlin",
        "working_hours": NINE_TO_FIVE,
    },
    patch_payload=lambda tag: {"name": f"Patched calendar {tag}", "time_zone": "Europe/Paris"},
    filters={"q": lambda match, other: match.name},
)

SLA_POLICIES = Resource(
    name="sla-policies",
    collection="/api/v1/sla/policies",
    model=SlaPolicy,
    key="slug",
    make=make_policy,
    visible=ORG_SCOPED,  # general policies for every agent, a customer's for those serving it
    list_query_ceiling=8,
    create_payload=lambda tag: {
        "name": f"New policy {tag}",
        "slug": f"new-pol-{tag}",
        "calendar": make_calendar(None, new_tag()).slug,
        "priorities": [1, 2],
        "response_minutes": 30,
        "resolution_minutes": 240,
    },
    patch_payload=lambda tag: {"name": f"Patched policy {tag}", "precedence": 50},
    filters={
        "q": lambda match, other: match.name,
        "calendar": lambda match, other: match.calendar.slug,
        "is_active": _other_inactive_policy,
    },
)

# --- CMDB, problems, changes: tests/<app>/contract.py (imported here, after what they use;
# ``make_ci`` stays importable from here for the apps whose records link to CIs); the
# assets, catalogue, incidents, mailboxes and problems likewise -----------------------------
from tests.assets.contract import (  # noqa: E402 - needs the helpers above
    ASSET_CATEGORIES,
    ASSET_MODELS,
    ASSETS,
    CONTRACTS,
    STOCK_ROOMS,
)
from tests.catalog.contract import ITEMS, REQUESTS, SERVICES, TASKS  # noqa: E402 - needs the helpers above
from tests.changes.contract import (  # noqa: E402 - needs the helpers above
    APPROVAL_DELEGATIONS,
    CHANGE_TEMPLATES,
    CHANGES,
    FREEZE_WINDOWS,
)
from tests.cmdb.contract import (  # noqa: E402 - needs the helpers above
    CI_CLASSES,
    CIS,
    RELATIONSHIP_TYPES,
    RELATIONSHIPS,
    make_ci,  # noqa: F401 - re-exported for tests/problems/contract.py
)
from tests.events.contract import ALERTS, MAINTENANCE_WINDOWS  # noqa: E402 - needs the helpers above
from tests.incidents.contract import INCIDENTS  # noqa: E402 - needs the helpers above
from tests.knowledge.contract import ARTICLES  # noqa: E402 - needs the helpers above
from tests.mailboxes.contract import MAIL_MESSAGES, MAILBOXES  # noqa: E402 - needs the helpers above
from tests.problems.contract import PROBLEMS  # noqa: E402 - needs the helpers above
from tests.software.contract import (  # noqa: E402 - needs the helpers above
    INSTALLATIONS,
    LICENCES,
    SOFTWARE,
)

RESOURCES: list[Resource] = [
    PROBLEMS,
    USERS,
    TEAMS,
    TOKENS,
    INCIDENTS,
    CALENDARS,
    SLA_POLICIES,
    CIS,
    RELATIONSHIPS,
    CI_CLASSES,
    RELATIONSHIP_TYPES,
    CHANGES,
    CHANGE_TEMPLATES,
    FREEZE_WINDOWS,
    APPROVAL_DELEGATIONS,
    MAILBOXES,
    MAIL_MESSAGES,
    SERVICES,
    ITEMS,
    REQUESTS,
    TASKS,
    ASSETS,
    ASSET_MODELS,
    ASSET_CATEGORIES,
    STOCK_ROOMS,
    CONTRACTS,
    SOFTWARE,
    LICENCES,
    INSTALLATIONS,
    ARTICLES,
    ALERTS,
    MAINTENANCE_WINDOWS,
]

# Collections in the OpenAPI document that are deliberately not registered, with why.
EXCUSED_COLLECTIONS: dict[str, str] = {
    "/api/v1/audit": "read-only log for administrators; rows come from services, no create",
    "/api/v1/attachments": "upload only (multipart), no list; covered by the access walk",
    "/api/v1/incident-categories": "reference data everyone reads; only administrators create "
    "and patch (403 for others, no records to scope by organisation): "
    "tests/incidents/test_configuration_api.py",
    "/api/v1/escalation-rules": "administrators' configuration, refused (403) to everyone else; "
    "no records to scope by organisation: tests/incidents/test_configuration_api.py",
    "/api/v1/cis/import": "a bulk reconciliation, not a collection: its rows are CIs, checked "
    "by tests/cmdb/test_import_api.py and walked by the access walk",
    "/api/v1/cis/import/file": "the same bulk import from an uploaded file (multipart)",
    "/api/v1/assets/loans": "a report of open check-outs with a due date (rows are the "
    "check-outs of /api/v1/assets/{number}/assignments, not records of their own): "
    "tests/assets/test_loans.py",
    "/api/v1/assets/stock": "a report (in-stock counts per room and model against reorder "
    "levels), not records; tests/assets/test_access_and_api.py",
    "/api/v1/software/report/compliance": "a report over every product (shortfalls first), "
    "not records: its rows are the products of /api/v1/software (tests/software/test_api.py)",
    "/api/v1/events": "monitoring's ingest: an event is not a record but an occurrence of an "
    "alert (its rows are /api/v1/alerts); tests/events/test_api.py",
    "/api/v1/events/alertmanager": "Alertmanager's webhook: each of its alerts is an event "
    "(rows in /api/v1/alerts); tests/events/test_alertmanager.py",
    "/api/v1/events/zabbix": "Zabbix's media type: one event (rows in /api/v1/alerts); "
    "tests/events/test_zabbix.py",
    "/api/v1/changes/feed": "issues the caller's calendar-feed secret, shown once; one per "
    "user, nothing to list (tests/changes/test_ics.py)",
    "/api/v1/automation/rules": "administrators' configuration agents read (403 to write for "
    "everyone else), no records to scope by organisation: tests/automation/test_api.py",
    "/api/v1/surveys": "made by the worker when a record is resolved, never created over the "
    "API; read-only, scoped like the records they rate (the access walk reads B's): "
    "tests/surveys/test_api.py",
    "/api/v1/surveys/answers": "the requester's answer by the emailed link's signed token, no "
    "sign-in: an action, not a collection (forged, closed, bad input: tests/surveys/test_api.py)",
}

# Operations answering a bare JSON array instead of a page (DESIGN §6), with why.
EXCUSED_UNPAGED_LISTS: dict[str, str] = {
    "GET /api/v1/assets/stock": "one line per stock room and model: a short report",
    "GET /api/v1/assets/{number}/assignments": "one asset's check-out history, read whole "
    "with the asset",
    "GET /api/v1/incident-categories": "a small admin-kept reference table, read whole",
    "GET /api/v1/software/report/compliance": "every product's position in report order, "
    "read whole: the report is the sort of all of them (one row per product, never installs)",
    "GET /api/v1/changes/{number}/approvals": "a change's approvals, one per matching policy: "
    "a handful, read whole with the change",
    "GET /api/v1/automation/rules": "the automation rules in the order they run: a small "
    "admin-kept table, read whole (every create reads them all anyway)",
    "GET /api/v1/automation/rules/{id}/runs": "a rule's latest 50 runs, newest first",
}
