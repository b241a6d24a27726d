"""The access walk (DESIGN §4): agent A, limited to organisation A, calls every API operation
and every web route with the identifiers of agent B's records in organisation B. No success
response may carry anything of B's.

Every route is walked unless its parameters cannot be filled and it is listed in an EXCUSED
dict with a reason, so a new route is walked (or fails a meta-test) without anyone remembering.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import resolve

from tests.built_once import Built, built, for_the_test
from tests.conftest import api_client_for
from tests.contract import openapi
from tests.contract.access_scene import Scene, build_scene
from tests.contract.access_walk import (
    EXCUSED_API_OPERATIONS,
    EXCUSED_API_PARAMS,
    EXCUSED_WEB_ROUTES,
    MIN_API_OPERATIONS,
    MIN_WEB_ROUTES,
    WEB_METHODS,
    Walk,
    _doc_as,
    api_plan,
    body_of,
    judge,
    walk_api,
)
from tests.contract.access_web import bridge_web_urls, url_patterns, walk_web, web_plan


@pytest.fixture(scope="module")
def _scene_built(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Built]:
    """The scene, built once for the module (about 1.5 s of CPU each time; decision 0069)."""
    with built(django_db_blocker, tmp_path_factory.mktemp("scene-media"), build_scene) as once:
        yield once


@pytest.fixture
def scene(_scene_built, db, _database_baseline, settings) -> Scene:
    """Each test starts from the scene as built, whatever the test before it changed."""
    return for_the_test(_scene_built, settings)


WALKERS = ["limited agent", "requester", "requester of B's organisation"]


@pytest.mark.parametrize("who", WALKERS)
def test_api_walk_finds_nothing_of_b(scene, who):
    walker = scene.walkers[who]
    client = api_client_for(walker.user)
    doc = _doc_as(client)
    before = scene.fingerprint()

    walk = walk_api(scene, client, doc, walker)

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


@pytest.mark.parametrize("who", WALKERS)
def test_web_walk_finds_nothing_of_b(scene, who):
    walker = scene.walkers[who]
    client = Client()
    client.force_login(walker.user)
    before = scene.fingerprint()

    walk = walk_web(scene, client, walker)

    assert not walk.leaks, walk.leaks
    assert scene.fingerprint() == before, "A changed something of B's"
    assert not walk.problems, walk.problems
    assert len(walk.walked) >= MIN_WEB_ROUTES * len(WEB_METHODS), len(walk.walked)
    me = client.get("/api/v1/users/me")
    assert me.status_code == 200, "the walker lost its session during the walk"
    assert me.json()["username"] == walker.user.username


# the queue's filters a link sets that its bar has no control for and that name a record
QUEUE_NAMING = ("assignee", "caller", "ci")


def _queue_named_by(client: Client, scene: Scene, name: str) -> list:
    """The queue page and its htmx fragment, each filtered by B's ``name`` alone."""
    one = {name: scene.query_values[name]}
    return [
        client.get("/incidents/", one),
        client.get("/incidents/", {**one, "partial": "1"}, headers={"HX-Request": "true"}),
    ]


@pytest.mark.parametrize("who", WALKERS)
@pytest.mark.parametrize("name", QUEUE_NAMING)
def test_the_queue_neither_names_nor_repeats_b_s_filter(scene, who, name):
    """The queue names the filters a link set (chips, the bar's hidden fields, the bulk
    form's way back) only as the reader may see them: B's person or CI in the query string
    is neither named nor repeated, not even as the echoes the walk above lets pass."""
    walker = scene.walkers[who]
    client = Client()
    client.force_login(walker.user)
    walk = Walk()

    for response in _queue_named_by(client, scene, name):
        judge(walk, f"GET /incidents/?{name}", response, scene, "/nowhere", allowed=walker.may_see)
        assert scene.query_values[name].encode() not in body_of(response)

    assert not walk.leaks, walk.leaks
    assert not walk.problems, walk.problems


def test_the_queue_names_b_s_filter_to_whoever_may_see_b(scene):
    """Control: once A serves B's organisation, the queue's chip names B's person, so the
    walkers' seeing nothing of B there is the scoping's doing."""
    scene.a.served_organisations.add(scene.b.organisation)
    client = Client()
    client.force_login(scene.a)

    page = body_of(_queue_named_by(client, scene, "assignee")[0]).decode()

    assert f"Assignee: {scene.b.get_full_name()}" in page


@pytest.mark.parametrize(
    ("who", "opens"),
    [("limited agent", [0, 1, 2]), ("requester", [0, 2])],  # requesters see no problems
)
def test_the_walkers_read_the_bridges(scene, who, opens):
    """The bridges are on pages the walkers read, so the walk judges what they show."""
    client = Client()
    client.force_login(scene.walkers[who].user)
    incident, problem, change = scene.witnesses
    pages = [f"/incidents/{incident}/", f"/problems/{problem}/", f"/changes/{change}/"]
    for i in opens:
        assert client.get(pages[i]).status_code == 200, pages[i]


def test_every_web_route_is_walked_or_excused(scene):
    calls, unfilled = web_plan(scene)
    routes = {route for route, _ in url_patterns()}

    assert unfilled == [], "teach _web_value these parameters or excuse the routes"
    assert set(EXCUSED_WEB_ROUTES) - routes == set(), "stale excuse"
    for route, url in calls:  # each rendered URL reaches the route it was made from
        assert resolve(url).route == route.replace("^", ""), (route, url)


# --- the walk can fail ---------------------------------------------------------------------


# The control walks everything the walks above walk, in parts pytest-xdist can give to
# different workers (whole, it was the suite's longest test): the API, and the web's routes
# by first segment. Each part asserts the leaks its routes must show; the parts' routes
# together are every route (test_the_leak_control_parts_cover_every_route).
RECORD_PAGES = ("changes", "problems", "incidents")
MACHINE_ROUTES = ("api", "admin")


def _segment(url: str) -> str:
    return url.lstrip("/").split("/")[0]


WEB_PARTS = {
    "web: record pages": lambda url: _segment(url) in RECORD_PAGES,
    "web: the API and admin in the session": lambda url: _segment(url) in MACHINE_ROUTES,
    "web: every other page": lambda url: _segment(url) not in RECORD_PAGES + MACHINE_ROUTES,
}


def _leak_expected(scene: Scene, part: str) -> set[str]:
    if part == "api":
        return {
            "GET /api/v1/users/{username}",
            "GET /api/v1/teams/{slug}",
            "GET /api/v1/attachments/{attachment_id}/download",
            "GET /api/v1/incidents/{number}",
            "GET /api/v1/sla/policies/{slug}",
            "GET /api/v1/problems/{number}/incidents",
            "GET /api/v1/cis/{number}",
            "GET /api/v1/relationships/{relationship_id}",
        }
    return {
        "web: record pages": {
            # the change pages (steward/changes/views/): record, edit form, agenda, freeze
            f"GET /changes/{scene.change.number}/",
            f"GET /changes/{scene.change.number}/edit/",
            "GET /changes/agenda/",
            f"GET /changes/freezes/{scene.freeze.slug}/",
        },
        "web: the API and admin in the session": {f"GET /api/v1/users/{scene.b.username}"},
        "web: every other page": {f"GET /teams/{scene.team.slug}/"},
    }[part]


@pytest.mark.parametrize("part", ["api", *WEB_PARTS])
def test_the_walks_catch_a_leak_when_a_may_see_b(scene, part):
    """Control: widen A to serve B's organisation and the same walks must report leaks."""
    scene.a.served_organisations.add(scene.b.organisation)
    walker = scene.walkers["limited agent"]
    if part == "api":
        api = api_client_for(scene.a)
        walk = walk_api(scene, api, _doc_as(api), walker)
    else:
        client = Client()
        client.force_login(scene.a)
        walk = walk_web(scene, client, walker, only=WEB_PARTS[part])

    leaks = {label for label, _, _ in walk.leaks}
    assert _leak_expected(scene, part) <= leaks


def test_the_leak_control_parts_cover_every_route(scene):
    """The control's web parts share out every URL the web walk calls, each to one part."""
    calls, _ = web_plan(scene)
    urls = [url for _, url in calls] + bridge_web_urls(scene, calls)
    for url in urls:
        assert sum(1 for only in WEB_PARTS.values() if only(url)) == 1, url


def test_the_bridges_name_b_s_records_to_whoever_may_see_them(scene, admin_user):
    """Control: an administrator reads B's CI, freeze and incident on the bridges' pages,
    so the walkers' finding nothing there is the scoping's doing."""
    client = Client()
    client.force_login(admin_user)
    incident, problem, change = scene.witnesses
    assert "mkb-ci" in client.get(f"/incidents/{incident}/").content.decode()
    assert "mkb incident" in client.get(f"/problems/{problem}/").content.decode()
    page = client.get(f"/changes/{change}/").content.decode()
    assert "mkb-ci" in page
    assert "mkb freeze" in page
