"""Bearer tokens: hashed at rest, scoped, expiring, revocable; bad ones are a 401."""

import datetime as dt

import pytest
from django.utils import timezone

from steward.core.actor import Actor
from steward.core.models import ApiToken
from steward.core.services import token_create, token_revoke
from steward.core.tokens import digest
from tests.conftest import ApiClient, as_actor

pytestmark = pytest.mark.django_db


def test_only_the_digest_is_stored(agent_user):
    token, raw = token_create(as_actor(agent_user), name="ci", scopes=["read"])
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.digest == digest(raw)
    assert raw not in {stored.digest, stored.prefix, stored.name}
    assert ApiClient(raw).get("/api/v1/users/me").json()["username"] == "agent1"


@pytest.mark.parametrize(
    "header",
    ["Bearer stw_not-a-real-token", "Bearer ", "Basic YWdlbnQ6cHc=", "Bearer garbage"],
    ids=["unknown", "empty", "basic", "no-prefix"],
)
def test_bad_credentials_are_401_with_the_error_shape(anon_api, agent_user, header):
    response = anon_api.get("/api/v1/users/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert set(response.json()["error"]) >= {"code", "message", "fields"}


def test_expired_token_is_refused(agent_user):
    token, raw = token_create(
        as_actor(agent_user),
        name="short",
        scopes=["read"],
        expires_at=timezone.now() + dt.timedelta(minutes=1),
    )
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(1))
    assert ApiClient(raw).get("/api/v1/users/me").status_code == 401


def test_revoked_token_is_refused(agent_user):
    token, raw = token_create(as_actor(agent_user), name="old", scopes=["read"])
    token_revoke(as_actor(agent_user), token_id=token.pk)
    assert ApiClient(raw).get("/api/v1/users/me").status_code == 401


def test_token_of_a_deactivated_user_is_refused(agent_user):
    _, raw = token_create(as_actor(agent_user), name="t", scopes=["read"])
    agent_user.is_active = False
    agent_user.save()
    assert ApiClient(raw).get("/api/v1/users/me").status_code == 401


def test_read_token_cannot_write_anything(admin_user):
    _, raw = token_create(Actor.system("t"), user=admin_user, name="ro", scopes=["read"])
    client = ApiClient(raw)
    assert client.get("/api/v1/teams").status_code == 200
    response = client.post("/api/v1/teams", {"name": "Network"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert (
        client.post("/api/v1/tokens", {"name": "escalate", "scopes": ["write"]}).status_code == 403
    )


def test_admin_user_without_admin_scope_is_not_admin(admin_user):
    _, raw = token_create(Actor.system("t"), user=admin_user, name="rw", scopes=["read", "write"])
    client = ApiClient(raw)
    assert client.get("/api/v1/audit").status_code == 403
    assert client.post("/api/v1/teams", {"name": "Network"}).status_code == 403


def test_token_cannot_exceed_its_user(agent_api):
    response = agent_api.post("/api/v1/tokens", {"name": "x", "scopes": ["admin"]})
    assert response.status_code in (403, 422)
    assert not ApiToken.objects.filter(name="x").exists()


def test_token_secret_is_shown_once_and_never_listed(agent_api):
    created = agent_api.post("/api/v1/tokens", {"name": "laptop", "scopes": ["read"]})
    assert created.status_code == 201
    raw = created.json()["token"]
    listing = agent_api.get("/api/v1/tokens")
    assert raw not in listing.content.decode()
    assert digest(raw) not in listing.content.decode()
    assert all("token" not in item and "digest" not in item for item in listing.json()["items"])


def test_last_used_is_recorded(agent_user):
    token, raw = token_create(as_actor(agent_user), name="t", scopes=["read"])
    ApiClient(raw).get("/api/v1/users/me")
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None


def test_unknown_scope_is_a_422_naming_scopes(agent_api):
    response = agent_api.post("/api/v1/tokens", {"name": "x", "scopes": ["root"]})
    assert response.status_code == 422
    assert "scopes" in response.json()["error"]["fields"]


def test_session_writes_need_csrf(agent_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(agent_user)
    assert client.get("/api/v1/users/me").status_code == 200
    response = client.post("/api/v1/tokens", {"name": "x"}, content_type="application/json")
    assert response.status_code in (401, 403)
    assert not ApiToken.objects.filter(name="x").exists()


def test_a_retried_token_create_is_refused_not_duplicated(agent_api):
    headers = {"Idempotency-Key": "laptop-setup"}
    first = agent_api.post("/api/v1/tokens", {"name": "laptop"}, headers=headers)
    again = agent_api.post("/api/v1/tokens", {"name": "laptop"}, headers=headers)
    assert first.status_code == 201
    assert again.status_code == 409
    assert first.json()["token"] not in again.content.decode()
    assert ApiToken.objects.filter(name="laptop").count() == 1
