"""The help centre's home asks the requester for the ratings waiting for her (decision
0128): a "Waiting for your rating" section only when there are any, her own surveys only
(``survey_waiting_for`` scopes them), read in one statement however many wait."""

from __future__ import annotations

import pytest
from django.test import Client

from steward.incidents.services import incident_create
from steward.surveys import services
from steward.surveys.models import Survey
from tests import factories
from tests.query_counts import queries
from tests.surveys.conftest import resolve, settle
from tests.web.html import elements, text_of

pytestmark = pytest.mark.django_db

HEADING = "Wartet auf Ihre Bewertung"  # the caller reads German


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def section(page) -> list:
    """The links of the home's rating section (none when it is not there)."""
    return [
        a
        for a in elements(page.content, "a")
        if a.inside("section", **{"aria-labelledby": "rate-h"})
    ]


def resolved_for(agent_actor, who) -> Survey:
    incident = incident_create(
        agent_actor, title=f"Laptop {who.username}", caller=who.username, team="desk"
    )
    resolve(agent_actor, incident.number)
    settle()
    return Survey.objects.get(number=incident.number)


def test_the_home_asks_for_my_waiting_ratings_and_only_mine(agent_actor, desk, caller):
    client = signed_in(caller)
    assert HEADING not in client.get("/help/").content.decode()  # nothing waits: no section

    mine = resolved_for(agent_actor, caller)
    other = factories.requester(username="otto", email="otto@example.com")
    theirs = resolved_for(agent_actor, other)

    page = client.get("/help/")
    assert HEADING in page.content.decode()
    [link] = section(page)
    assert text_of(link) == f"{mine.number} bewerten · {mine.title}"
    # its signed link (the token carries a timestamp: read back, not rebuilt)
    assert services.survey_link_read(link.attrs["href"].split("/")[3]) == mine
    assert theirs.number not in page.content.decode()

    # rated: the section goes
    assert client.post(link.attrs["href"], {"rating": "4"}).status_code == 303
    assert HEADING not in client.get("/help/").content.decode()


def test_the_homes_ratings_cost_one_statement_however_many_wait(agent_actor, desk, caller):
    client = signed_in(caller)
    client.get("/help/")  # warm: the first read of a session fills the caches
    none = queries(lambda: client.get("/help/"))
    resolved_for(agent_actor, caller)
    queries(lambda: client.get("/help/"))  # warm again after the writes
    one = queries(lambda: client.get("/help/"))
    for _ in range(3):
        resolved_for(agent_actor, caller)
    queries(lambda: client.get("/help/"))
    four = queries(lambda: client.get("/help/"))

    assert len(section(client.get("/help/"))) == 4
    assert none == one == four  # the survey statement runs with or without rows, never per row
