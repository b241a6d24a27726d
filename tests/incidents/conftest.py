import itertools
import secrets
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from steward.core import labels
from steward.core.actor import Actor
from steward.core.services import team_create
from steward.incidents.views import facts, records, work
from steward.mailboxes.selectors import messages
from steward.sla import services as sla
from steward.web import fields, heading, renderer
from steward.web import timeline as timeline_writer
from steward.web.templatetags import kept
from tests import factories
from tests.conftest import as_actor

SPELLINGS = itertools.count(secrets.randbelow(10**6) * 100)


def spelled(stem: str) -> str:
    """A search word no other test spells (``stem`` and a number): the search index table is
    not a model, so a flush between tests leaves its rows."""
    return f"{stem}{next(SPELLINGS)}"


def search_page_examples(most: int) -> Callable:
    """The search paging tests' examples: 25 of a page size (``limit``, 1 to ``most``), a
    ``priority`` filter or none, the agent's or the ``requester``'s view."""
    examples = settings(
        max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    drawn = given(
        limit=st.integers(1, most),
        priority=st.one_of(st.none(), st.lists(st.integers(1, 5), min_size=1, max_size=3)),
        requester=st.booleans(),
    )
    return lambda test: examples(drawn(test))


def demo_desk(admin_actor, agent_user) -> tuple:
    """The demo's four teams (``agent_user`` in each), a team named with markup, the demo's
    three requesters, and two more readers: an agent of one team and one who will be
    limited to an organisation. Returns (one_team, limited)."""
    one_team = factories.agent(username="oneteam")
    limited = factories.agent(username="limited")
    for slug in ("network", "workplace", "applications", "service-desk"):  # the demo's
        members = [agent_user.username, limited.username]
        if slug == "network":
            members.append(one_team.username)
        team_create(admin_actor, name=slug.title(), slug=slug, members=members)
    team_create(admin_actor, name="R&D <lab>", slug="lab", members=[agent_user.username])
    for n in range(3):
        factories.requester(username=f"demo-req-{n}")
    return one_team, limited


@pytest.fixture
def web(agent_user):
    """The agent's browser session (Django's test client, the real middleware)."""
    client = Client()
    client.force_login(agent_user)
    return client


@pytest.fixture
def desk(admin_actor, agent_user):
    return team_create(admin_actor, name="Service Desk", slug="desk", members=[agent_user.username])


@pytest.fixture
def caller(db):
    return factories.requester(username="caller1")


@pytest.fixture
def caller_actor(caller):
    return as_actor(caller)


@pytest.fixture
def always_on(db):
    """A 24x7 UTC calendar and one policy for every incident: 30 min response, 4 h resolution."""
    system = Actor.system("tests")
    sla.calendar_create(
        system,
        name="24x7",
        slug="always",
        time_zone="UTC",
        working_hours=[{"weekday": d, "start": "00:00", "end": "00:00"} for d in range(7)],
    )
    return sla.policy_create(
        system,
        name="Standard",
        slug="standard",
        calendar="always",
        precedence=100,
        response_minutes=30,
        resolution_minutes=240,
    )


@pytest.fixture
def frozen(monkeypatch):
    """One "now" for the answers or pages a test compares (the SLA clocks' time left, the
    clocks' elapsed): a minute must not pass between the two."""
    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now)


@pytest.fixture
def switches(monkeypatch):
    """The incident page's cuts (decisions 0089, 0098, 0117) for ``test_detail_page_*``:
    ``draw(on)`` turns them all on or off for the next page; what was kept stays kept."""
    kept.forget()

    def draw(on: bool) -> None:
        monkeypatch.setattr(kept, "KEEP", on)
        monkeypatch.setattr(fields, "SHELL", on)
        monkeypatch.setattr(messages, "COMPILED", on)
        monkeypatch.setattr(facts, "WRITTEN", on)
        monkeypatch.setattr(timeline_writer, "WRITTEN", on)
        monkeypatch.setattr(renderer, "PICKERS", on)
        monkeypatch.setattr(records, "LAZY_FORM", on)
        monkeypatch.setattr(heading, "WRITTEN", on)
        monkeypatch.setattr(work, "WRITTEN", on)
        monkeypatch.setattr(labels, "KEEP", on)

    draw(True)
    yield draw
    kept.forget()
