"""The web middleware: ``request.actor`` for every web request, and ``NotFound`` /
``PermissionDenied`` raised by a view become Steward's 404 and 403 pages."""

from __future__ import annotations

import pytest
from django.test import Client

from steward.core.choices import Channel
from tests.web.conftest import signed_in, without_csrf
from tests.web.html import elements, text_of

pytestmark = pytest.mark.django_db


def test_signed_in_request_carries_the_web_actor(probe, agent_user):
    body = signed_in(agent_user).get("/probe/actor/").json()

    assert body["username"] == agent_user.username
    assert body["channel"] == Channel.WEB
    assert body["scopes"] is None  # a session acts with the user's full rights
    assert body["same_actor_from_web_actor"] is True  # one actor, one request id, per request


def test_each_request_gets_its_own_request_id(probe, agent_user):
    client = signed_in(agent_user)
    first, second = (client.get("/probe/actor/").json()["request_id"] for _ in range(2))
    assert first != second


def test_anonymous_request_has_no_actor(probe):
    assert Client().get("/probe/actor/").json() == {"actor": None}


def test_api_requests_are_left_to_the_api_auth(probe, agent_user):
    # steward.api.auth builds the API's actor (a token's scopes narrow it); the web stays out
    assert signed_in(agent_user).get("/api/probe/actor/").json() == {"actor": "unset"}


def test_not_found_raised_by_a_view_is_the_steward_404_page(probe, agent_user):
    client = signed_in(agent_user)
    raised = client.get("/probe/not-found/")
    absent = client.get("/no/such/page/")

    assert raised.status_code == absent.status_code == 404
    assert "There is nothing here, or you may not see it." in raised.content.decode()
    assert elements(raised.content, "nav", id="modules-nav")  # inside the shell
    assert without_csrf(raised.content) == without_csrf(absent.content)


def test_permission_denied_raised_by_a_view_is_a_403_page_with_the_reason(probe, agent_user):
    response = signed_in(agent_user).get("/probe/forbidden/")

    assert response.status_code == 403
    [h1] = elements(response.content, "h1")
    assert text_of(h1) == "Not allowed"
    assert "Only change managers may do this." in response.content.decode()
    assert elements(response.content, "nav", id="modules-nav")


def test_djangos_permission_denied_gets_the_same_403_page(probe, agent_user):
    response = signed_in(agent_user).get("/probe/django-forbidden/")

    assert response.status_code == 403
    assert "You may not do this." in response.content.decode()
    assert elements(response.content, "nav", id="modules-nav")


def test_other_domain_errors_escaping_a_view_stay_server_errors(probe, agent_user):
    # A conflict belongs on a form (steward.web.forms.submit); one that escapes is a bug.
    client = signed_in(agent_user)
    client.raise_request_exception = False
    assert client.get("/probe/conflict/").status_code == 500


def test_old_web_names_of_the_people_pages_reverse_to_the_core_pages():
    from django.urls import resolve, reverse

    for name in ("profile", "team_list", "team_create", "token_create"):
        assert reverse(f"web:{name}") == reverse(f"core:{name}")
        assert resolve(reverse(f"web:{name}")).view_name == f"core:{name}"
    assert reverse("web:team_detail", args=["x"]) == reverse("core:team_detail", args=["x"])
