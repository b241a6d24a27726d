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
    # (the list's own statement names each row's people by subqueries on core_user: that
    # is the page, not the authentication, so it is set apart by the table it reads)
    auth = [s for s in sql if not s.startswith('SELECT "incidents_incident"')]
    assert not [s for s in auth if any(r in s for r in reads)], sql
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


def listed(api) -> set[str]:
    response = api.get("/api/v1/incidents")
    assert response.status_code == 200, response.content
    return {row["number"] for row in response.json()["items"]}


@pytest.fixture
def elses():
    """An incident someone else raised: agents see it, a requester does not."""
    from steward.incidents.services import incident_create

    return incident_create(as_actor(factories.admin(username="root")), title="Not ada's").number


def test_a_role_removed_ends_a_warm_token_at_once(elses):
    """A token begun under a role the user no longer holds ends with it (user_update)."""
    api = api_client_for(factories.agent(username="ada"))
    assert elses in listed(api)
    assert elses in listed(api)  # warm
    root = as_actor(User.objects.get(username="root"))
    user_update(root, username="ada", expected_version=None, changes={"roles": ["requester"]})
    assert api.get(ME).status_code == 401


def test_a_role_gained_reaches_a_warm_cache_at_once(elses):
    api = api_client_for(factories.requester(username="ada"))
    assert elses not in listed(api)
    assert elses not in listed(api)  # warm
    root = as_actor(User.objects.get(username="root"))
    changes = {"roles": ["requester", "agent"]}
    user_update(root, username="ada", expected_version=None, changes=changes)
    assert elses in listed(api)


def test_a_role_change_in_another_process_is_seen_through_the_stamp_alone(elses):
    user = factories.agent(username="ada")
    api = api_client_for(user)
    assert elses in listed(api)
    with connection.cursor() as cursor:  # what the other process committed
        cursor.execute(
            "UPDATE core_user_groups SET group_id ="
            " (SELECT id FROM auth_group WHERE name = 'requester') WHERE user_id = %s",
            [user.pk],
        )
    assert elses in listed(api)  # no stamp moved: this process trusts its cache
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_cachestamp SET version = version + 7 WHERE name = 'auth'")
    assert elses not in listed(api)


@pytest.mark.parametrize(
    "change",
    [
        "UPDATE core_user SET password = 'pbkdf2_sha256$1$x$y', credentials_changed_at = %s"
        " WHERE id = %s",
        "UPDATE core_user SET is_active = FALSE, credentials_changed_at = %s WHERE id = %s",
    ],
    ids=["password", "deactivation"],
)
def test_a_password_change_or_deactivation_elsewhere_is_seen_through_the_stamp(change):
    """What user_update or a password change commits in another process: the row and the
    auth stamp, no signal here."""
    from django.utils import timezone

    user = factories.agent(username="ada")
    api = api_client_for(user)
    assert api.get(ME).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute(change, [timezone.now(), user.pk])
    assert api.get(ME).status_code == 200  # no stamp moved: this process trusts its cache
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_cachestamp SET version = version + 7 WHERE name = 'auth'")
    assert api.get(ME).status_code == 401
