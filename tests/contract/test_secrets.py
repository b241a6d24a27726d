"""Secrets are write-only: a token's raw value is shown once, at creation, and never again;
neither it nor its digest nor a password appears in any later response or record."""

from __future__ import annotations

import json

import pytest

from steward.core.models import ApiToken, AuditEntry, OutboxMessage, User
from tests.conftest import ApiClient
from tests.contract.shape import assert_error, assert_page


@pytest.fixture
def issued(world):
    """A token the agent issued to themselves through the API: (client, response body)."""
    client = world.client("agent")
    response = client.post("/api/v1/tokens", {"name": "laptop", "scopes": ["read", "write"]})
    assert response.status_code == 201, response.content
    return client, response.json()


def _everything_readable(world, client: ApiClient, token_id: int) -> dict[str, bytes]:
    """Every response that could mention the token, as its owner and as an administrator."""
    admin = world.client("admin")
    return {
        "own tokens": client.get("/api/v1/tokens").content,
        "own tokens, one per page": client.get("/api/v1/tokens", {"limit": 1}).content,
        "me": client.get("/api/v1/users/me").content,
        "audit": admin.get("/api/v1/audit", {"limit": 500}).content,
        "audit of the token": admin.get(
            "/api/v1/audit", {"object_type": "core.apitoken", "object_id": str(token_id)}
        ).content,
        "revoke": client.delete(f"/api/v1/tokens/{token_id}").content,
        "tokens after revoking": client.get("/api/v1/tokens").content,
    }


def test_creating_a_token_shows_the_raw_value_once_and_it_works(issued):
    client, body = issued
    raw = body["token"]

    assert raw.startswith("stw_")
    assert body["prefix"] == raw[:10]
    assert body["scopes"] == ["read", "write"]
    me = ApiClient(raw).get("/api/v1/users/me")
    assert me.status_code == 200, me.content
    assert me.json()["username"] == "w-agent"


def test_no_later_response_carries_the_raw_token_or_its_digest(world, issued):
    client, body = issued
    stored = ApiToken.objects.get(pk=body["id"])
    listed = assert_page(client.get("/api/v1/tokens"))
    (item,) = [t for t in listed["items"] if t["id"] == body["id"]]

    responses = _everything_readable(world, client, body["id"])

    assert stored.digest != body["token"]
    assert not {"token", "digest"} & set(item), item
    assert item["prefix"] == body["prefix"]
    for name, content in responses.items():
        text = content.decode()
        assert body["token"] not in text, name
        assert stored.digest not in text, name
    assert json.loads(responses["revoke"])["revoked_at"] is not None  # the calls did run


def test_no_stored_record_keeps_the_raw_token(issued):
    _, body = issued

    stored = [
        json.dumps(list(ApiToken.objects.values()), default=str),
        json.dumps(list(AuditEntry.objects.values("changes")), default=str),
        json.dumps(list(OutboxMessage.objects.values("payload")), default=str),
    ]

    assert all(body["token"] not in text for text in stored)


def test_a_revoked_token_stops_working_and_revoking_again_changes_nothing(issued):
    client, body = issued
    token = ApiClient(body["token"])
    assert token.get("/api/v1/users/me").status_code == 200

    first = client.delete(f"/api/v1/tokens/{body['id']}")
    again = client.delete(f"/api/v1/tokens/{body['id']}")

    assert first.status_code == 200, first.content
    assert first.json()["revoked_at"] is not None
    assert again.status_code == 200, again.content
    assert again.json()["revoked_at"] == first.json()["revoked_at"]
    assert_error(token.get("/api/v1/users/me"), 401, "not_authenticated")
    assert AuditEntry.objects.filter(object_id=str(body["id"]), action="update").count() == 1


@pytest.mark.parametrize(
    ("role", "token_scopes", "asked"),
    [
        pytest.param("agent", ("read", "write"), ["admin"], id="write-token-asks-admin"),
        pytest.param("admin", ("read", "write"), ["admin"], id="admins-write-token-asks-admin"),
    ],
)
def test_a_token_cannot_issue_a_token_beyond_its_own_scopes(world, role, token_scopes, asked):
    client = world.client(role, scopes=token_scopes)
    count = ApiToken.objects.count()

    response = client.post("/api/v1/tokens", {"name": "wider", "scopes": asked})

    assert_error(response, 403, "permission_denied", field="scopes")
    assert ApiToken.objects.count() == count


def test_a_user_without_the_admin_role_gets_no_admin_scope_even_from_a_session(world):
    client = ApiClient()
    client.force_login(world.users["agent"])
    count = ApiToken.objects.count()

    response = client.post("/api/v1/tokens", {"name": "sneaky", "scopes": ["admin"]})

    assert_error(response, 422, "validation_error", field="scopes")
    assert ApiToken.objects.count() == count


def test_a_password_set_at_creation_never_comes_back(world):
    password = "Correct-Horse-Battery-42"
    admin = world.client("admin")

    created = admin.post(
        "/api/v1/users", {"username": "with-password", "password": password, "roles": ["agent"]}
    )
    shown = admin.get("/api/v1/users/with-password")
    listed = admin.get("/api/v1/users", {"q": "with-password"})

    assert created.status_code == 201, created.content
    stored = User.objects.get(username="with-password")
    assert stored.check_password(password)
    for response in (created, shown, listed):
        assert password not in response.content.decode()
        assert stored.password not in response.content.decode()
        assert b'"password"' not in response.content
    audit = json.dumps(list(AuditEntry.objects.values("changes")), default=str)
    assert password not in audit
    assert stored.password not in audit
