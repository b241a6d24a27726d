"""Web-shell fixtures: signed-in test clients for each role."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

from steward.core.choices import Role
from tests import factories

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


def reads_german(user, *, desk: bool = True):
    """``user`` with Deutsch in their profile; ``desk``: member and lead of the Servicedesk
    team (the language tests' agents and administrators work there)."""
    user.language = "de"
    user.save(update_fields=["language"])
    if desk:
        factories.TeamFactory(name="Servicedesk", slug="servicedesk", members=[user], lead=user)
    return user


@pytest.fixture
def german_agent(db):
    """An agent who reads German (``test_language_agents.py``)."""
    return reads_german(factories.agent(username="agnes", first_name="Agnes", last_name="Wagner"))


@pytest.fixture
def german_admin(db):
    """An administrator (also agent and change manager) who reads German: the configuration
    and mailbox pages' reader."""
    user = factories.UserFactory(
        username="anja",
        first_name="Anja",
        last_name="Keller",
        roles=[Role.ADMIN, Role.AGENT, Role.CHANGE_MANAGER],
    )
    return reads_german(user)


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
