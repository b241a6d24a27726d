"""Signing in and out: throttling, no account enumeration, no open redirect."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.test import Client

from tests import factories
from tests.web.conftest import PASSWORD, without_csrf
from tests.web.html import elements

pytestmark = pytest.mark.django_db

LOGIN = "/login/"


def post_login(client: Client, username: str, password: str, *, address="10.0.0.1", next_=None):
    url = LOGIN if next_ is None else f"{LOGIN}?{urlencode({'next': next_})}"
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


def is_signed_in(client: Client) -> bool:
    return client.get("/").status_code == 200


def test_login_page_renders_a_form_without_the_navigation(client):
    response = client.get(LOGIN)

    assert response.status_code == 200
    assert b"Sign in to Steward" in response.content
    names = {e.attrs.get("name") for e in elements(response.content, "input")}
    assert {"csrfmiddlewaretoken", "username", "password"} <= names
    assert not elements(response.content, "nav")


def test_correct_password_signs_in_and_goes_home(client):
    factories.agent(username="ada")

    response = post_login(client, "ada", PASSWORD)

    assert response.status_code == 302
    assert response.url == "/"
    assert is_signed_in(client)


def test_signed_in_user_visiting_login_goes_home(client):
    client.force_login(factories.agent(username="ada"))
    response = client.get(LOGIN)
    assert response.status_code == 302
    assert response.url == "/"


def test_requesters_land_on_the_help_centre_agents_keep_their_home(client):
    factories.requester(username="rae")
    assert post_login(client, "rae", PASSWORD).url == "/help/"
    assert client.get(LOGIN).url == "/help/"  # already signed in: the same front door
    client.logout()
    # sent to sign in from the front door ("/"): their own front door
    assert post_login(client, "rae", PASSWORD, next_="/").url == "/help/"
    client.logout()
    assert post_login(client, "rae", PASSWORD, next_="/catalog/").url == "/catalog/"
    other = Client()
    factories.agent(username="ada")
    assert post_login(other, "ada", PASSWORD, next_="/").url == "/"


def test_wrong_password_and_unknown_user_look_the_same(client):
    factories.agent(username="ada")

    wrong_password = post_login(client, "ada", "not-the-password")
    unknown_user = post_login(client, "nobody", "not-the-password")

    assert wrong_password.status_code == unknown_user.status_code == 422
    assert b"Wrong username or password." in wrong_password.content
    # The form echoes the typed username; apart from that (and CSRF tokens) nothing differs.
    same_name = without_csrf(unknown_user.content).replace('value="nobody"', 'value="ada"')
    assert without_csrf(wrong_password.content) == same_name
    assert not is_signed_in(client)


@pytest.mark.parametrize("typed", ["ada", "ADA"], ids=["same-case", "other-case"])
def test_account_is_throttled_after_n_failures_even_from_many_addresses(client, settings, typed):
    factories.agent(username="ada")
    limit = settings.LOGIN_THROTTLE_COUNT

    statuses = [
        post_login(client, typed, "wrong", address=f"10.0.1.{i}").status_code for i in range(limit)
    ]
    throttled = post_login(client, "ada", PASSWORD, address="10.0.2.1")

    assert statuses == [422] * limit
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) == settings.LOGIN_THROTTLE_SECONDS
    assert b"Too many failed sign-ins" in throttled.content
    assert not is_signed_in(client)


def test_throttling_an_unknown_account_looks_like_throttling_a_real_one(client, settings):
    factories.agent(username="ada")
    for i in range(settings.LOGIN_THROTTLE_COUNT):
        post_login(client, "ada", "wrong", address=f"10.0.1.{i}")
        post_login(client, "nobody", "wrong", address=f"10.0.3.{i}")

    real = post_login(client, "ada", "wrong", address="10.0.4.1")
    unknown = post_login(client, "nobody", "wrong", address="10.0.4.2")

    assert real.status_code == unknown.status_code == 429
    assert without_csrf(real.content) == without_csrf(unknown.content).replace(
        'value="nobody"', 'value="ada"'
    )


def test_one_address_is_throttled_across_accounts(client, settings):
    factories.agent(username="ada")
    limit = settings.LOGIN_THROTTLE_COUNT

    # Each guessed account fails once only, far below its own limit.
    for attempt in range(limit * 10):
        response = post_login(client, f"guess{attempt}", "wrong", address="10.9.9.9")
        if response.status_code == 429:
            break
    else:
        pytest.fail("the address was never throttled")

    assert post_login(client, "ada", PASSWORD, address="10.9.9.9").status_code == 429
    assert not is_signed_in(client)
    assert post_login(client, "ada", PASSWORD, address="10.8.8.8").status_code == 302
    assert is_signed_in(client)


def test_success_clears_the_account_failures(client, settings):
    factories.agent(username="ada")
    limit = settings.LOGIN_THROTTLE_COUNT
    for i in range(limit - 1):
        post_login(client, "ada", "wrong", address=f"10.0.5.{i}")

    assert post_login(client, "ada", PASSWORD).status_code == 302
    client.post("/logout/")
    post_login(client, "ada", "wrong", address="10.0.6.1")
    assert post_login(client, "ada", PASSWORD).status_code == 302


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "//evil.example/teams/",
        "///evil.example",
        "https://evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
    ],
    ids=["protocol-relative", "protocol-relative-path", "triple-slash", "absolute",
         "slash-backslash", "backslashes", "tab", "javascript"],
)  # fmt: skip
def test_next_never_leaves_the_site(client, target):
    factories.agent(username="ada")

    response = post_login(client, "ada", PASSWORD, next_=target)

    assert response.status_code == 302
    assert response.url == "/"


def test_next_within_the_site_is_followed(client):
    factories.agent(username="ada")
    response = post_login(client, "ada", PASSWORD, next_="/teams/?q=net")
    assert response.status_code == 302
    assert response.url == "/teams/?q=net"


def test_login_form_keeps_next_in_its_action(client):
    response = client.get(LOGIN, {"next": "/teams/"})
    [form] = elements(response.content, "form")
    # The form posts back to the same URL, query string included.
    assert form.attrs.get("action", "") == ""


def test_logout_needs_post(client):
    client.force_login(factories.agent(username="ada"))

    assert client.get("/logout/").status_code == 405
    assert is_signed_in(client)

    response = client.post("/logout/")
    assert response.status_code == 302
    assert response.url == LOGIN
    assert not is_signed_in(client)


@pytest.mark.parametrize("path", ["/", "/profile/", "/teams/", "/teams/network/"])
def test_pages_need_a_signed_in_user(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next={path}"


def test_inactive_user_cannot_sign_in(client):
    factories.agent(username="ada", is_active=False)
    assert post_login(client, "ada", PASSWORD).status_code == 422
    assert not is_signed_in(client)


def test_admin_sign_in_goes_through_the_one_throttled_login(client):
    response = client.get("/admin/login/", {"next": "/admin/core/user/"})

    assert response.status_code == 302
    assert response.url == f"{LOGIN}?{urlencode({'next': '/admin/core/user/'})}"


def test_admin_sign_in_never_bypasses_the_lockout(client, settings):
    factories.admin(username="root", is_staff=True)
    for i in range(settings.LOGIN_THROTTLE_COUNT):
        post_login(client, "root", "wrong", address=f"10.0.7.{i}")
    assert post_login(client, "root", PASSWORD, address="10.0.8.1").status_code == 429

    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "root", "password": PASSWORD, "next": "/admin/"},
        REMOTE_ADDR="10.0.8.2",
    )

    assert response.status_code == 302
    assert response.url.startswith(LOGIN)
    assert not is_signed_in(client)
    assert client.get("/admin/").status_code == 302


def test_admin_index_sends_a_stranger_to_the_one_login(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == f"{LOGIN}?{urlencode({'next': '/admin/'})}"
    assert response.status_code == 200


def test_the_throttle_message_is_in_the_readers_language(client, settings):
    """The sign-in page is German for a German browser: its throttle message was English."""
    factories.agent(username="ada")
    for i in range(settings.LOGIN_THROTTLE_COUNT):
        post_login(client, "ada", "wrong", address=f"10.0.3.{i}")

    throttled = client.post(
        LOGIN,
        {"username": "ada", "password": PASSWORD},
        REMOTE_ADDR="10.0.4.1",
        HTTP_ACCEPT_LANGUAGE="de",
    )

    assert throttled.status_code == 429
    page = throttled.content.decode()
    assert "Zu viele fehlgeschlagene Anmeldungen; versuchen Sie es später erneut." in page
    assert "Too many failed sign-ins" not in page
