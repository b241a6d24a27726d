"""How the access walk calls every API operation and every web route with B's identifiers,
and judges what comes back (tests/contract/test_access_walk.py holds the tests)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from html import escape
from typing import Any
from urllib.parse import quote, quote_plus

from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test.client import MULTIPART_CONTENT

from tests.conftest import ApiClient
from tests.contract import openapi
from tests.contract.access_bridges import Walker, bridge_paths
from tests.contract.access_scene import Scene
from tests.contract.shape import error_shape_problem

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

# Query parameters whose walk values name B's records (Scene.query_values): a list filtered
# by one of them must not select a bridge.
NAMING_B = {"q", "team", "member", "caller", "assignee", "ci", "requester", "incident"}
# The same parameters naming nothing at all: the control a filter's answer is compared with.
NOBODY = {
    "q": "zqxwalknothing",
    "team": "walk-no-team",
    "member": "walk-nobody",
    "caller": "walk-nobody",
    "assignee": "walk-nobody",
    "ci": "CI9999999",
    "requester": "walk-nobody",
    "incident": "INC9999999",
}

API_METHOD_ORDER = ("get", "post", "put", "patch", "delete")  # reads before writes
WEB_METHODS = ("get", "post")


@dataclass
class Walk:
    walked: list[tuple[str, int]] = field(default_factory=list)
    leaks: list[tuple[str, int, list[str]]] = field(default_factory=list)
    problems: list[tuple[str, int, str]] = field(default_factory=list)


def body_of(response: HttpResponse) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def judge(
    walk: Walk,
    label: str,
    response: HttpResponse,
    scene: Scene,
    login_url: str,
    *,
    allowed: Iterable[str] = (),
    filtered: bool = False,
) -> None:
    """Record the call; a 2xx carrying B's data is a leak, a 5xx or lost session a problem.
    A web page is judged whatever its status (a refusal may name a record too). When the
    call ``filtered`` by B's values, a bridge in the answer is a leak: the filter told the
    walker what the bridge links."""
    status = response.status_code
    walk.walked.append((label, status))
    is_api = response.request["PATH_INFO"].startswith("/api/v")
    if status >= 500:
        walk.problems.append((label, status, "server error"))
    elif status == 401:
        walk.problems.append((label, status, "walker not authenticated: the walk proves nothing"))
    elif status in (301, 302) and response["Location"].startswith(login_url):
        walk.problems.append((label, status, "walker signed out: the walk proves nothing"))
    elif status >= 400 and is_api:
        problem = error_shape_problem(response)
        if problem:
            walk.problems.append((label, status, problem))
    elif 200 <= status < 300 or (status >= 400 and not is_api):
        body = body_of(response)
        leaked = scene.leaked(body, allowed)
        if filtered:
            leaked += [f"bridge {n}" for n in scene.witnesses if n.encode() in body]
        if leaked:
            walk.leaks.append((label, status, leaked))


def echoes(query: dict[str, str]) -> list[str]:
    """How a page repeats the query it was sent (a search box, a link that keeps the
    filters): not a leak, since the walker typed it."""
    found = []
    for name, value in query.items():
        found += [f'value="{escape(value)}"', f"{name}={quote_plus(value)}"]
        found += [f"{name}={quote(value)}", f"{name}={escape(value)}"]
        found.append(f"“{escape(value)}”")  # "Nothing matches “…”" under a picker
    return found


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
        if op.method == "get" and len(set(query) & NAMING_B) > 1:  # each filter on its own
            calls += [
                Call(f"{op} ?{name}", op, url, {name: query[name]}, {})
                for name in sorted(set(query) & NAMING_B)
            ]
        calls += [
            Call(f"{op} +{name}", op, url, {}, {name: scene.body_refs[name]})
            for name in _optional_refs(op, scene)
        ]
    return calls, unfilled


def walk_api(scene: Scene, client: ApiClient, doc: dict[str, Any], walker: Walker) -> Walk:
    walk = Walk()
    doc_operations = [
        openapi.Operation(method, path, spec)
        for path, item in doc["paths"].items()
        for method, spec in item.items()
        if method in openapi.METHODS
    ]
    calls, _ = api_plan(scene, doc_operations)
    walked = {call.url for call in calls}
    calls += [  # the bridges' GET operations (reading them changes nothing)
        replace(call, label=f"{call.label} (a bridge)")
        for call in api_plan(bridged(scene), doc_operations)[0]
        if call.operation.method == "get" and call.url not in walked
    ]
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
        filtered = bool(set(call.query) & NAMING_B)
        judge(
            walk, call.label, response, scene, "/nowhere", allowed=walker.may_see, filtered=filtered
        )
    return walk


def _doc_as(client: ApiClient) -> dict[str, Any]:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200, response.content[:300]
    return response.json()


def bridged(scene: Scene) -> Scene:
    """The scene with the bridges' numbers in place of B's, to walk the bridges' routes."""
    return replace(scene, path_values={**scene.path_values, **bridge_paths(scene.witnesses)})
