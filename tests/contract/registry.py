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

from steward.changes import services as change_services
from steward.changes.models import Change, ChangeCI, ChangeTemplate, Delegation, FreezeWindow
from steward.cmdb.classes import ci_class_create, relationship_type_create
from steward.cmdb.models import CIClass, ConfigurationItem, Relationship, RelationshipType
from steward.cmdb.services import ci_create, relationship_create
from steward.core.actor import Actor
from steward.core.models import ApiToken, Organisation, Team, User
from steward.core.services import token_create
from steward.incidents import search
from steward.incidents.models import Category, Incident
from steward.incidents.services import incident_create
from steward.problems.models import Problem
from steward.problems.services import problem_create
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

# --- CMDB: classes and relationship types (configuration every agent reads) ---------------


def make_ci_class(owner: User | None, tag: str) -> CIClass:
    return ci_class_create(
        Actor.system("contract"),
        name=f"Class {tag}",
        slug=f"cls-{tag}",
        attributes=[{"name": "rack", "type": "string"}],
    )


CI_CLASSES = Resource(
    name="ci-classes",
    collection="/api/v1/ci-classes",
    model=CIClass,
    key="slug",
    make=make_ci_class,
    visible=AGENTS_READ,
    list_query_ceiling=8,
    writer="admin",
    create_payload=lambda tag: {
        "name": f"New class {tag}",
        "slug": f"new-cls-{tag}",
        "parent": "server",
        # as the class answers it: every key of an attribute spelled out
        "attributes": [
            {
                "name": "slot",
                "type": "integer",
                "required": False,
                "choices": None,
                "reference_class": None,
                "label": "Slot",
            }
        ],
    },
    patch_payload=lambda tag: {"description": f"patched {tag}"},
    filters={"q": lambda match, other: match.name},
)


def make_relationship_type(owner: User | None, tag: str) -> RelationshipType:
    return relationship_type_create(
        Actor.system("contract"), slug=f"rt-{tag}", name=f"Type {tag}", inverse_name=f"Inv {tag}"
    )


RELATIONSHIP_TYPES = Resource(
    name="relationship-types",
    collection="/api/v1/relationship-types",
    model=RelationshipType,
    key="slug",
    make=make_relationship_type,
    visible=AGENTS_READ,
    list_query_ceiling=8,
    writer="admin",
    create_payload=lambda tag: {
        "slug": f"new-rt-{tag}",
        "name": f"New type {tag}",
        "inverse_name": f"New inverse {tag}",
    },
    versioned=False,
)

# --- problems ----------------------------------------------------------------------------


def make_problem(owner: User | None, tag: str) -> Problem:
    """A problem of the owner's organisation (of none for an unrestricted owner)."""
    org = _org_of(owner) if owner is not None else None
    return problem_create(
        Actor.system("contract"),
        title=f"Problem {tag}",
        description=f"Described {tag}",
        organisation=org.slug if org else None,
    )


def _problem_of_team(match: Problem, other: Problem) -> str:
    team = factories.TeamFactory(name=f"Problem team {new_tag()}")
    _set(match, team=team)
    return team.slug


def _problem_assigned(match: Problem, other: Problem) -> str:
    assignee = factories.agent(username=f"prb-assignee-{new_tag()}")
    _set(match, assignee=assignee)
    return assignee.username


def _problem_critical(match: Problem, other: Problem) -> str:
    _set(match, priority=1)
    _set(other, priority=5)
    return "1"


def _problem_other_cancelled(match: Problem, other: Problem) -> str:
    _set(other, status="cancelled")
    return "new"


def _problem_known_error(match: Problem, other: Problem) -> str:
    _set(match, status="known_error")
    return "true"


def _problem_in_known_error_queue(match: Problem, other: Problem) -> str:
    _set(match, status="known_error")
    return "known_errors"


def _problem_on_ci(match: Problem, other: Problem) -> str:
    ci = make_ci(None, new_tag())
    _set(match, configuration_item=ci)
    return ci.number


def _problem_of_service(match: Problem, other: Problem) -> str:
    ci = make_ci(None, new_tag())
    _set(match, affected_service=ci)
    return ci.number


PROBLEMS = Resource(
    name="problems",
    collection="/api/v1/problems",
    model=Problem,
    key="number",
    make=make_problem,
    visible=ORG_SCOPED,  # IT's records: requesters see none
    list_query_ceiling=8,
    writer="agent",
    create_payload=lambda tag: {
        "title": f"Recurring VPN drops {tag}",
        "description": "Many callers, same symptom.",
        "impact": 2,
        "urgency": 2,
    },
    patch_payload=lambda tag: {"title": f"Patched {tag}", "description": f"More {tag}"},
    illegal_patch=("agent", {"status": "closed"}),
    absent_key="PRB9999999",
    filters={
        "q": lambda match, other: match.title.split()[-1],
        "queue": _problem_in_known_error_queue,
        "status": _problem_other_cancelled,
        "team": _problem_of_team,
        "assignee": _problem_assigned,
        "priority": _problem_critical,
        "ci": _problem_on_ci,
        "service": _problem_of_service,
        "known_error": _problem_known_error,
    },
)

# --- changes: changes, standard-change templates, freeze windows, delegations -------------


def make_change(owner: User, tag: str) -> Change:
    """A normal change ``owner`` requested (so it carries the owner's organisation)."""
    return change_services.change_create(
        Actor.system("contract"),
        title=f"Change {tag}",
        description=f"Described {tag}",
        requester=owner.username,
    )


FAR = dt.datetime(2030, 6, 1, 20, tzinfo=dt.UTC)


def _change_other_cancelled(match: Change, other: Change) -> str:
    _set(other, status="cancelled")
    return "draft"


def _change_emergency(match: Change, other: Change) -> str:
    _set(match, type="emergency")
    return "emergency"


def _change_high_risk(match: Change, other: Change) -> str:
    _set(match, risk_level="high")
    return "high"


def _change_of_team(match: Change, other: Change) -> str:
    team = factories.TeamFactory(name=f"Change team {new_tag()}")
    _set(match, team=team)
    return team.slug


def _change_on_ci(match: Change, other: Change) -> str:
    ci = make_ci(None, new_tag())
    ChangeCI.objects.create(change=match, ci=ci)
    return ci.number


def _change_of_new_requester(match: Change, other: Change) -> str:
    requester = factories.requester(username=f"chg-req-{new_tag()}")
    _set(match, requester=requester)
    return requester.username


def _change_planned_far(match: Change, other: Change) -> None:
    _set(match, planned_start=FAR, planned_end=FAR + dt.timedelta(hours=2))


def _change_planned_after(match: Change, other: Change) -> str:
    _change_planned_far(match, other)
    return "2030-06-01T00:00:00Z"


def _change_planned_before(match: Change, other: Change) -> str:
    _change_planned_far(match, other)
    return "2030-06-02T00:00:00Z"


CHANGES = Resource(
    name="changes",
    collection="/api/v1/changes",
    model=Change,
    key="number",
    make=make_change,
    visible={**ORG_SCOPED, "requester": {"requester"}},  # requesters see what they requested
    list_query_ceiling=10,
    writer="agent",
    create_payload=lambda tag: {
        "title": f"Upgrade firewall {tag}",
        "description": "Vendor patch for CVE-2026-0001.",
        "type": "normal",
    },
    patch_payload=lambda tag: {"title": f"Patched {tag}", "description": f"More {tag}"},
    illegal_patch=("agent", {"status": "closed"}),
    absent_key="CHG9999999",
    filters={
        "q": lambda match, other: match.title.split()[-1],
        "status": _change_other_cancelled,
        "type": _change_emergency,
        "risk": _change_high_risk,
        "team": _change_of_team,
        "ci": _change_on_ci,
        "requester": _change_of_new_requester,
        "planned_after": _change_planned_after,
        "planned_before": _change_planned_before,
    },
)


def make_template(owner: User | None, tag: str) -> ChangeTemplate:
    return change_services.template_create(
        Actor.system("contract"), name=f"Template {tag}", slug=f"tpl-{tag}"
    )


def _other_template_inactive(match: ChangeTemplate, other: ChangeTemplate) -> str:
    _set(other, is_active=False)
    return "true"


CHANGE_TEMPLATES = Resource(
    name="change-templates",
    collection="/api/v1/change-templates",
    model=ChangeTemplate,
    key="slug",
    make=make_template,
    visible=AGENTS_READ,
    list_query_ceiling=8,
    create_payload=lambda tag: {
        "name": f"Restart app pool {tag}",
        "slug": f"new-tpl-{tag}",
        "implementation_plan": "Recycle the pool.",
    },
    patch_payload=lambda tag: {"description": f"Patched {tag}"},
    filters={"q": lambda match, other: match.name, "is_active": _other_template_inactive},
)


def make_freeze(owner: User | None, tag: str) -> FreezeWindow:
    """A freeze on a CI of the owner's organisation (of none for an unrestricted owner)."""
    return change_services.freeze_create(
        Actor.system("contract"),
        name=f"Freeze {tag}",
        slug=f"frz-{tag}",
        ci=make_ci(owner, tag).number,
        starts_at=FAR,
        ends_at=FAR + dt.timedelta(days=1),
    )


def _freeze_other_later(match: FreezeWindow, other: FreezeWindow) -> str:
    _set(other, starts_at=FAR + dt.timedelta(days=5), ends_at=FAR + dt.timedelta(days=6))
    return "2030-06-01T22:00:00Z"


FREEZE_WINDOWS = Resource(
    name="freeze-windows",
    collection="/api/v1/freeze-windows",
    model=FreezeWindow,
    key="slug",
    make=make_freeze,
    visible=ORG_SCOPED,  # global windows for every agent, a CI's for those who see the CI
    list_query_ceiling=8,
    create_payload=lambda tag: {
        "name": f"Quarter close {tag}",
        "slug": f"new-frz-{tag}",
        "reason": "Finance closes the books.",
        "starts_at": "2030-03-28T00:00:00Z",
        "ends_at": "2030-04-02T00:00:00Z",
    },
    patch_payload=lambda tag: {"reason": f"Patched {tag}"},
    filters={
        "q": lambda match, other: match.name,
        "ci": lambda match, other: match.ci.number,
        "active_at": _freeze_other_later,
    },
)


def make_delegation(owner: User, tag: str) -> Delegation:
    today = timezone.localdate()
    return Delegation.objects.create(
        user=owner,
        delegate=factories.agent(username=f"dlg-{tag}"),
        starts_on=today,
        ends_on=today + dt.timedelta(days=3),
    )


APPROVAL_DELEGATIONS = Resource(
    name="approval-delegations",
    collection="/api/v1/approval-delegations",
    model=Delegation,
    key="id",
    make=make_delegation,
    visible={**OWN_ONLY, "admin": set(ROLES)},  # one's own (given or received); admins all
    list_query_ceiling=6,
    writer="agent",
    create_payload=lambda tag: {
        "delegate": factories.agent(username=f"new-dlg-{tag}").username,
        "starts_on": timezone.localdate().isoformat(),
        "ends_on": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
    },
    detail=False,
    delete=True,
    versioned=False,
    absent_key="987654321",
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
]

# Collections in the OpenAPI document that are deliberately not registered, with why.
EXCUSED_COLLECTIONS: dict[str, str] = {
    "/api/v1/audit": "read-only log for administrators; rows come from services, no create",
    "/api/v1/attachments": "upload only (multipart), no list; covered by the access walk",
    "/api/v1/incident-categories": "read-only reference data for everyone; no records to scope",
    "/api/v1/cis/import": "a bulk reconciliation, not a collection: its rows are CIs, checked "
    "by tests/cmdb/test_import_api.py and walked by the access walk",
    "/api/v1/cis/import/file": "the same bulk import from an uploaded file (multipart)",
    "/api/v1/changes/feed": "issues the caller's calendar-feed secret, shown once; one per "
    "user, nothing to list (tests/changes/test_ics.py)",
}

# Operations answering a bare JSON array instead of a page (DESIGN §6), with why.
EXCUSED_UNPAGED_LISTS: dict[str, str] = {
    "GET /api/v1/incident-categories": "a small admin-kept reference table, read whole",
    "GET /api/v1/changes/{number}/approvals": "a change's approvals, one per matching policy: "
    "a handful, read whole with the change",
}
