"""The API contract (DESIGN §6), checked for every resource in ``registry.RESOURCES``."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from steward.core.actor import Actor
from steward.core.services import token_create, token_revoke
from tests.built_once import Built, built, for_the_test
from tests.conftest import ApiClient, api_client_for
from tests.contract.conftest import ROLE_SCOPES, World, another, build_world
from tests.contract.registry import RANK, RESOURCES, ROLES, Resource, new_tag, send
from tests.contract.shape import assert_error, assert_page

WRITES = ("create", "patch", "delete")


@pytest.fixture(scope="module")
def _world_built(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Built]:
    """The world's organisations and users, made once for this module's 1,500 tests (every
    one of which uses them) rather than once per test (decision 0069)."""
    with built(django_db_blocker, tmp_path_factory.mktemp("world-media"), build_world) as once:
        yield once


@pytest.fixture
def world(_world_built, db, _database_baseline, settings) -> World:
    """Each test starts from the world as made, with no token yet (World.client makes them)."""
    return for_the_test(_world_built, settings)


def resources(where=lambda r: True) -> list:
    return [pytest.param(r, id=r.name) for r in RESOURCES if where(r)]


def resource_ops(ops: tuple[str, ...], where=lambda r: True) -> list:
    return [
        pytest.param(r, op, id=f"{r.name}-{op}")
        for r in RESOURCES
        if where(r)
        for op in r.ops
        if op in ops
    ]


def row(obj: models.Model) -> dict[str, Any]:
    """The record as stored, to prove a refused request changed nothing."""
    return type(obj).objects.filter(pk=obj.pk).values().get()


def made_for(world, resource: Resource, role: str) -> models.Model:
    return resource.make(world.users[role], new_tag())


def keys_of(resource: Resource, page: dict) -> list[str]:
    return [resource.key_of(item) for item in page["items"]]


def list_all(client: ApiClient, resource: Resource, **filters: str) -> list[str]:
    page = assert_page(client.get(resource.url(), {"limit": 500, **filters}))
    assert page["next"] is None, "more than one page: the test world grew too large"
    return keys_of(resource, page)


def current_version(client: ApiClient, resource: Resource, obj: models.Model) -> int:
    if resource.detail:
        response = client.get(resource.url(resource.key_of(obj)))
        assert response.status_code == 200, response.content
        return response.json()["version"]
    obj.refresh_from_db()
    return obj.version


# --- lists ---------------------------------------------------------------------------------


@pytest.mark.parametrize("resource", resources())
def test_list_is_a_page_of_visible_records(world, resource):
    assert resource.reader in resource.visible[resource.reader], "the reader sees its own"
    mine = made_for(world, resource, resource.reader)

    page = assert_page(send(world.client(resource.reader), resource, "list"))

    assert resource.key_of(mine) in keys_of(resource, page)
    assert page["next"] is None
    if resource.hidden_pair is not None:
        viewer, owner = resource.hidden_pair
        hidden = made_for(world, resource, owner)
        assert resource.key_of(hidden) not in list_all(world.client(viewer), resource)


@pytest.mark.parametrize(
    ("resource", "viewer"),
    [pytest.param(r, v, id=f"{r.name}-seen-by-{v}") for r in RESOURCES for v in ROLES],
)
def test_each_role_sees_exactly_what_it_may(world, resource, viewer):
    made = {owner: made_for(world, resource, owner) for owner in ROLES}
    client = world.client(viewer)

    listed = set(list_all(client, resource))

    seen = {owner for owner, obj in made.items() if resource.key_of(obj) in listed}
    assert seen == resource.visible[viewer]
    if resource.detail:
        for owner, obj in made.items():
            response = client.get(resource.url(resource.key_of(obj)))
            expected = 200 if owner in resource.visible[viewer] else 404
            assert response.status_code == expected, (owner, response.content)


@pytest.mark.parametrize("resource", resources())
def test_cursor_walks_every_row_exactly_once(world, resource):
    made = {resource.key_of(made_for(world, resource, resource.reader)) for _ in range(7)}
    client = world.client(resource.reader)
    expected = list_all(client, resource)
    assert made <= set(expected)

    walked: list[str] = []
    cursor = None
    for _ in range(len(expected) + 1):
        query = {"limit": 2} if cursor is None else {"limit": 2, "cursor": cursor}
        page = assert_page(client.get(resource.url(), query))
        assert 1 <= len(page["items"]) <= 2, page
        walked += keys_of(resource, page)
        cursor = page["next"]
        if cursor is None:
            break
        assert len(page["items"]) == 2, "a page before the last one is short"
    else:
        pytest.fail("the cursor never ran out")

    assert walked == expected


def _cursor(values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


BAD_QUERIES = {
    "garbage-cursor": ({"cursor": "%%%not-a-cursor"}, "cursor"),
    "cursor-not-a-list": ({"cursor": _cursor({"a": 1})}, "cursor"),
    "cursor-too-wide": ({"cursor": _cursor(["a", "b", "c", "d", "e"])}, "cursor"),
    "limit-zero": ({"limit": 0}, "limit"),
    "limit-over-max": ({"limit": 501}, "limit"),
    "limit-not-a-number": ({"limit": "many"}, "limit"),
}


@pytest.mark.parametrize(
    ("resource", "query", "field"),
    [
        pytest.param(r, query, field, id=f"{r.name}-{name}")
        for r in RESOURCES
        for name, (query, field) in BAD_QUERIES.items()
    ],
)
def test_bad_paging_parameters_are_422(world, resource, query, field):
    response = world.client(resource.reader).get(resource.url(), query)

    assert_error(response, 422, "validation_error", field=field)


FORGED_VALUES = {
    "strings": "zz-not-a-key",
    "container": {"a": [1]},
    "null": None,
    "huge-number": 10**30,
    "boolean": True,
    "fraction": 1.5,
    "date-like": "2026-13-45T99:99:99",
}


@pytest.mark.parametrize("resource", resources())
def test_a_forged_cursor_is_never_a_server_error(world, resource):
    """Cursors of any width with wrong value types are a client's mistake: 200 or 422."""
    client = world.client(resource.reader)
    made_for(world, resource, resource.reader)

    for name, value in FORGED_VALUES.items():
        for width in (1, 2, 3):
            response = client.get(resource.url(), {"cursor": _cursor([value] * width)})

            if response.status_code != 200:
                assert response.status_code == 422, (name, width, response.content)
                assert_error(response, 422, "validation_error", field="cursor")


@pytest.mark.parametrize(
    ("resource", "name"),
    [pytest.param(r, name, id=f"{r.name}-{name}") for r in RESOURCES for name in r.filters],
)
def test_filter_selects_matching_records(world, resource, name):
    match = made_for(world, resource, resource.reader)
    other = made_for(world, resource, resource.reader)
    value = resource.filters[name](match, other)
    client = world.client(resource.reader)
    assert {resource.key_of(match), resource.key_of(other)} <= set(list_all(client, resource))

    keys = list_all(client, resource, **{name: value})

    assert resource.key_of(match) in keys
    assert resource.key_of(other) not in keys


def _queries(client: ApiClient, url: str, query: dict) -> tuple[list[str], int]:
    # the first read after rows were made may refill the process's caches once (a new user
    # or token moves the auth stamp: steward/core/stamps.py); measured is every read after
    client.get(url, query)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, query)
    page = assert_page(response)
    statements = [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]
    return statements, len(page["items"])


@pytest.mark.parametrize("resource", resources())
def test_list_query_count_is_flat_and_under_the_ceiling(world, resource):
    client = world.client(resource.reader)
    client.get(resource.url())  # first use of the token records last_used_at
    for _ in range(3):
        made_for(world, resource, resource.reader)
    few, few_items = _queries(client, resource.url(), {})
    for _ in range(27):
        made_for(world, resource, resource.reader)

    many, many_items = _queries(client, resource.url(), {})
    small_page, small_items = _queries(client, resource.url(), {"limit": 5})

    assert few_items < many_items, (few_items, many_items)
    assert small_items == 5
    assert len(few) == len(many) == len(small_page), (few, many, small_page)
    assert len(many) <= resource.list_query_ceiling, many
    repeated = sorted({sql for sql in many if many.count(sql) > 1})
    assert not repeated, repeated


# --- one record ----------------------------------------------------------------------------


@pytest.mark.parametrize("resource", resources(lambda r: r.detail))
def test_get_returns_the_record_with_its_version_as_etag(world, resource):
    obj = made_for(world, resource, resource.reader)
    if resource.versioned:
        type(obj).objects.filter(pk=obj.pk).update(version=3)

    response = world.client(resource.reader).get(resource.url(resource.key_of(obj)))

    assert response.status_code == 200, response.content
    body = response.json()
    assert resource.key_of(body) == resource.key_of(obj)
    if resource.versioned:
        assert body["version"] == 3
        assert response["ETag"] == '"3"'


@pytest.mark.parametrize(
    ("resource", "op"),
    resource_ops(("get", "patch", "delete"), lambda r: r.hidden_pair is not None),
)
def test_an_invisible_record_answers_exactly_like_an_absent_one(world, resource, op):
    viewer, owner = resource.hidden_pair
    hidden = made_for(world, resource, owner)
    before = row(hidden)
    client = world.client(viewer)
    tag = new_tag()

    invisible = send(client, resource, op, key=resource.key_of(hidden), tag=tag)
    absent = send(client, resource, op, key=resource.absent_key, tag=tag)

    assert_error(invisible, 404, "not_found")
    assert invisible.content == absent.content
    assert row(hidden) == before


# --- create --------------------------------------------------------------------------------


@pytest.mark.parametrize("resource", resources(lambda r: r.create_payload is not None))
def test_create_answers_201_with_the_record(world, resource):
    client = world.client(resource.writer)
    payload = resource.create_payload(new_tag())
    count = resource.model.objects.count()

    response = client.post(resource.url(), payload)

    assert response.status_code == 201, response.content
    body = response.json()
    for name, value in payload.items():
        if name in body:
            assert body[name] == value, name
    assert resource.model.objects.count() == count + 1
    stored = resource.model.objects.get(**{resource.key: body[resource.key]})
    if resource.versioned:
        assert body["version"] == stored.version
        assert response["ETag"] == f'"{stored.version}"'
    if resource.detail:
        again = client.get(resource.url(resource.key_of(body)))
        assert again.status_code == 200, again.content
        assert again.json() == body


@pytest.mark.parametrize(
    "resource", resources(lambda r: r.create_payload is not None and not r.not_idempotent)
)
def test_idempotency_key_replays_the_first_result(world, resource):
    client = world.client(resource.writer)
    payload = resource.create_payload(new_tag())
    headers = {"Idempotency-Key": f"retry-{new_tag()}"}
    first = client.post(resource.url(), payload, headers=headers)
    assert first.status_code == 201, first.content
    count = resource.model.objects.count()

    again = client.post(resource.url(), payload, headers=headers)

    assert again.status_code == 201, again.content
    assert again.json() == first.json()
    assert resource.model.objects.count() == count


@pytest.mark.parametrize(
    "resource", resources(lambda r: r.create_payload is not None and not r.not_idempotent)
)
def test_idempotency_key_with_another_body_is_422(world, resource):
    client = world.client(resource.writer)
    headers = {"Idempotency-Key": f"retry-{new_tag()}"}
    first = client.post(resource.url(), resource.create_payload(new_tag()), headers=headers)
    assert first.status_code == 201, first.content
    count = resource.model.objects.count()

    again = client.post(resource.url(), resource.create_payload(new_tag()), headers=headers)

    assert_error(again, 422, "idempotency_key_reused")
    assert resource.model.objects.count() == count


@pytest.mark.parametrize(
    "resource", resources(lambda r: r.create_payload is not None and not r.not_idempotent)
)
def test_the_same_idempotency_key_of_another_user_is_independent(world, resource):
    key = {"Idempotency-Key": f"shared-{new_tag()}"}
    first = world.client(resource.writer).post(
        resource.url(), resource.create_payload(new_tag()), headers=key
    )
    assert first.status_code == 201, first.content
    client = api_client_for(another(world, resource.writer), scopes=ROLE_SCOPES[resource.writer])

    second = client.post(resource.url(), resource.create_payload(new_tag()), headers=key)

    assert second.status_code == 201, second.content
    assert resource.key_of(second.json()) != resource.key_of(first.json())


# --- patch ---------------------------------------------------------------------------------

HOW = [pytest.param("if-match", id="if-match"), pytest.param("body", id="body-version")]


def _precondition(how: str, version: int, payload: dict) -> tuple[dict, dict]:
    if how == "if-match":
        return payload, {"If-Match": f'"{version}"'}
    return {**payload, "version": version}, {}


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize("resource", resources(lambda r: r.patch_payload is not None))
def test_patch_with_the_current_version_applies_and_bumps_it(world, resource, how):
    obj = made_for(world, resource, resource.writer)
    client = world.client(resource.writer)
    version = current_version(client, resource, obj)
    payload = resource.patch_payload(new_tag())
    body, headers = _precondition(how, version, payload)

    response = client.patch(resource.url(resource.key_of(obj)), body, headers=headers)

    assert response.status_code == 200, response.content
    result = response.json()
    assert result["version"] == version + 1
    assert response["ETag"] == f'"{version + 1}"'
    for name, value in payload.items():
        assert result[name] == value, name
    obj.refresh_from_db()
    assert obj.version == version + 1


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize("resource", resources(lambda r: r.patch_payload is not None))
def test_patch_with_a_stale_version_is_412_and_changes_nothing(world, resource, how):
    obj = made_for(world, resource, resource.writer)
    client = world.client(resource.writer)
    url = resource.url(resource.key_of(obj))
    stale = current_version(client, resource, obj)
    body, headers = _precondition(how, stale, resource.patch_payload(new_tag()))
    assert client.patch(url, body, headers=headers).status_code == 200  # someone else's edit
    before = row(obj)

    body, headers = _precondition(how, stale, resource.patch_payload(new_tag()))
    response = client.patch(url, body, headers=headers)

    error = assert_error(response, 412, "stale_version", field="version")
    assert error["current_version"] == stale + 1
    assert row(obj) == before


@pytest.mark.parametrize("resource", resources(lambda r: r.patch_payload is not None))
@pytest.mark.parametrize("value", ["abc", '"1.5"', "*"])
def test_a_garbled_if_match_is_422(world, resource, value):
    obj = made_for(world, resource, resource.writer)
    before = row(obj)

    response = world.client(resource.writer).patch(
        resource.url(resource.key_of(obj)),
        resource.patch_payload(new_tag()),
        headers={"If-Match": value},
    )

    assert_error(response, 422, "validation_error", field="If-Match")
    assert row(obj) == before


@pytest.mark.parametrize("resource", resources(lambda r: r.illegal_patch is not None))
def test_an_illegal_transition_is_409_listing_the_allowed_states(world, resource):
    role, body = resource.illegal_patch
    obj = made_for(world, resource, role)
    before = row(obj)

    response = world.client(role).patch(resource.url(resource.key_of(obj)), body)

    error = assert_error(response, 409, "illegal_transition", field="status")
    allowed = error["allowed"]
    assert isinstance(allowed, list), error
    assert all(isinstance(state, str) for state in allowed), error
    assert body["status"] not in allowed
    assert row(obj) == before


# --- bad input -----------------------------------------------------------------------------


def _target(
    world, resource: Resource, op: str, owner: str = ""
) -> tuple[models.Model | None, str | None]:
    """The record ``op`` addresses (None for collection operations), made for ``owner``."""
    if op in ("list", "create"):
        return None, None
    obj = made_for(world, resource, owner or resource.writer)
    return obj, resource.key_of(obj)


def _unchanged(resource: Resource, obj: models.Model | None, before: Any) -> None:
    if obj is None:
        assert resource.model.objects.count() == before
    else:
        assert row(obj) == before


def _state(resource: Resource, obj: models.Model | None) -> Any:
    return resource.model.objects.count() if obj is None else row(obj)


@pytest.mark.parametrize(("resource", "op"), resource_ops(("create", "patch")))
def test_an_unknown_field_is_422_naming_it(world, resource, op):
    client = world.client(resource.writer)
    obj, key = _target(world, resource, op)
    before = _state(resource, obj)
    payload = resource.create_payload if op == "create" else resource.patch_payload
    body = {**payload(new_tag()), "no_such_field": "x"}

    response = send(client, resource, op, key=key, data=body)

    assert_error(response, 422, "validation_error", field="no_such_field")
    _unchanged(resource, obj, before)


@pytest.mark.parametrize(("resource", "op"), resource_ops(("create", "patch")))
@pytest.mark.parametrize(
    "raw", [pytest.param('{"name": ', id="truncated"), pytest.param("{'a': 1}", id="quotes")]
)
def test_malformed_json_is_400(world, resource, op, raw):
    client = world.client(resource.writer)
    obj, key = _target(world, resource, op)
    before = _state(resource, obj)

    response = send(client, resource, op, key=key, data=raw)

    assert_error(response, 400, "malformed_json")
    _unchanged(resource, obj, before)


# --- authentication and authorisation ------------------------------------------------------


def _expired_token(world) -> str:
    token, raw = token_create(
        Actor.system("contract"),
        user=world.users["admin"],
        name="soon expired",
        scopes=["read", "write", "admin"],
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    type(token).objects.filter(pk=token.pk).update(expires_at=timezone.now())
    return raw


def _revoked_token(world) -> str:
    token, raw = token_create(
        Actor.system("contract"),
        user=world.users["admin"],
        name="revoked",
        scopes=["read", "write", "admin"],
    )
    token_revoke(Actor(user=world.users["admin"]), token_id=token.id)
    return raw


def _inactive_user_token(world) -> str:
    _, raw = token_create(
        Actor.system("contract"), user=world.users["admin"], name="gone", scopes=["read"]
    )
    type(world.users["admin"]).objects.filter(pk=world.users["admin"].pk).update(is_active=False)
    return raw


CREDENTIALS = {
    "none": lambda world: None,
    "unknown-token": lambda world: "stw_not-a-real-token",
    "not-a-steward-token": lambda world: "abc",
    "expired-token": _expired_token,
    "revoked-token": _revoked_token,
    "inactive-user": _inactive_user_token,
}


def _credential_cases() -> list:
    """No credentials on every operation; each kind of dead token on a read and a write
    of every resource (authentication is one gate, in front of every route)."""
    cases = [
        pytest.param(r, op, "none", id=f"{r.name}-{op}-none") for r in RESOURCES for op in r.ops
    ]
    for r in RESOURCES:
        first_write = [op for op in r.ops if op in WRITES][:1]
        cases += [
            pytest.param(r, op, kind, id=f"{r.name}-{op}-{kind}")
            for op in ["list", *first_write]
            for kind in CREDENTIALS
            if kind != "none"
        ]
    return cases


@pytest.mark.parametrize(("resource", "op", "credentials"), _credential_cases())
def test_without_valid_credentials_is_401(world, resource, op, credentials):
    client = ApiClient(CREDENTIALS[credentials](world))
    obj, key = _target(world, resource, op)
    before = _state(resource, obj)

    response = send(client, resource, op, key=key)

    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")
    _unchanged(resource, obj, before)


@pytest.mark.parametrize(("resource", "op"), resource_ops(WRITES))
def test_a_read_only_token_cannot_write(world, resource, op):
    client = world.client(resource.writer, scopes=("read",))
    assert client.get(resource.url()).status_code == 200  # the token itself is good
    obj, key = _target(world, resource, op)
    before = _state(resource, obj)

    response = send(client, resource, op, key=key)

    assert_error(response, 403, "permission_denied")
    _unchanged(resource, obj, before)


@pytest.mark.parametrize(
    ("resource", "op"), resource_ops(("create", "patch"), lambda r: RANK[r.reader] < RANK[r.writer])
)
def test_a_role_below_the_writer_cannot_write(world, resource, op):
    client = world.client(resource.reader)
    obj, key = _target(world, resource, op)
    before = _state(resource, obj)
    if key is not None and resource.detail:
        assert client.get(resource.url(key)).status_code == 200  # sees it, may not change it

    response = send(client, resource, op, key=key)

    assert_error(response, 403, "permission_denied")
    _unchanged(resource, obj, before)


@pytest.mark.parametrize(("resource", "op"), resource_ops(WRITES, lambda r: r.writer == "admin"))
def test_an_admin_token_without_admin_scope_is_no_admin(world, resource, op):
    """A token never exceeds its scopes: an administrator's read/write token acts as an agent.

    The record is another organisation's agent's (an unrestricted agent sees it, but it is
    neither the administrator's own profile nor a team they lead)."""
    client = world.client("admin", scopes=("read", "write"))
    obj, key = _target(world, resource, op, owner="stranger")
    before = _state(resource, obj)

    response = send(client, resource, op, key=key)

    assert_error(response, 403, "permission_denied")
    _unchanged(resource, obj, before)
