"""How the access walk calls every API operation and every web route with B's identifiers,
and judges what comes back (tests/contract/test_access_walk.py holds the tests)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.test import Client
from django.test.client import MULTIPART_CONTENT
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern

from steward.core.models import (
    User,
)
from tests.conftest import ApiClient
from tests.contract import openapi
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
