"""The API resources the contract suite checks. Registering a resource is the whole job:
``test_resources.py`` then runs every contract test over it.

To add one, append a ``Resource`` to ``RESOURCES`` (``INCIDENTS`` below is a full example):

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

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from steward.cmdb.models import ConfigurationItem, Relationship
from steward.cmdb.services import ci_create, relationship_create
from steward.core.actor import Actor
from steward.core.models import ApiToken, Organisation, Team, User
from steward.core.services import token_create
from steward.incidents import search
from steward.incidents.models import Category, Incident
from steward.incidents.services import incident_create
from steward.sla.choices import ClockKind, ClockState
from steward.sla.models import BusinessCalendar, SlaClock, SlaPolicy
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

# --- incidents ---------------------------------------------------------------------------


def make_incident(owner: User, tag: str) -> Incident:
    """An incident ``owner`` called in (so it carries the owner's organisation)."""
    return incident_create(
        Actor.system("contract"),
        title=f"Incident {tag}",
        description=f"Described {tag}",
        caller=owner.username,
    )


def _set(obj: models.Model, **values: Any) -> None:
    type(obj).objects.filter(pk=obj.pk).update(**values)


def _incident_indexed(match: Incident, other: Incident) -> str:
    search.reindex([match.pk, other.pk])  # the worker's job after commit
    return match.title.split()[-1]


def _incident_of_new_caller(match: Incident, other: Incident) -> str:
    caller = factories.requester(username=f"caller-{new_tag()}")
    _set(match, caller=caller)
    return caller.username


def _incident_assigned(match: Incident, other: Incident) -> str:
    assignee = factories.agent(username=f"assignee-{new_tag()}")
    _set(match, assignee=assignee)
    return assignee.username


def _incident_of_team(match: Incident, other: Incident) -> str:
    team = factories.TeamFactory(name=f"Incident team {new_tag()}")
    _set(match, team=team)
    return team.slug


def _incident_categorised(match: Incident, other: Incident) -> str:
    category = Category.objects.create(name=f"Category {new_tag()}", slug=f"cat-{new_tag()}")
    _set(match, category=category)
    return category.slug


def _incident_major(match: Incident, other: Incident) -> str:
    _set(match, is_major=True)
    return "true"


def _incident_in_major_queue(match: Incident, other: Incident) -> str:
    _set(match, is_major=True)
    return "major"


def _incident_other_cancelled(match: Incident, other: Incident) -> str:
    _set(other, status="cancelled")
    return "new"


def _incident_critical(match: Incident, other: Incident) -> str:
    _set(match, priority=1)
    _set(other, priority=5)
    return "1"


def _clock(incident: Incident, *, due_in: dt.timedelta, breached: bool = False) -> None:
    """A running resolution clock on ``incident`` (what the SLA engine would start)."""
    now = timezone.now()
    SlaClock.objects.create(
        content_type=ContentType.objects.get_for_model(Incident),
        object_id=str(incident.pk),
        policy=make_policy(None, new_tag()),
        kind=ClockKind.RESOLUTION,
        state=ClockState.RUNNING,
        target_seconds=3600,
        warn_seconds=2700,
        started_at=now - dt.timedelta(hours=1),
        running_since=now - dt.timedelta(hours=1),
        due_at=now + due_in,
        warn_at=now + due_in - dt.timedelta(minutes=15),
        breached=breached,
    )


def _incident_breached(match: Incident, other: Incident) -> str:
    _clock(match, due_in=-dt.timedelta(minutes=5), breached=True)
    _clock(other, due_in=dt.timedelta(days=2))
    return "true"


def _incident_breaching_soon(match: Incident, other: Incident) -> str:
    _clock(match, due_in=dt.timedelta(minutes=30))
    _clock(other, due_in=dt.timedelta(days=2))
    return "60"


LONG_AGO = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
SINCE = "2021-01-01T00:00:00Z"


def _incident_other_old(match: Incident, other: Incident) -> str:
    _set(other, opened_at=LONG_AGO)
    return SINCE


def _incident_match_old(match: Incident, other: Incident) -> str:
    _set(match, opened_at=LONG_AGO)
    return SINCE


INCIDENTS = Resource(
    name="incidents",
    collection="/api/v1/incidents",
    model=Incident,
    key="number",
    make=make_incident,
    visible={**ORG_SCOPED, "requester": {"requester"}},  # requesters see what they called in
    list_query_ceiling=8,
    writer="requester",  # anyone logs incidents and edits the title of their own
    create_payload=lambda tag: {
        "title": f"VPN down {tag}",
        "description": "Cannot connect since this morning.",
        "impact": 2,
        "urgency": 2,
    },
    patch_payload=lambda tag: {"title": f"Patched {tag}", "description": f"More {tag}"},
    illegal_patch=("agent", {"status": "closed"}),
    absent_key="INC9999999",
    filters={
        "q": _incident_indexed,
        "caller": _incident_of_new_caller,
        "assignee": _incident_assigned,
        "team": _incident_of_team,
        "category": _incident_categorised,
        "major": _incident_major,
        "queue": _incident_in_major_queue,
        "status": _incident_other_cancelled,
        "priority": _incident_critical,
        "created_after": _incident_other_old,
        "created_before": _incident_match_old,
        "breached": _incident_breached,
        "breaching_within": _incident_breaching_soon,
    },
    excused_filters={"order": "a sort order, not a filter; the cursor walk covers the default"},
)

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

# --- CMDB: configuration items and relationships -----------------------------------------


def make_ci(owner: User | None, tag: str) -> ConfigurationItem:
    """A server of the owner's organisation (of none for an unrestricted owner)."""
    org = _org_of(owner) if owner is not None else None
    return ci_create(
        Actor.system("contract"),
        name=f"srv-{tag}",
        ci_class="server",
        organisation=org.slug if org else None,
        attributes={"fqdn": f"srv-{tag}.example.com", "os": "linux"},
    )


def _ci_other_retired(match: ConfigurationItem, other: ConfigurationItem) -> str:
    _set(other, status="retired")
    return "live"


def _ci_match_in_test(match: ConfigurationItem, other: ConfigurationItem) -> str:
    _set(match, environment="test")
    return "test"


def _ci_owned(match: ConfigurationItem, other: ConfigurationItem) -> str:
    team = factories.TeamFactory(name=f"CI team {new_tag()}")
    _set(match, owner_team=team)
    return team.slug


def _ci_match_is_a_database(match: ConfigurationItem, other: ConfigurationItem) -> str:
    ci_class = type(match.ci_class).objects.get(slug="database")
    _set(match, ci_class=ci_class, attributes={})
    return "database"


CIS = Resource(
    name="cis",
    collection="/api/v1/cis",
    model=ConfigurationItem,
    key="number",
    make=make_ci,
    visible=ORG_SCOPED,
    list_query_ceiling=8,
    writer="admin",  # administrators and asset managers (a role the world's agents lack)
    create_payload=lambda tag: {
        "name": f"web-{tag}",
        "ci_class": "server",
        "attributes": {"fqdn": f"web-{tag}.example.com", "cpu_count": 4},
    },
    patch_payload=lambda tag: {"description": f"patched {tag}", "criticality": 2},
    absent_key="CI9999999",
    filters={
        "q": lambda match, other: match.name,
        "class": _ci_match_is_a_database,
        "status": _ci_other_retired,
        "environment": _ci_match_in_test,
        "owner_team": _ci_owned,
    },
)


def make_relationship(owner: User | None, tag: str) -> Relationship:
    """``app depends_on db``, both of the owner's organisation."""
    return relationship_create(
        Actor.system("contract"),
        source=make_ci(owner, f"{tag}a").number,
        target=make_ci(owner, f"{tag}b").number,
        type="depends_on",
    )


def _relationship_at(match: Relationship, other: Relationship) -> str:
    return match.target.number


def _relationship_runs_on(match: Relationship, other: Relationship) -> str:
    _set(match, type=type(match.type).objects.get(slug="runs_on"))
    return "runs_on"


RELATIONSHIPS = Resource(
    name="relationships",
    collection="/api/v1/relationships",
    model=Relationship,
    key="id",
    make=make_relationship,
    visible=ORG_SCOPED,  # visible when both ends are
    list_query_ceiling=8,
    writer="admin",
    create_payload=lambda tag: {
        "source": make_ci(None, f"{tag}s").number,
        "target": make_ci(None, f"{tag}t").number,
        "type": "runs_on",
    },
    delete=True,
    versioned=False,
    absent_key="987654321",
    filters={"ci": _relationship_at, "type": _relationship_runs_on},
)

RESOURCES: list[Resource] = [
    USERS,
    TEAMS,
    TOKENS,
    INCIDENTS,
    CALENDARS,
    SLA_POLICIES,
    CIS,
    RELATIONSHIPS,
]

# Collections in the OpenAPI document that are deliberately not registered, with why.
EXCUSED_COLLECTIONS: dict[str, str] = {
    "/api/v1/audit": "read-only log for administrators; rows come from services, no create",
    "/api/v1/attachments": "upload only (multipart), no list; covered by the access walk",
    "/api/v1/incident-categories": "read-only reference data for everyone; no records to scope",
    "/api/v1/ci-classes": "seeded reference data every agent reads whole; no records to scope",
}

# Operations answering a bare JSON array instead of a page (DESIGN §6), with why.
EXCUSED_UNPAGED_LISTS: dict[str, str] = {
    "GET /api/v1/incident-categories": "a small admin-kept reference table, read whole",
    "GET /api/v1/ci-classes": "a small admin-kept reference table, read whole",
}
