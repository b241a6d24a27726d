"""Token authentication is cached per process; a password change, a revocation and a
deactivation reach every process at its next request, through the auth stamp in the database
(another process has its own cache: it sees only the database)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from steward.core import stamps
from steward.core.actor import Actor
from steward.core.models import ApiToken, User
from steward.core.services import token_authenticate, token_create, token_revoke, user_update
from steward.core.services.tokens import _seen
from tests import factories
from tests.conftest import api_client_for, as_actor

pytestmark = pytest.mark.django_db

ME = "/api/v1/users/me"


def test_a_warm_token_costs_one_statement_for_every_cache():
    api = api_client_for(factories.agent(username="ada"))
    api.get("/api/v1/incidents")
    with CaptureQueriesContext(connection) as captured:
        assert api.get("/api/v1/incidents").status_code == 200
    sql = [q["sql"] for q in captured.captured_queries]
    # no token, user, role or served-organisation read: one statement reads every stamp
    reads = ("core_apitoken", 'FROM "core_user"', "auth_group", "served_organisations")
    assert not [s for s in sql if any(r in s for r in reads)], sql
    assert sum("core_cachestamp" in s for s in sql) == 1


def test_a_password_change_reaches_a_warm_cache_at_once():
    user = factories.agent(username="ada")
    api = api_client_for(user)
    assert api.get(ME).status_code == 200
    before = stamps.current()[stamps.AUTH]
    user = User.objects.get(pk=user.pk)
    user.set_password("a-new-long-passphrase")
    user.save()
    assert stamps.current()[stamps.AUTH] != before
    assert api.get(ME).status_code == 401


def test_a_revocation_reaches_a_warm_cache_at_once():
    user = factories.agent(username="ada")
    api = api_client_for(user)
    assert api.get(ME).status_code == 200
    token = ApiToken.objects.get(user=user)
    token_revoke(as_actor(user), token_id=token.pk)
    assert api.get(ME).status_code == 401


def test_a_deactivation_reaches_a_warm_cache_at_once():
    user = factories.agent(username="ada")
    api = api_client_for(user)
    assert api.get(ME).status_code == 200
    admin = factories.admin(username="root")
    user_update(
        as_actor(admin), username="ada", expected_version=None, changes={"is_active": False}
    )
    assert api.get(ME).status_code == 401


def test_another_process_change_is_seen_through_the_stamp_alone():
    """The write happens elsewhere: here only its rows and its stamp change, no signal runs."""
    user = factories.agent(username="ada")
    api = api_client_for(user)
    assert api.get(ME).status_code == 200
    assert _seen  # warm
    with connection.cursor() as cursor:  # what the other process committed
        cursor.execute(
            "UPDATE core_apitoken SET revoked_at = created_at WHERE user_id = %s", [user.pk]
        )
    assert api.get(ME).status_code == 200  # no stamp moved: this process trusts its cache
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_cachestamp SET version = version + 7 WHERE name = 'auth'")
    assert api.get(ME).status_code == 401


def test_each_request_gets_its_own_copy_of_the_cached_user():
    user = factories.agent(username="ada")
    _, raw = token_create(Actor.system("tests"), user=user, name="t", scopes=["read"])
    first = token_authenticate(raw)
    first.user.phone = "changed by a service"
    second = token_authenticate(raw)
    assert second.user.phone == ""
    assert second.user.role_names == {"agent"}
    assert second.user is not first.user
