"""The signed-in browser's session and user come from a per-process cache (steward/core/
sessions.py). A password change, a deactivation, a role change and a sign-out are refused or
seen at the very next request, in this process (the write's own signals) and in any other:
there only the rows and the stamps move ("another process" below changes them with plain SQL
and runs no signal, so the stamp alone carries the change). Expired sessions are never served.
"""

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from steward.core import sessions, stamps
from steward.core.models import User
from steward.core.services import user_update
from tests import factories
from tests.conftest import as_actor

pytestmark = pytest.mark.django_db

ME = "/api/v1/users/me"
HOME = "/"
# what Django reads per page without the cache: the session, the user, its roles and
# served organisations
READS = ('FROM "django_session"', 'FROM "core_user"', "auth_group", "served_organisations")


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def sql_of(client: Client, path: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    return response.status_code, [q["sql"] for q in captured.captured_queries]


def signed_out(client: Client) -> bool:
    response = client.get(HOME)
    return response.status_code == 302 and response["Location"].startswith("/login/")


def another_process(sql: str, params: list, *moved: str) -> None:
    """What another process committed: its rows, and (if given) the stamps it moved."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for name in moved:
            cursor.execute(
                "UPDATE core_cachestamp SET version = version + 7 WHERE name = %s", [name]
            )


@pytest.fixture
def ada():
    return factories.agent(username="ada")


def test_a_warm_session_reads_no_session_user_role_or_organisation(ada):
    client = signed_in(ada)
    assert client.get(HOME).status_code == 200  # the first request fills the caches
    status, sql = sql_of(client, HOME)
    assert status == 200
    assert not [s for s in sql if any(read in s for read in READS)], sql
    assert sum("core_cachestamp" in s for s in sql) == 1
    assert client.get(ME).json()["username"] == "ada"  # the API's session auth: the same user


def test_each_request_gets_its_own_copy_of_the_cached_user(ada):
    first, auth_hash = sessions.cached_user(ada.pk)
    first.phone = "changed by a view"
    second, again = sessions.cached_user(ada.pk)
    assert second is not first
    assert second.phone == ""
    assert again == auth_hash
    assert second.role_names == {"agent"}


def test_a_password_change_signs_the_session_out_at_once(ada):
    client = signed_in(ada)
    assert client.get(HOME).status_code == 200
    user = User.objects.get(pk=ada.pk)
    user.set_password("a-new-long-passphrase")
    user.save()
    assert signed_out(client)


def test_a_password_change_in_another_process_is_seen_through_the_stamp(ada):
    client = signed_in(ada)
    assert client.get(HOME).status_code == 200
    change = "UPDATE core_user SET password = %s, credentials_changed_at = %s WHERE id = %s"
    params = ["pbkdf2_sha256$1$x$y", timezone.now(), ada.pk]
    another_process(change, params)
    assert client.get(HOME).status_code == 200  # no stamp moved: the cache is trusted
    another_process("SELECT 1", [], stamps.AUTH)
    assert signed_out(client)


def test_a_deactivation_signs_the_session_out_at_once(ada):
    client = signed_in(ada)
    assert client.get(HOME).status_code == 200
    admin = factories.admin(username="root")
    user_update(
        as_actor(admin), username="ada", expected_version=None, changes={"is_active": False}
    )
    assert signed_out(client)


def test_a_deactivation_in_another_process_is_seen_through_the_stamp(ada):
    client = signed_in(ada)
    assert client.get(HOME).status_code == 200
    # is_active alone (the session hash unchanged): the cache's own activity check refuses
    another_process("UPDATE core_user SET is_active = %s WHERE id = %s", [False, ada.pk])
    assert client.get(HOME).status_code == 200
    another_process("SELECT 1", [], stamps.AUTH)
    assert signed_out(client)


def works_as_agent(client: Client) -> bool:
    """The queue page offers the agents' tabs to agents only (request.user's roles)."""
    return b"My teams" in client.get("/incidents/").content


def test_a_role_change_is_seen_at_the_next_request(ada):
    client = signed_in(ada)
    assert works_as_agent(client)
    admin = factories.admin(username="root")
    user_update(
        as_actor(admin), username="ada", expected_version=None, changes={"roles": ["requester"]}
    )
    assert not works_as_agent(client)


def test_a_role_change_in_another_process_is_seen_through_the_stamp(ada):
    client = signed_in(ada)
    assert works_as_agent(client)
    requester = "(SELECT id FROM auth_group WHERE name = 'requester')"
    another_process(
        f"UPDATE core_user_groups SET group_id = {requester} WHERE user_id = %s", [ada.pk]
    )
    assert works_as_agent(client)
    another_process("SELECT 1", [], stamps.AUTH)
    assert not works_as_agent(client)


def test_a_signed_out_session_is_refused_at_once_everywhere(ada):
    """Two browsers' worth of requests on one session: the sign-out in one ends the other."""
    browser = signed_in(ada)
    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = browser.cookies[settings.SESSION_COOKIE_NAME]
    assert thief.get(HOME).status_code == 200  # the session is cached now
    before = stamps.current()[stamps.SESSIONS]
    assert browser.post("/logout/").status_code == 302
    assert stamps.current()[stamps.SESSIONS] != before  # what other processes read
    assert signed_out(thief)


def test_a_session_deleted_by_another_process_is_refused_through_the_stamp(ada):
    client = signed_in(ada)
    assert client.get(HOME).status_code == 200
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    another_process("DELETE FROM django_session WHERE session_key = %s", [key])
    assert client.get(HOME).status_code == 200  # no stamp moved: the cache is trusted
    another_process("SELECT 1", [], stamps.SESSIONS)
    assert signed_out(client)


def test_a_session_changed_elsewhere_is_read_again(ada):
    client = signed_in(ada)
    assert client.get(HOME).status_code == 200
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    store = sessions.SessionStore(key)
    store["note"] = "kept by a page"
    before = stamps.current()[stamps.SESSIONS]
    store.save()
    assert stamps.current()[stamps.SESSIONS] != before
    assert sessions.SessionStore(key)["note"] == "kept by a page"


def test_an_expired_session_is_never_served_from_the_cache(ada, monkeypatch):
    client = signed_in(ada)
    assert client.get(HOME).status_code == 200  # cached with its expiry
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    expiry = sessions._sessions[key][1]
    later = expiry + dt.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    status, sql = sql_of(client, HOME)
    assert status == 302  # to the sign-in page
    assert [s for s in sql if 'FROM "django_session"' in s]  # asked the database, not the cache


def test_a_new_session_row_moves_no_stamp(ada):
    before = stamps.current()[stamps.SESSIONS]
    store = sessions.SessionStore()
    store.create()
    assert stamps.current()[stamps.SESSIONS] == before  # no process can hold the new key
    store["note"] = "kept"
    store.save()
    assert stamps.current()[stamps.SESSIONS] != before  # a change to a row that existed


def test_a_team_change_reaches_the_filter_bar_at_the_next_request(ada):
    """The team list and the agent's memberships are cached under the teams stamp."""
    client = signed_in(ada)
    assert b"Night shift" not in client.get("/incidents/").content
    team = factories.TeamFactory(name="Night shift", members=[])
    assert b"Night shift" in client.get("/incidents/").content
    team.members.add(ada)
    from steward.core.selectors.queues import _memberships

    client.get("/incidents/")
    assert team.pk in _memberships[ada.pk][1]


def my_teams_queue(client: Client) -> str:
    return client.get("/incidents/?queue=my_teams").content.decode()


@pytest.fixture
def night_work(ada):
    """A team ada is not in yet, with an open incident of its own."""
    from steward.core.services import team_create
    from steward.incidents.services import incident_create

    root = as_actor(factories.admin(username="root"))
    team_create(root, name="Night shift", slug="night")
    return root, incident_create(root, title="Backup failed", team="night").number


def test_joining_and_leaving_a_team_reach_my_teams_at_the_next_request(ada, night_work):
    from steward.core.services import team_add_member, team_remove_member

    root, number = night_work
    client = signed_in(ada)
    assert number not in my_teams_queue(client)
    assert number not in my_teams_queue(client)  # warm: her memberships are cached
    team_add_member(root, slug="night", username="ada")
    assert number in my_teams_queue(client)
    team_remove_member(root, slug="night", username="ada")
    assert number not in my_teams_queue(client)


def test_a_membership_added_by_another_process_is_seen_through_the_stamp(ada, night_work):
    _, number = night_work
    client = signed_in(ada)
    assert number not in my_teams_queue(client)
    another_process(
        "INSERT INTO core_team_members (team_id, user_id)"
        " SELECT id, %s FROM core_team WHERE slug = 'night'",
        [ada.pk],
    )
    assert number not in my_teams_queue(client)  # no stamp moved: the cache is trusted
    another_process("SELECT 1", [], stamps.TEAMS)
    assert number in my_teams_queue(client)
