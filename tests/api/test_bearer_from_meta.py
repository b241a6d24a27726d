"""The API's bearer token is read from ``META`` (decision 0084), not through
``request.headers`` (a mapping of every header, built for this one): the same token, or
none, as ninja's ``HttpBearer.__call__`` finds for every form of the header."""

import pytest
from django.test import RequestFactory
from ninja.security import HttpBearer

from steward.api.auth import TokenAuth
from tests.conftest import api_client_for

pytestmark = pytest.mark.django_db

FORMS = [
    None,
    "",
    "Bearer stw_abc",
    "bearer stw_abc",
    "BEARER stw_abc",
    "Bearer  stw_abc",  # two spaces: a token with a leading space, as ninja reads it
    "Bearer stw_abc extra",
    "Bearer",
    "Basic dXNlcjpwYXNz",
    "stw_abc",
    " Bearer stw_abc",
]


@pytest.mark.parametrize("value", FORMS)
def test_the_token_read_is_ninjas(value, monkeypatch):
    seen: list[str] = []
    monkeypatch.setattr(TokenAuth, "authenticate", lambda self, request, token: seen.append(token))
    headers = {} if value is None else {"HTTP_AUTHORIZATION": value}
    ours = TokenAuth()(RequestFactory().get("/api/v1/users/me", **headers))
    mine = list(seen)
    seen.clear()
    theirs = HttpBearer.__call__(TokenAuth(), RequestFactory().get("/api/v1/users/me", **headers))
    assert ours == theirs
    assert mine == seen


def test_a_token_request_builds_no_header_mapping(agent_user, monkeypatch):
    api = api_client_for(agent_user)
    assert api.get("/api/v1/users/me").status_code == 200

    def refused(self, environ):
        raise AssertionError("request.headers built")

    monkeypatch.setattr("django.http.request.HttpHeaders.__init__", refused)
    assert api.get("/api/v1/users/me").status_code == 200
