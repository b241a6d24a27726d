"""Web-shell fixtures: signed-in test clients for each role."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

PASSWORD = "correct-horse-battery"  # the factories' password
_CSRF = [
    (re.compile(r'(name="csrfmiddlewaretoken" value=)"[^"]*"'), r'\1""'),
    (re.compile(r'("X-CSRFToken": )"[^"]*"'), r'\1""'),
]


def without_csrf(body: bytes | str) -> str:
    """A page with its per-response CSRF tokens blanked, so two responses can be compared."""
    text = body.decode() if isinstance(body, bytes) else body
    for pattern, blank in _CSRF:
        text = pattern.sub(blank, text)
    return text


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin_client(admin_user) -> Client:
    return signed_in(admin_user)


@pytest.fixture
def agent_client(agent_user) -> Client:
    return signed_in(agent_user)


@pytest.fixture
def requester_client(requester_user) -> Client:
    return signed_in(requester_user)


@pytest.fixture
def probe(settings):
    """The real URLs plus tests/web/probe_urls.py's probe views and their templates."""
    settings.ROOT_URLCONF = "tests.web.probe_urls"
    templates = [dict(engine) for engine in settings.TEMPLATES]
    templates[0]["DIRS"] = [*templates[0]["DIRS"], Path(__file__).parent / "templates"]
    settings.TEMPLATES = templates
    from tests.web import probe_urls

    probe_urls.SAVED.clear()
    return probe_urls
