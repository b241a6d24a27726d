"""API requests with a bearer token and no session cookie skip the browser's middleware
(session, authentication, messages, htmx, time zone: steward/web/stack.py); every request
with a session cookie takes the full path, so CSRF still guards cookie-authenticated writes;
Django's own CSRF middleware and the security headers are on every request."""

import pytest
from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.middleware.csrf import CsrfViewMiddleware
from django.test import Client

from steward.core.models import ApiToken
from tests import factories
from tests.conftest import ApiClient, api_client_for

pytestmark = pytest.mark.django_db

ME = "/api/v1/users/me"
HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


@pytest.fixture
def ran(monkeypatch) -> list[str]:
    """The names of Django's session and CSRF middleware steps that ran (CSRF's runs for
    every request: check --deploy asks for Django's class by name)."""
    steps: list[str] = []

    def spy(cls, name):
        original = getattr(cls, name)

        def wrapped(self, *args, **kwargs):
            steps.append(f"{cls.__name__}.{name}")
            return original(self, *args, **kwargs)

        monkeypatch.setattr(cls, name, wrapped)

    spy(SessionMiddleware, "process_request")
    spy(SessionMiddleware, "process_response")
    spy(CsrfViewMiddleware, "process_request")  # (its process_view is bound at start-up)
    return steps


def signed_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def test_a_bearer_request_skips_the_browser_middleware_and_keeps_the_headers(ran):
    api = api_client_for(factories.agent(username="ada"))
    response = api.get(ME)
    assert response.status_code == 200
    assert response.json()["username"] == "ada"
    assert ran == ["CsrfViewMiddleware.process_request"]  # no session step
    for name, value in HEADERS.items():
        assert response[name] == value
    assert not response.cookies  # no session, no CSRF cookie


def test_a_bearer_write_works_without_csrf(ran):
    api = api_client_for(factories.agent(username="ada"))
    response = api.post("/api/v1/tokens", {"name": "laptop"})
    assert response.status_code == 201, response.content
    assert ran == ["CsrfViewMiddleware.process_request"]  # the API's views are csrf_exempt
    assert response["X-Frame-Options"] == "DENY"


def test_a_refused_token_is_a_401_not_an_error():
    response = ApiClient("stw_not-a-token").get(ME)
    assert response.status_code == 401
    assert response["X-Frame-Options"] == "DENY"


def test_a_refused_token_on_a_write_still_meets_the_csrf_check():
    """A wrong token falls through to the session auth, which checks CSRF for writes."""
    response = ApiClient("stw_not-a-token").post("/api/v1/tokens", {"name": "x"})
    assert response.status_code in (401, 403)
    assert not ApiToken.objects.filter(name="x").exists()


def test_a_cookie_write_needs_csrf_even_with_a_bearer_header(ran):
    """A session cookie means the full path, whatever else the request carries."""
    client = signed_in(factories.agent(username="ada"), enforce_csrf_checks=True)
    assert client.get(ME).status_code == 200
    assert "SessionMiddleware.process_request" in ran
    response = client.post(
        "/api/v1/tokens",
        {"name": "x"},
        content_type="application/json",
        headers={"Authorization": "Bearer stw_not-a-token"},
    )
    assert response.status_code == 403
    assert not ApiToken.objects.filter(name="x").exists()


def test_a_cookie_write_without_csrf_is_refused(ran):
    client = signed_in(factories.agent(username="ada"), enforce_csrf_checks=True)
    response = client.post("/api/v1/tokens", {"name": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert not ApiToken.objects.filter(name="x").exists()
    assert "SessionMiddleware.process_request" in ran


def test_a_cookie_write_with_its_csrf_token_works():
    client = signed_in(factories.agent(username="ada"), enforce_csrf_checks=True)
    page = client.get("/")  # the browser's page sets the CSRF cookie
    assert page.status_code == 200
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(
        "/api/v1/tokens",
        {"name": "from the browser"},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 201, response.content


def test_web_pages_keep_the_full_middleware(ran):
    client = signed_in(factories.agent(username="ada"))
    response = client.get("/", headers={"Authorization": "Bearer stw_whatever"})
    assert response.status_code == 200
    assert "SessionMiddleware.process_request" in ran
    assert "CsrfViewMiddleware.process_request" in ran
    assert response["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in response


def test_djangos_own_csrf_middleware_is_in_the_list():
    """security.W003 (check --deploy) looks for this exact name; a subclass would not do."""
    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE


@pytest.mark.parametrize("path", ["/login/", "/logout/", "/incidents/new/"])
def test_a_web_post_without_csrf_is_refused_whatever_it_carries(path):
    """Outside /api/ a bearer header changes nothing: no session cookie, no CSRF token, 403."""
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        path, {"username": "ada", "password": "x"}, headers={"Authorization": "Bearer stw_x"}
    )
    assert response.status_code == 403


def test_a_signed_in_web_post_without_its_csrf_token_is_refused():
    client = signed_in(factories.agent(username="ada"), enforce_csrf_checks=True)
    response = client.post("/incidents/new/", {"title": "x"})
    assert response.status_code == 403
