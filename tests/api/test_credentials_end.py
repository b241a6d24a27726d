"""Credentials end with their reason: a password change, a deactivation, a reactivation and a
role removal end every API token and session issued before them (docs/security.md)."""

import pytest
from django.test import Client

from steward.core.models import User
from steward.core.services import user_update
from tests import factories
from tests.conftest import api_client_for, as_actor
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.django_db

ME = "/api/v1/users/me"


def signed_in_session(user) -> Client:
    client = Client()
    assert (
        client.post("/login/", {"username": user.username, "password": PASSWORD}).status_code == 302
    )
    assert client.get("/").status_code == 200
    return client


def set_active(user, active: bool) -> None:
    admin = factories.admin(username=f"root{int(active)}")
    user_update(
        as_actor(admin),
        username=user.username,
        expected_version=None,
        changes={"is_active": active},
    )


def test_a_password_change_ends_api_tokens_and_sessions():
    user = factories.agent(username="ada")
    api, browser = api_client_for(user), signed_in_session(user)
    assert api.get(ME).status_code == 200

    user = User.objects.get(pk=user.pk)
    user.set_password("a-new-long-passphrase")
    user.save()

    assert api.get(ME).status_code == 401
    assert browser.get("/").status_code == 302
    assert api_client_for(user).get(ME).status_code == 200  # a token issued after it works


def test_reactivating_a_user_revives_no_old_token_or_session():
    user = factories.agent(username="ada")
    api, browser = api_client_for(user), signed_in_session(user)

    set_active(user, False)
    assert api.get(ME).status_code == 401
    set_active(user, True)

    assert api.get(ME).status_code == 401
    assert browser.get("/").status_code == 302
    assert api_client_for(user).get(ME).status_code == 200
    assert signed_in_session(user).get("/").status_code == 200


def test_reactivating_through_the_django_admin_revives_no_old_token():
    admin_client = Client()
    admin_client.force_login(factories.admin(username="op", is_staff=True, is_superuser=True))
    user = factories.agent(username="ada")
    api = api_client_for(user)
    for active in (False, True):
        user.refresh_from_db()
        user.is_active = active
        response = admin_client.post(
            f"/admin/core/user/{user.pk}/change/", admin_form(user), follow=False
        )
        assert response.status_code == 302, response.content[:2000]
        assert response.url == "/admin/core/user/"

    assert User.objects.get(pk=user.pk).is_active
    assert api.get(ME).status_code == 401


def test_removing_a_role_ends_api_tokens_and_sessions():
    user = factories.UserFactory(username="ada", roles=["agent", "change_manager"])
    api, browser = api_client_for(user), signed_in_session(user)
    assert api.get(ME).status_code == 200

    set_roles(user, ["agent"])

    assert api.get(ME).status_code == 401
    assert browser.get("/").status_code == 302
    assert api_client_for(user).get(ME).json()["roles"] == ["agent"]  # a new token works
    assert signed_in_session(user).get("/").status_code == 200


def test_adding_a_role_keeps_api_tokens_and_sessions():
    user = factories.agent(username="ada")
    api, browser = api_client_for(user), signed_in_session(user)

    set_roles(user, ["agent", "change_manager"])

    assert api.get(ME).status_code == 200
    assert browser.get("/").status_code == 200


def test_removing_a_role_through_the_django_admin_ends_api_tokens_and_sessions():
    admin_client = Client()
    admin_client.force_login(factories.admin(username="op", is_staff=True, is_superuser=True))
    user = factories.UserFactory(username="ada", roles=["agent", "change_manager"])
    api, browser = api_client_for(user), signed_in_session(user)
    form = admin_form(user)
    form["groups"] = [g.pk for g in user.groups.exclude(name="change_manager")]

    response = admin_client.post(f"/admin/core/user/{user.pk}/change/", form)

    assert response.status_code == 302, response.content[:2000]
    assert sorted(User.objects.get(pk=user.pk).role_names) == ["agent"]
    assert api.get(ME).status_code == 401
    assert browser.get("/").status_code == 302


def test_the_django_admin_keeps_credentials_when_no_role_is_removed():
    admin_client = Client()
    admin_client.force_login(factories.admin(username="op", is_staff=True, is_superuser=True))
    user = factories.agent(username="ada")
    api = api_client_for(user)
    form = admin_form(user) | {"phone": "+49 30 2"}

    response = admin_client.post(f"/admin/core/user/{user.pk}/change/", form)

    assert response.status_code == 302, response.content[:2000]
    assert User.objects.get(pk=user.pk).phone == "+49 30 2"
    assert api.get(ME).status_code == 200


def set_roles(user, roles: list[str]) -> None:
    admin = factories.admin(username="root-roles")
    user_update(
        as_actor(admin), username=user.username, expected_version=None, changes={"roles": roles}
    )


def test_an_unchanged_password_keeps_tokens_and_sessions():
    user = factories.agent(username="ada")
    api, browser = api_client_for(user), signed_in_session(user)
    user_update(
        as_actor(user), username="ada", expected_version=None, changes={"phone": "+49 30 1"}
    )
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)
    assert api.get(ME).status_code == 200
    assert browser.get("/").status_code == 200


def admin_form(user) -> dict:
    """The change form of the Django admin as a browser would post it."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_staff": "on" if user.is_staff else "",
        "is_superuser": "",
        "language": user.language,
        "time_zone": user.time_zone,
        "phone": user.phone,
        "email_notifications": "on",
        "groups": [g.pk for g in user.groups.all()],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
    if user.is_active:
        data["is_active"] = "on"
    return {k: v for k, v in data.items() if v != ""}
