"""The access walk's web half: every Django URL pattern, filled with B's values, in the
walker's session (tests/contract/access_walk.py has the API half and the judge)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern

from steward.core.models import (
    User,
)
from tests.contract.access_bridges import Walker
from tests.contract.access_scene import Scene
from tests.contract.access_walk import (
    EXCUSED_WEB_ROUTES,
    NAMING_B,
    NOBODY,
    Walk,
    body_of,
    bridged,
    echoes,
    judge,
)

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


def walk_web(
    scene: Scene, client: Client, walker: Walker, only: Callable[[str], bool] | None = None
) -> Walk:
    """Each route: a GET; a GET as htmx asks for a fragment, with every filter naming B's
    records (the partials: queue rows, suggestions, conflict reports); a POST of a form
    naming B's records. Where the page shows a bridge, each filter naming B's on its own:
    the bridge must not be selected by it. ``only``: the URLs to walk, when not all."""
    walk = Walk()
    calls, _ = web_plan(scene)
    bridges = bridge_web_urls(scene, calls)
    if only is not None:
        calls = [(route, url) for route, url in calls if only(url)]
        bridges = [url for url in bridges if only(url)]
    login_url = resolve_url(settings.LOGIN_URL)
    form = {k: str(v) for k, v in scene.body_values.items()}
    query = {k: v for k, v in scene.query_values.items() if k in NAMING_B}
    fragment = {**query, "partial": "1"}
    may_see = walker.may_see
    for url in bridges:
        response = client.get(url)
        judge(walk, f"GET {url} (a bridge)", response, scene, login_url, allowed=may_see)
        response = client.get(url, fragment, headers={"HX-Request": "true"})
        judge(
            walk,
            f"GET {url} (a bridge, htmx)",
            response,
            scene,
            login_url,
            allowed=[*may_see, *echoes(fragment)],
        )
    for _route, url in calls:
        page = client.get(url)
        judge(walk, f"GET {url}", page, scene, login_url, allowed=may_see)
        if page.status_code < 400:  # a route that refuses the page refuses its fragments
            response = client.get(url, fragment, headers={"HX-Request": "true"})
            judge(
                walk,
                f"GET {url} (htmx, B's filters)",
                response,
                scene,
                login_url,
                allowed=[*may_see, *echoes(fragment)],
            )
        content = body_of(page)
        shown = [n for n in scene.witnesses if page.status_code == 200 and n.encode() in content]
        for name in sorted(query) if shown else ():
            one = {name: query[name]}
            response = client.get(url, one)
            judge(
                walk,
                f"GET {url}?{name}",
                response,
                scene,
                login_url,
                allowed=[*may_see, *echoes(one)],
            )
            # B's value may select no bridge that a value naming nothing leaves out: a
            # page that ignores the filter shows the bridge both ways, and that is no leak
            selected = [n for n in shown if n.encode() in body_of(response)]
            if selected:
                control = body_of(client.get(url, {name: NOBODY[name]}))
                selected = [n for n in selected if n.encode() not in control]
            if selected:
                walk.leaks.append(
                    (
                        f"GET {url}?{name}",
                        response.status_code,
                        [f"bridge {n} selected by B's {name}" for n in selected],
                    )
                )
        response = client.post(url, form)
        judge(walk, f"POST {url}", response, scene, login_url, allowed=may_see)
    return walk


def bridge_web_urls(scene: Scene, calls: list[tuple[str, str]]) -> list[str]:
    """Every web route that opens a bridge (and not also one of B's records)."""
    walked = {url for _, url in calls}
    return [url for _, url in web_plan(bridged(scene))[0] if url not in walked]
