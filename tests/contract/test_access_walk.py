"""The access walk (DESIGN §4): agent A, limited to organisation A, calls every API operation
and every web route with the identifiers of agent B's records in organisation B. No success
response may carry anything of B's.

Every route is walked unless its parameters cannot be filled and it is listed in an EXCUSED
dict with a reason, so a new route is walked (or fails a meta-test) without anyone remembering.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.test import Client
from django.test.client import MULTIPART_CONTENT
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern

from steward.changes import services as change_services
from steward.changes.models import ApprovalDecision, Change, Delegation, FreezeWindow
from steward.cmdb import services as cmdb_services
from steward.core import services
from steward.core.actor import Actor
from steward.core.models import (
    ApiToken,
    Attachment,
    AuditEntry,
    Comment,
    Department,
    Location,
    OutboxMessage,
    Team,
    User,
)
from steward.incidents import services as incident_services
from steward.incidents.models import Incident, SavedView, TeamAssignment
from steward.incidents.services import search_index
from steward.mailboxes import services as mail_services
from steward.problems import services as problem_services
from steward.problems.models import Problem, ProblemIncident
from steward.sla.models import SlaPolicy
from steward.sla.services import calendar_create, policy_create
from tests import factories
from tests.conftest import ApiClient, api_client_for
from tests.contract import openapi
from tests.contract.conftest import limited_agent
from tests.contract.shape import error_shape_problem

# Everything of B's carries this marker, so a leak of any field is caught, listed or not.
MARKER = "mkb"
RANDOM_TOKEN = re.compile(r"[A-Za-z0-9]{32,}")

# Floors, so the walk cannot pass by walking next to nothing (today: 33 and 156).
MIN_API_OPERATIONS = 30
MIN_WEB_ROUTES = 140

# Required API parameters the walk does not fill, with why. Keys: parameter name. (Optional
# query parameters are sent, in a second call, when Scene.query_values knows them.)
EXCUSED_API_PARAMS: dict[str, str] = {}
# API operations the walk does not call, with why. Keys: "METHOD /path".
EXCUSED_API_OPERATIONS: dict[str, str] = {}
# Web routes the walk does not call, with why. Keys: the route as Django joins it.
EXCUSED_WEB_ROUTES: dict[str, str] = {
    "logout/": "signs the walker out (no record parameter); covered by web tests",
    "admin/logout/": "signs the walker out (no record parameter); Django's own view",
    "admin/login/": "sends everyone to the one sign-in page, /login/ (tests/web/test_auth.py)",
    "password-reset/<uidb64>/<token>/": (
        "a single-use link mailed to one user, no record of anyone's to walk "
        "(tests/core/test_password_reset.py: used once, expired, forged)"
    ),
}

API_METHOD_ORDER = ("get", "post", "put", "patch", "delete")  # reads before writes
WEB_METHODS = ("get", "post")


@dataclass
class Scene:
    """A and B, B's marked records, and how to name them in a request."""

    a: User
    b: User
    team: Team
    token: ApiToken
    attachment: Attachment
    incident: Incident
    policy: SlaPolicy
    secrets: list[str]  # B's values that cannot carry the marker (raw token, digests)
    # path parameter → B's value: "name" anywhere, "segment/name" only after that segment
    path_values: dict[str, str]
    query_values: dict[str, str]
    body_values: dict[str, Any]  # required body fields, by name
    body_refs: dict[str, Any]  # optional body fields naming B's records, by name
    admin_objects: dict[str, models.Model]
    change: Change | None = None
    freeze: FreezeWindow | None = None

    def path_value(self, before: str, name: str) -> str | None:
        """B's value for parameter ``name``, which follows ``before`` in a path or route."""
        segments = [s for s in before.split("/") if s and not s.startswith(("{", "<", "("))]
        if segments and f"{segments[-1]}/{name}" in self.path_values:
            return self.path_values[f"{segments[-1]}/{name}"]
        return self.path_values.get(name)

    def fingerprint(self) -> dict[str, Any]:
        """B's records as stored, to prove the walk changed nothing of B's."""
        records = [self.b, self.team, self.token, self.attachment, self.incident, self.policy]
        rows = {
            type(obj).__name__: type(obj).objects.filter(pk=obj.pk).values().get()
            for obj in records
        }
        rows["User"].pop("last_login")
        rows["ApiToken"].pop("last_used_at")
        on_b = Q()
        for obj in (self.b, self.team, self.incident):
            on_b |= Q(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))
        rows["team members"] = sorted(self.team.members.values_list("username", flat=True))
        rows["comments"] = list(Comment.objects.filter(on_b).values_list("id", "body"))
        rows["attachments"] = list(Attachment.objects.filter(on_b).values_list("id", "filename"))
        rows["saved views"] = list(SavedView.objects.filter(user=self.b).values())
        if self.change is not None:
            rows["change"] = Change.objects.filter(pk=self.change.pk).values().get()
            rows["change freeze"] = FreezeWindow.objects.filter(pk=self.freeze.pk).values().get()
            rows["change decisions"] = list(ApprovalDecision.objects.values_list("id"))
            rows["change delegations"] = list(Delegation.objects.filter(user=self.b).values())
            on_change = Q(content_type=ContentType.objects.get_for_model(Change))
            rows["change comments"] = list(
                Comment.objects.filter(on_change, object_id=str(self.change.pk)).values_list("id")
            )
        b_problems = Problem.objects.filter(organisation=self.b.organisation)
        rows["problems"] = list(b_problems.order_by("id").values())
        rows["problem links"] = sorted(
            ProblemIncident.objects.filter(problem__in=b_problems).values_list(
                "problem_id", "incident_id"
            )
        )
        return rows

    def leaked(self, content: bytes) -> list[str]:
        text = content.decode("utf-8", "replace")
        found = [m for m in self.secrets if m in text]
        # Random tokens (CSRF, nonces) are long alphanumeric runs that hold "mkb" by chance
        # now and then; B's data never does (its marked values are short or hyphenated).
        text = RANDOM_TOKEN.sub("", text)
        if MARKER in text.lower():
            at = text.lower().index(MARKER)
            found.append(text[max(0, at - 40) : at + 40])
        return found


@dataclass
class Walk:
    walked: list[tuple[str, int]] = field(default_factory=list)
    leaks: list[tuple[str, int, list[str]]] = field(default_factory=list)
    problems: list[tuple[str, int, str]] = field(default_factory=list)


def build_scene() -> Scene:
    org_a = factories.OrganisationFactory(name="Walk A", slug="walk-a")
    org_b = factories.OrganisationFactory(name="mkb Organisation", slug="mkb-org")
    department = Department.objects.create(organisation=org_b, name="mkb-department")
    location = Location.objects.create(name="mkb-location", organisation=org_b)
    a = limited_agent("walker-a", org_a)
    system = Actor.system("access-walk")
    b = services.user_create(
        system,
        username="mkb-user",
        first_name="mkbFirst",
        last_name="mkbLast",
        email="mkb-mail@example.com",
        phone="mkb-phone",
        organisation=org_b.slug,
        department=department.id,
        location=location.id,
        roles=["agent"],
    )
    b.served_organisations.set([org_b])
    team = services.team_create(
        system,
        name="mkb Team",
        slug="mkb-team",
        description="mkb-team-description",
        email="mkb-team@example.com",
        organisation=org_b.slug,
        lead=b.username,
        members=[b.username],
    )
    token, raw = services.token_create(system, user=b, name="mkb-token", scopes=["read"])
    content = b"mkb-file-content\n"
    attachment = services.attachment_add(
        Actor(user=b),
        target=f"team/{team.slug}",
        upload=io.BytesIO(content),
        filename="mkb-attachment.txt",
        size=len(content),
    )
    services.comment_add(Actor(user=b), target=team, body="mkb-comment", internal=True)
    incident = incident_services.incident_create(
        Actor(user=b), title="mkb incident", description="mkb-incident-description"
    )
    incident_services.incident_comment(
        Actor(user=b), number=incident.number, body="mkb-incident-reply"
    )
    search_index.reindex([incident.pk])  # the worker's job after commit, so ?q= can find it
    problem = problem_services.problem_create(
        Actor(user=b),
        title="mkb problem",
        description="mkb-problem-description",
        organisation=org_b.slug,
        from_incident=incident.number,
    )
    problem_services.problem_comment(Actor(user=b), number=problem.number, body="mkb-prb-note")
    # Calendars are configuration every agent reads: the walk uses one, but it is not B's.
    calendar = calendar_create(
        system,
        name="Walk calendar",
        slug="walk-calendar",
        time_zone="Europe/Berlin",
        working_hours=[{"weekday": 0, "start": "09:00", "end": "17:00"}],
    )
    policy = policy_create(
        system,
        name="mkb policy",
        slug="mkb-policy",
        calendar=calendar.slug,
        response_minutes=60,
        resolution_minutes=480,
        organisations=[org_b.slug],
    )
    ci = cmdb_services.ci_create(
        system,
        name="mkb-ci",
        ci_class="server",
        description="mkb-ci-description",
        organisation=org_b.slug,
        attributes={"fqdn": "mkb-host.example.com"},
    )
    ci_app = cmdb_services.ci_create(
        system, name="mkb-app", ci_class="application", organisation=org_b.slug
    )
    relationship = cmdb_services.relationship_create(
        system, source=ci_app.number, target=ci.number, type="runs_on"
    )
    saved_view = incident_services.saved_view_save(
        Actor(user=b), name="mkb-view", query=f"q={MARKER}&team={team.slug}"
    )
    change, freeze, change_refs = _changes_of_b(system, b, team, ci, incident)
    mail_refs, mail_objects = _mail_of_b(system, team)
    return Scene(
        a=a,
        b=b,
        team=team,
        token=token,
        attachment=attachment,
        incident=incident,
        policy=policy,
        secrets=[raw, token.digest, attachment.sha256, str(attachment.id)],
        path_values={
            "username": b.username,
            "token_id": str(token.id),
            "attachment_id": str(attachment.id),
            "view_id": str(saved_view.pk),
            # names shared by many record types only count after their collection's segment
            "teams/slug": team.slug,
            "incidents/number": incident.number,
            "problems/number": problem.number,
            "incident_number": incident.number,
            "policies/slug": policy.slug,
            "calendars/slug": calendar.slug,
            "cis/number": ci.number,
            "ci-classes/slug": "server",  # shared configuration, not B's
            "relationship-types/slug": "runs_on",  # shared configuration, not B's
            "relationship_id": str(relationship.id),
            **change_refs,
            **mail_refs,
        },
        query_values={
            "q": MARKER,
            "team": team.slug,
            "member": b.username,
            "is_active": "true",
            "object_type": "core.team",
            "object_id": str(team.pk),
            "actor_name": b.username,
            "channel": "web",
            "caller": b.username,
            "assignee": b.username,
            "ci": ci.number,
            "requester": b.username,
            "source": "discovery",  # the CMDB import's source (a registered one)
        },
        body_values={
            "username": a.username,
            "name": "walk",
            "target": f"team/{team.slug}",
            "version": 1,
            "body": "walk",
            "incident": incident.number,
        },
        body_refs={
            "caller": b.username,
            "assignee": b.username,
            "lead": b.username,
            "members": [b.username],
            "team": team.slug,
            "organisation": org_b.slug,
            "parent": incident.number,
            "source": ci_app.number,
            "target": ci.number,
            "cis": [ci.number],
            "incidents": [incident.number],
            "requester": b.username,
            "delegate": b.username,
            "on_behalf_of": b.username,
        },
        admin_objects={
            "core.user": b,
            "core.team": team,
            "core.apitoken": token,
            "core.organisation": org_b,
            "core.department": department,
            "core.location": location,
            "core.auditentry": AuditEntry.objects.filter(object_id=str(team.pk)).first(),
            "core.outboxmessage": OutboxMessage.objects.filter(object_id=str(team.pk)).first(),
            "auth.group": Group.objects.get(name="agent"),
            "incidents.teamassignment": TeamAssignment.objects.create(team=team),
            "sla.slapolicy": policy,
            "changes.freezewindow": freeze,
            **mail_objects,
        },
        change=change,
        freeze=freeze,
    )


def _changes_of_b(system, b, team, ci, incident) -> tuple[Change, FreezeWindow, dict[str, str]]:
    """B's change (waiting for B's change manager's approval), a freeze window on B's CI,
    B's delegation, and the path values that name them."""
    import datetime as dt

    from django.utils import timezone

    manager = services.user_create(
        system,
        username="mkb-cm",
        organisation=b.organisation.slug,
        roles=["agent", "change_manager"],
    )
    manager.served_organisations.set([b.organisation])
    start = timezone.now() + dt.timedelta(days=7)
    change = change_services.change_create(
        Actor(user=b),
        title="mkb change",
        description="mkb-change-description",
        cis=[ci.number],
        incidents=[incident.number],
        team=team.slug,
        planned_start=start,
        planned_end=start + dt.timedelta(hours=2),
        implementation_plan="mkb-plan",
        backout_plan="mkb-backout",
        test_plan="mkb-test",
    )
    for status in ("assessment", "authorization"):
        change_services.change_update(
            Actor(user=b), number=change.number, expected_version=None, changes={"status": status}
        )
    change_services.change_comment(Actor(user=b), number=change.number, body="mkb-change-note")
    freeze = change_services.freeze_create(
        system,
        name="mkb freeze",
        reason="mkb-freeze-reason",
        ci=ci.number,
        starts_at=start,
        ends_at=start + dt.timedelta(days=1),
    )
    today = timezone.localdate()
    delegation = change_services.delegation_create(
        Actor(user=b),
        delegate=manager.username,
        starts_on=today,
        ends_on=today + dt.timedelta(days=5),
    )
    # configuration every agent reads: used by the walk, but not B's (no marker)
    template = change_services.template_create(system, name="Walk template", slug="walk-template")
    return (
        change,
        freeze,
        {
            "changes/number": change.number,
            "approval_id": str(change.approvals.get().pk),
            "freeze-windows/slug": freeze.slug,
            "freezes/slug": freeze.slug,  # the web page of a freeze window
            "change-templates/slug": template.slug,
            "delegation_id": str(delegation.pk),
            # feed and approval links authenticate by the secret they carry, like a password:
            # the walk knows B's identifiers, not B's secrets, so it sends forged ones (404)
            "feed/token": "walk-forged-feed-token",
            "approve/token": "walk-forged-link",
            # the walker finds "team" first in "teams/", so the key names the segment before
            "feed/team": team.slug,
        },
    )


def _mail_of_b(system, team) -> tuple[dict[str, str], dict[str, models.Model]]:
    """A mailbox routing to B's team and a message it received (administrators' alone)."""
    mailbox = mail_services.mailbox_create(
        system,
        name="mkb mailbox",
        slug="mkb-mailbox",
        address="mkb-box@example.com",
        kind="imap",
        imap_host="mkb-imap.example.com",
        imap_password="mkb-imap-password",
        team=team.slug,
    )
    raw = b"From: mkb-sender@example.com\r\nSubject: mkb-subject\r\n\r\nmkb-mail-body\r\n"
    message = mail_services.mail_ingest(mailbox, raw)
    refs = {
        "mailboxes/slug": mailbox.slug,
        "mail-messages/message_id": str(message.pk),
        "messages/pk": str(message.pk),  # the web pages of a received message
    }
    return refs, {"mailboxes.mailbox": mailbox, "mailboxes.inboundmessage": message}


@pytest.fixture
def scene(db) -> Scene:
    return build_scene()


def body_of(response: HttpResponse) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def judge(walk: Walk, label: str, response: HttpResponse, scene: Scene, login_url: str) -> None:
    """Record the call; a 2xx carrying B's data is a leak, a 5xx or lost session a problem."""
    status = response.status_code
    walk.walked.append((label, status))
    if status >= 500:
        walk.problems.append((label, status, "server error"))
    elif status == 401:
        walk.problems.append((label, status, "walker not authenticated: the walk proves nothing"))
    elif status in (301, 302) and response["Location"].startswith(login_url):
        walk.problems.append((label, status, "walker signed out: the walk proves nothing"))
    elif status >= 400 and response.request["PATH_INFO"].startswith("/api/v"):
        problem = error_shape_problem(response)
        if problem:
            walk.problems.append((label, status, problem))
    elif 200 <= status < 300:
        leaked = scene.leaked(body_of(response))
        if leaked:
            walk.leaks.append((label, status, leaked))


# --- (a) the API, from its OpenAPI document ------------------------------------------------


def _example(schema: dict[str, Any], name: str, scene: Scene) -> Any:
    if name in scene.body_values:
        return scene.body_values[name]
    schema = openapi.resolve(schema)
    defaults = {"string": "walk", "integer": 1, "number": 1, "boolean": False}
    defaults |= {"array": [], "object": {}}
    return defaults.get(schema.get("type"), "walk")


def request_body(
    operation: openapi.Operation, scene: Scene, extra: dict[str, Any]
) -> tuple[Any, str | None]:
    """A body with every required field filled (B's references where the name says so),
    plus ``extra``; with its content type (None: multipart)."""
    content = operation.spec.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        schema = openapi.resolve(content["application/json"]["schema"])
        props = schema.get("properties", {})
        body = {n: _example(props[n], n, scene) for n in schema.get("required", [])}
        return body | extra, "application/json"
    if "multipart/form-data" in content:
        schema = openapi.resolve(content["multipart/form-data"]["schema"])
        body = {}
        for name in schema.get("required", []):
            if schema["properties"][name].get("format") == "binary":
                body[name] = SimpleUploadedFile("walk.txt", b"walk", "text/plain")
            else:
                body[name] = _example(schema["properties"][name], name, scene)
        return body | extra, None
    return None, None


def _optional_refs(operation: openapi.Operation, scene: Scene) -> list[str]:
    """Optional body fields that name a record, which the walk fills with B's, one at a time."""
    content = operation.spec.get("requestBody", {}).get("content", {})
    schema = openapi.resolve(content.get("application/json", {}).get("schema", {}))
    required = set(schema.get("required", []))
    return sorted(n for n in schema.get("properties", {}) if n in set(scene.body_refs) - required)


def _api_path_value(scene: Scene, path: str, name: str) -> str | None:
    return scene.path_value(path[: path.index(f"{{{name}}}")], name)


@dataclass(frozen=True)
class Call:
    label: str
    operation: openapi.Operation
    url: str
    query: dict[str, str]
    extra: dict[str, Any]


def api_plan(scene: Scene, doc_operations: list[openapi.Operation]) -> tuple[list, list]:
    """(calls, unfilled): the calls to make, and what is neither fillable nor excused."""
    calls, unfilled = [], []
    for op in sorted(doc_operations, key=lambda o: (API_METHOD_ORDER.index(o.method), o.path)):
        if str(op) in EXCUSED_API_OPERATIONS:
            continue
        missing = [p for p in op.path_params if _api_path_value(scene, op.path, p) is None]
        missing += [
            q
            for q in op.required_query_params
            if q not in scene.query_values and q not in EXCUSED_API_PARAMS
        ]
        if missing:
            unfilled.append((str(op), missing))
            continue
        url = openapi.PARAM.sub(lambda m, path=op.path: _api_path_value(scene, path, m[1]), op.path)
        query = {q: scene.query_values[q] for q in op.query_params if q in scene.query_values}
        calls.append(Call(str(op), op, url, {}, {}))
        if query:
            calls.append(Call(f"{op} ?{'&'.join(sorted(query))}", op, url, query, {}))
        calls += [
            Call(f"{op} +{name}", op, url, {}, {name: scene.body_refs[name]})
            for name in _optional_refs(op, scene)
        ]
    return calls, unfilled


def walk_api(scene: Scene, client: ApiClient, doc: dict[str, Any]) -> Walk:
    walk = Walk()
    doc_operations = [
        openapi.Operation(method, path, spec)
        for path, item in doc["paths"].items()
        for method, spec in item.items()
        if method in openapi.METHODS
    ]
    calls, _ = api_plan(scene, doc_operations)
    for call in calls:
        method = call.operation.method
        body, content_type = request_body(call.operation, scene, call.extra)
        if method == "get":
            response = client.get(call.url, call.query)
        elif method == "delete":
            response = client.delete(call.url)
        elif content_type is None and body is not None:
            response = client.post(call.url, body, content_type=MULTIPART_CONTENT)
        else:
            response = getattr(client, method)(call.url, body)
        judge(walk, call.label, response, scene, login_url="/nowhere")
    return walk


def _doc_as(client: ApiClient) -> dict[str, Any]:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200, response.content[:300]
    return response.json()


def test_api_walk_as_a_finds_nothing_of_b(scene):
    client = api_client_for(scene.a)
    doc = _doc_as(client)
    before = scene.fingerprint()

    walk = walk_api(scene, client, doc)

    assert not walk.leaks, walk.leaks
    assert scene.fingerprint() == before, "A changed something of B's"
    assert not walk.problems, walk.problems
    operations = {label.split(" ?")[0].split(" +")[0] for label, _ in walk.walked}
    assert len(operations) >= MIN_API_OPERATIONS, sorted(operations)
    assert any(200 <= status < 300 for _, status in walk.walked), "A could do nothing at all"


def test_every_api_operation_is_walked_or_excused(scene):
    _, unfilled = api_plan(scene, openapi.operations())
    known = {str(op) for op in openapi.operations()}

    assert unfilled == [], "fill these in Scene.path_values/query_values or excuse them"
    assert set(EXCUSED_API_OPERATIONS) - known == set(), "stale excuse"
    params = {p for op in openapi.operations() for p in op.query_params + op.path_params}
    assert set(EXCUSED_API_PARAMS) - params == set(), "stale excuse"


# --- (b) every Django URL pattern, in the web session ----------------------------------------

ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")
REGEX_PARAM = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")
ADMIN_MODEL_ROUTE = re.compile(r"^admin/(?P<app>\w+)/(?P<model>\w+)/")


def url_patterns(resolver: URLResolver | None = None, prefix: str = "") -> list[tuple[str, Any]]:
    """Every URL pattern as (joined route, pattern), recursively through includes."""
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found += url_patterns(entry, route)
        else:
            assert isinstance(entry, URLPattern)
            found.append((route, entry))
    return found


def _web_value(scene: Scene, route: str, name: str) -> str | None:
    if name == "object_id":
        if route.startswith("admin/r/"):
            return str(scene.b.pk)
        match = ADMIN_MODEL_ROUTE.match(route)
        if match is None:
            return None
        # The admin turns a non-staff walker away whatever the object; B's object, where B
        # has one, makes a hole in that gate show up as a leak of B's marker.
        obj = scene.admin_objects.get(f"{match['app']}.{match['model']}")
        return "1" if obj is None else str(obj.pk)
    values: dict[str, Callable[[], str]] = {
        "content_type_id": lambda: str(ContentType.objects.get_for_model(User).pk),
        "id": lambda: str(scene.b.pk),  # admin's password change for a user
        "app_label": lambda: "core",
        "url": lambda: "walk-nowhere/",
    }
    before = route[: route.index(name)]
    value = scene.path_value(before, name)
    if value is not None:
        return value
    return values[name]() if name in values else None


def render(route: str, pattern: Any, scene: Scene) -> tuple[str | None, list[str]]:
    """The URL for ``route`` with B's values, or None and the parameters that are missing."""
    missing: list[str] = []

    def fill(match: re.Match) -> str:
        value = _web_value(scene, route, match["name"])
        if value is None:
            missing.append(match["name"])
            return ""
        return value

    parts = re.split(r"(?<=/)(?=\^)", route)  # regex segments start with ^ after a /
    text = "".join(
        REGEX_PARAM.sub(fill, part).lstrip("^").rstrip("$")
        if part.startswith("^") or isinstance(pattern.pattern, RegexPattern)
        else ROUTE_PARAM.sub(fill, part)
        for part in parts
    )
    return (None if missing else "/" + text), missing


def web_plan(scene: Scene) -> tuple[list[tuple[str, str]], list]:
    calls, unfilled, seen = [], [], set()
    for route, pattern in url_patterns():
        if route in EXCUSED_WEB_ROUTES:
            continue
        url, missing = render(route, pattern, scene)
        if url is None:
            unfilled.append((route, missing))
            continue
        if url not in seen:
            seen.add(url)
            calls.append((route, url))
    return calls, unfilled


def walk_web(scene: Scene, client: Client) -> Walk:
    walk = Walk()
    calls, _ = web_plan(scene)
    login_url = resolve_url(settings.LOGIN_URL)
    form = {k: str(v) for k, v in scene.body_values.items()}
    for method in WEB_METHODS:
        for _route, url in calls:
            response = client.get(url) if method == "get" else client.post(url, form)
            judge(walk, f"{method.upper()} {url}", response, scene, login_url)
    return walk


def test_web_walk_as_a_finds_nothing_of_b(scene):
    client = Client()
    client.force_login(scene.a)
    before = scene.fingerprint()

    walk = walk_web(scene, client)

    assert not walk.leaks, walk.leaks
    assert scene.fingerprint() == before, "A changed something of B's"
    assert not walk.problems, walk.problems
    assert len(walk.walked) >= MIN_WEB_ROUTES * len(WEB_METHODS), len(walk.walked)
    me = client.get("/api/v1/users/me")
    assert me.status_code == 200, "the walker lost its session during the walk"
    assert me.json()["username"] == scene.a.username


def test_every_web_route_is_walked_or_excused(scene):
    calls, unfilled = web_plan(scene)
    routes = {route for route, _ in url_patterns()}

    assert unfilled == [], "teach _web_value these parameters or excuse the routes"
    assert set(EXCUSED_WEB_ROUTES) - routes == set(), "stale excuse"
    for route, url in calls:  # each rendered URL reaches the route it was made from
        assert resolve(url).route == route.replace("^", ""), (route, url)


# --- the walk can fail ---------------------------------------------------------------------


def test_the_walks_catch_a_leak_when_a_may_see_b(scene):
    """Control: widen A to serve B's organisation and the same walks must report leaks."""
    scene.a.served_organisations.add(scene.b.organisation)
    client = Client()
    client.force_login(scene.a)
    api = api_client_for(scene.a)

    api_walk = walk_api(scene, api, _doc_as(api))
    web_walk = walk_web(scene, client)

    api_leaks = {label for label, _, _ in api_walk.leaks}
    web_leaks = {label for label, _, _ in web_walk.leaks}
    assert {"GET /api/v1/users/{username}", "GET /api/v1/teams/{slug}"} <= api_leaks
    assert "GET /api/v1/attachments/{attachment_id}/download" in api_leaks
    assert {"GET /api/v1/incidents/{number}", "GET /api/v1/sla/policies/{slug}"} <= api_leaks
    assert "GET /api/v1/problems/{number}/incidents" in api_leaks
    assert {"GET /api/v1/cis/{number}", "GET /api/v1/relationships/{relationship_id}"} <= api_leaks
    assert f"GET /teams/{scene.team.slug}/" in web_leaks
    # the change pages (steward/changes/views/): record, edit form, agenda, freeze window
    assert {
        f"GET /changes/{scene.change.number}/",
        f"GET /changes/{scene.change.number}/edit/",
        "GET /changes/agenda/",
        f"GET /changes/freezes/{scene.freeze.slug}/",
    } <= web_leaks
    assert f"GET /api/v1/users/{scene.b.username}" in web_leaks
