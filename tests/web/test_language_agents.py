"""The agents' side reads German too (docs/decisions/0026-translations.md): the incident
queue and record as an agent and a team lead see them, the lead's home, problems, changes,
the change calendar and the CAB agenda carry no English word for a German agent."""

from __future__ import annotations

import pytest
from django.test import Client

from steward.changes.services import change_create
from steward.incidents.services import incident_create
from steward.problems.services import problem_create
from tests.conftest import as_actor
from tests.web.english_scan import ENGLISH, english_words

# The agents' vocabulary, on top of the chrome's: words German text never contains.
AGENT_WORDS = """assign assignee selected priority queue filter filters breached due sort
    unassigned take apply workload known error root cause linked change changes
    approve approved reject rejected schedule scheduled calendar week month today previous
    risk review implement pending waiting mine any none impact urgency save clear
    views view delete show hide more less link unlink incident resolve hold progress major"""
AGENT = ENGLISH | frozenset(AGENT_WORDS.split())


@pytest.fixture
def agent_pages(german_agent):
    me = as_actor(german_agent)
    incident = incident_create(me, title="Drucker druckt nicht", description="Papierstau")
    # a major one: its badge in the queue and on the record read "MAJOR" in German too
    major = incident_create(me, title="Netz ausgefallen", description="Alles steht", is_major=True)
    problem = problem_create(me, title="Drucker fallen aus", description="Immer wieder")
    change = change_create(me, title="Drucker tauschen", description="Neue Drucker")
    return [
        "/",
        "/incidents/",
        "/incidents/?status=&priority=1",
        "/incidents/?queue=all",
        f"/incidents/{major.number}/",
        f"/incidents/{incident.number}/",
        f"/problems/for-incident/{incident.number}/",
        "/problems/",
        f"/problems/{problem.number}/",
        "/changes/",
        f"/changes/{change.number}/",
        "/changes/calendar/",
        "/changes/agenda/",
    ]


def test_the_agents_pages_read_german(german_agent, agent_pages):
    client = Client()
    client.force_login(german_agent)
    left_over = {}
    for url in agent_pages:
        answer = client.get(url)
        assert answer.status_code == 200, url
        assert answer["Content-Language"] == "de", url
        if words := english_words(answer.content, AGENT):
            left_over[url] = words
    assert not left_over, f"English on German pages: {left_over}"
